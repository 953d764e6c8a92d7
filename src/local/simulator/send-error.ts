/** A request to the ingest API that did not end in 202; `status` is undefined when no response came. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly body: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SendError';
  }
}

/**
 * The key a failed request is counted under in the summary: the HTTP status, 'network' when the API
 * never answered, 'error' for anything else a custom sender throws.
 */
export const failureKey = (error: unknown): string => {
  if (error instanceof SendError) return error.status === undefined ? 'network' : String(error.status);
  return 'error';
};

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
