/**
 * What a failed command tells a script: its exit code, a stable error code and, for HTTP answers, the
 * status. Documented in README ("Exit codes"); scripts branch on them, so they are a contract.
 */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  unreachable: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type ErrorCode =
  | 'FAILED'
  | 'USAGE'
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNREACHABLE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'DATA_FOLDER_IN_USE'
  | 'PORT_IN_USE';

const EXIT_OF: Record<ErrorCode, ExitCode> = {
  FAILED: EXIT.failure,
  USAGE: EXIT.usage,
  INVALID_INPUT: EXIT.usage,
  NOT_FOUND: EXIT.notFound,
  CONFLICT: EXIT.conflict,
  DATA_FOLDER_IN_USE: EXIT.conflict,
  PORT_IN_USE: EXIT.conflict,
  UNREACHABLE: EXIT.unreachable,
  UNAUTHORIZED: EXIT.unreachable,
  FORBIDDEN: EXIT.unreachable,
};

/** An error the CLI can explain: a code, the exit code that follows from it, and the HTTP status if any. */
export class CliError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'CliError';
  }

  get exitCode(): ExitCode {
    return EXIT_OF[this.code];
  }
}

/** The code of an HTTP error status, as the CLI reports it. */
export const codeOfStatus = (status: number): ErrorCode => {
  if (status === 400 || status === 422) return 'INVALID_INPUT';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  return 'FAILED';
};

/** The shape `--json` prints on stdout for any failure: {"error": {"code", "message", "status"}}. */
export interface ErrorReport {
  error: { code: ErrorCode; message: string; status: number | null };
}

interface Classified {
  code: ErrorCode;
  message: string;
  status: number | null;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Errors from Node and the AWS SDK that say the other side cannot be reached or refuses our identity. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT']);
const UNAUTHORIZED_NAMES = new Set([
  'CredentialsProviderError',
  'UnrecognizedClientException',
  'ExpiredTokenException',
  'AccessDeniedException',
  'InvalidSignatureException',
]);

/** Any thrown value as a code, a message and a status; unknown errors are plain failures. */
export const classify = (error: unknown): Classified => {
  if (error instanceof CliError) return { code: error.code, message: error.message, status: error.status };
  const message = messageOf(error);
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code))
      return { code: 'UNREACHABLE', message, status: null };
    if (code === 'ENOENT') return { code: 'NOT_FOUND', message, status: null };
    if (UNAUTHORIZED_NAMES.has(error.name)) return { code: 'UNAUTHORIZED', message, status: null };
    if (error.name === 'ResourceNotFoundException') return { code: 'NOT_FOUND', message, status: null };
    // The local runtime's guards (src/local/runtime-file.ts), by name: src/local does not know the CLI.
    if (error.name === 'DataFolderInUseError') return { code: 'DATA_FOLDER_IN_USE', message, status: null };
    if (error.name === 'PortInUseError') return { code: 'PORT_IN_USE', message, status: null };
    // commander's InvalidArgumentError and friends: a flag or argument the command cannot take.
    if (error.name === 'CommanderError' || error.name === 'InvalidArgumentError')
      return { code: 'USAGE', message, status: null };
  }
  return { code: 'FAILED', message, status: null };
};

export const exitCodeOf = (code: ErrorCode): ExitCode => EXIT_OF[code];

/**
 * Reports a failure once: as JSON on stdout with --json (scripts read one stream), else one line on
 * stderr. Sets the exit code; never prints a stack trace (--verbose does, for a bug report).
 */
export const reportError = (error: unknown, options: { json: boolean; verbose?: boolean }): void => {
  const { code, message, status } = classify(error);
  if (options.json) {
    const report: ErrorReport = { error: { code, message, status } };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    process.stderr.write(`error: ${message}\n`);
    if (options.verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  }
  process.exitCode = exitCodeOf(code);
};
