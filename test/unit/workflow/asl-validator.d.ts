// asl-validator ships no types; this is the part of its API the tests use.
declare module 'asl-validator' {
  interface AslValidationResult {
    isValid: boolean;
    errors: unknown[];
    errorsText(separator?: string): string;
  }
  const aslValidator: (
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ) => AslValidationResult;
  export default aslValidator;
}
