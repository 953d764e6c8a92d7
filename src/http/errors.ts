/** The caller is not authenticated (no or bad token): 401. API Gateway's authorizer answers this in AWS. */
export class UnauthorizedError extends Error {
  readonly httpStatus = 401;
  constructor(message = 'authentication required') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}
