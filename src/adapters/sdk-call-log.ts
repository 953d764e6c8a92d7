/** Any SDK v3 client: its middleware stack is all this needs. */
interface SdkClient {
  middlewareStack: { remove(toRemove: string): boolean };
}

/**
 * Drops the SDK's `loggerMiddleware` from a client. It builds a sensitive-field-filtered copy of every
 * request and response (walking each against the service's schema) before it finds out that the client's
 * logger discards them: ai-ops never gives the SDK a logger (its own logs name the alert, station and
 * sequence number), so that copy was pure cost. Measured: a quarter of the CLI's CPU in a backtest's
 * Scan, and part of every handler's one-item request. Errors still reach the caller, who logs them once.
 */
export const withoutSdkCallLog = <Client extends SdkClient>(client: Client): Client => {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
};
