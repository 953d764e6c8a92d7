import type { Alert, AuditActionType, AuditEvent, Metric } from '../../../src/domain/types';
import { metric } from '../../support/metric-factory';
import { until } from './runtime';

/** An error answer of the API: a handler's (error, message, errors) or API Gateway's ({message}). */
export interface ErrorBody {
  error?: string;
  message: string;
  errors?: { path: string; message: string; index?: number }[];
  currentStatus?: string;
  resolvedAt?: number;
}

export interface Page {
  items: Alert[];
  nextCursor: string | null;
}

export interface Trail {
  items: AuditEvent[];
}

export interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  /** A bearer token; none when absent. */
  token?: string;
  /** Sent as is (a string) or as JSON (anything else). */
  body?: unknown;
  /** application/json whenever there is a body, unless given. */
  contentType?: string;
}

/** A thin client of the local runtime's HTTP API that keeps every status, for asserting error answers. */
export class LocalApi {
  constructor(readonly url: string) {}

  /** An access token from POST /local/token (default scopes unless given). */
  async token(
    sub: string,
    options: { scopes?: readonly string[]; ttlSeconds?: number } = {},
  ): Promise<string> {
    const reply = await this.request<{ access_token?: string }>('POST', '/local/token', {
      body: { sub, ...options },
    });
    if (reply.status !== 200 || typeof reply.body.access_token !== 'string')
      throw new Error(`POST /local/token answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return reply.body.access_token;
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (options.contentType !== undefined) {
      headers['content-type'] = options.contentType;
    }
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  get<T>(path: string, token?: string): Promise<Reply<T>> {
    return this.request<T>('GET', path, token === undefined ? {} : { token });
  }

  post<T>(path: string, token?: string, body?: unknown, contentType?: string): Promise<Reply<T>> {
    return this.request<T>('POST', path, {
      ...(token === undefined ? {} : { token }),
      ...(body === undefined ? {} : { body }),
      ...(contentType === undefined ? {} : { contentType }),
    });
  }

  /** Every alert, following nextCursor (pages of 100). */
  async allAlerts(token: string, query = ''): Promise<Alert[]> {
    const alerts: Alert[] = [];
    let cursor: string | null = null;
    do {
      const search = new URLSearchParams(query);
      search.set('limit', '100');
      if (cursor) search.set('cursor', cursor);
      const reply: Reply<Page> = await this.get<Page>(`/alerts?${search}`, token);
      if (reply.status !== 200) throw new Error(`GET /alerts answered ${reply.status}`);
      alerts.push(...reply.body.items);
      cursor = reply.body.nextCursor;
    } while (cursor);
    return alerts;
  }

  async trail(token: string, alertId: string): Promise<AuditEvent[]> {
    const reply = await this.get<Trail>(`/alerts/${alertId}/audit`, token);
    if (reply.status !== 200) throw new Error(`GET /alerts/${alertId}/audit answered ${reply.status}`);
    return reply.body.items;
  }

  /** The alert's trail once it holds every one of `actionTypes` (the dispatcher writes it asynchronously). */
  waitForTrail(
    token: string,
    alertId: string,
    actionTypes: readonly AuditActionType[],
    timeoutMs = 20_000,
  ): Promise<AuditEvent[]> {
    return until(
      `${actionTypes.join(', ')} in the audit trail of ${alertId}`,
      async () => {
        const items = await this.trail(token, alertId);
        const present = new Set(items.map((step) => step.actionType));
        return actionTypes.every((type) => present.has(type)) ? items : undefined;
      },
      timeoutMs,
    );
  }
}

/** A reading that fires LOW_INVENTORY (CRITICAL: no charged battery) and nothing else. */
export const outOfStockMetric = (stationId: string, timestamp: number): Metric =>
  metric({
    stationId,
    timestamp,
    swapRate: 6,
    chargerUptime: 99,
    chargedBatteries: 0,
    unchargedBatteries: 12,
  });

/** A reading that fires CHARGER_DOWN (CRITICAL: charger 'down') and nothing else (stock is plenty). */
export const chargerDownMetric = (stationId: string, timestamp: number): Metric => ({
  stationId,
  timestamp,
  swapRate: 6,
  demandSurge: false,
  chargerUptime: 0,
  chargerHealth: 'down',
  chargedBatteries: 20,
  unchargedBatteries: 4,
  errorLogs: ['charger offline'],
  faultPatterns: [],
});

export interface SeededStation {
  stationId: string;
  /** From the station's first reading. */
  lowInventory: Alert;
  /** From its second reading, one second later. */
  chargerDown: Alert;
}

/**
 * Two alerts per station, each from its own reading, so every alert has its own createdAt: station i's
 * LOW_INVENTORY at base + 10 s * i, its CHARGER_DOWN one second later. Newest first, the list is the
 * stations in reverse, CHARGER_DOWN before LOW_INVENTORY. Resolves once every alert can be listed.
 */
export const seedAlerts = async (
  api: LocalApi,
  stationIds: readonly string[],
  base = Date.now() - 10 * 60_000,
): Promise<SeededStation[]> => {
  const station = await api.token('e2e-station', { scopes: ['metrics/write'] });
  const reader = await api.token('e2e-seeder', { scopes: ['alerts/read'] });
  const readings = stationIds.flatMap((stationId, i) => [
    outOfStockMetric(stationId, base + i * 10_000),
    chargerDownMetric(stationId, base + i * 10_000 + 1000),
  ]);
  const ingest = await api.post<{ accepted: number }>('/metrics', station, readings);
  if (ingest.status !== 202 || ingest.body.accepted !== readings.length)
    throw new Error(`POST /metrics answered ${ingest.status}: ${JSON.stringify(ingest.body)}`);

  return until(`the alerts of ${stationIds.join(', ')}`, async () => {
    const alerts = await api.allAlerts(reader);
    const seeded: SeededStation[] = [];
    for (const stationId of stationIds) {
      const lowInventory = alerts.find((a) => a.stationId === stationId && a.alertType === 'LOW_INVENTORY');
      const chargerDown = alerts.find((a) => a.stationId === stationId && a.alertType === 'CHARGER_DOWN');
      if (!lowInventory || !chargerDown) return undefined;
      seeded.push({ stationId, lowInventory, chargerDown });
    }
    return seeded;
  });
};
