import type { Metric } from '../../domain/types';
import type { Send } from './runner';
import { messageOf, SendError } from './send-error';

export interface HttpSenderOptions {
  /** Base URL of the HTTP API (a deployed stage's or the local runtime's), without /metrics. */
  url: string;
  token: string;
  fetch?: typeof globalThis.fetch;
  /** Per request: a hung API must not stall the run forever (the runner waits for each send). */
  timeoutMs?: number;
}

/** Long error pages would drown the summary; the status and the start of the body say enough. */
const MAX_BODY_IN_MESSAGE = 300;

export const metricsEndpoint = (url: string): string => `${url.replace(/\/+$/, '')}/metrics`;

/** A Send that POSTs each batch to `${url}/metrics` with the bearer token; anything but 202 throws SendError. */
export const httpSender = ({
  url,
  token,
  fetch = globalThis.fetch,
  timeoutMs = 10_000,
}: HttpSenderOptions): Send => {
  const endpoint = metricsEndpoint(url);
  return async (metrics: Metric[]) => {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(metrics),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new SendError(`POST ${endpoint} failed: ${messageOf(error)}`, undefined, '', { cause: error });
    }
    // Read the body either way: it frees the connection for keep-alive and explains a refusal.
    const body = await response.text().catch(() => '');
    if (response.status !== 202) {
      const shown = body.length > MAX_BODY_IN_MESSAGE ? `${body.slice(0, MAX_BODY_IN_MESSAGE)}…` : body;
      throw new SendError(
        `POST ${endpoint} answered ${response.status} ${response.statusText}${shown ? `: ${shown}` : ''}`,
        response.status,
        body,
      );
    }
  };
};
