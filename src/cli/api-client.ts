import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import { z } from 'zod';
import { alertSchema as domainAlertSchema } from '../domain/alert';
import { silenceSchema as domainSilenceSchema } from '../domain/silence';
import { loadConfig } from './config-file';
import { CliError, codeOfStatus, reportError } from './errors';

/** The scopes a token from the local runtime carries unless asked otherwise (the local issuer's default). */
export const LOCAL_DEFAULT_SCOPES: readonly string[] = ['metrics/write', 'alerts/read', 'alerts/decide'];

// The wire shapes the CLI reads. Loose objects: fields the CLI does not render pass through untouched,
// so --json prints what the server sent and a new server field does not break an older CLI. The alert is
// the domain's own schema, loosened, not a copy of it.
const alertSchema = domainAlertSchema.loose();

const ruleStatsSchema = z.looseObject({
  from: z.string(),
  to: z.string(),
  rules: z.array(
    z.looseObject({
      alertType: z.string(),
      severity: z.string(),
      opened: z.number(),
      approved: z.number(),
      rejected: z.record(z.string(), z.number()),
      resolvedUndecided: z.number(),
      medianTimeToDecideMs: z.number().nullable(),
      medianTimeToRecoverMs: z.number().nullable(),
      precision: z.number().nullable(),
    }),
  ),
});
export type RuleStatsView = z.infer<typeof ruleStatsSchema>;

const alertPageSchema = z.looseObject({
  items: z.array(alertSchema),
  nextCursor: z.string().nullable().optional(),
});

const auditEventSchema = z.looseObject({
  taskId: z.string(),
  alertId: z.string(),
  actionType: z.string(),
  timestamp: z.number(),
  userId: z.string(),
  status: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
  errorMessage: z.string().optional(),
});

const auditTrailSchema = z.looseObject({ items: z.array(auditEventSchema) });

const silenceSchema = domainSilenceSchema.loose();
const silenceListSchema = z.looseObject({ items: z.array(silenceSchema) });

const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number(),
  scope: z.string(),
});

const errorBodySchema = z.looseObject({
  message: z.string().optional(),
  error: z.string().optional(),
  errors: z
    .array(z.looseObject({ path: z.string().optional(), message: z.string(), index: z.number().optional() }))
    .optional(),
  currentStatus: z.string().optional(),
  resolvedAt: z.number().optional(),
});

export type AlertView = z.infer<typeof alertSchema>;
export type AlertPage = z.infer<typeof alertPageSchema>;
export type AuditEventView = z.infer<typeof auditEventSchema>;
export type AuditTrail = z.infer<typeof auditTrailSchema>;
export type TokenResponse = z.infer<typeof tokenResponseSchema>;
export type SilenceView = z.infer<typeof silenceSchema>;

/** The body of POST /silences; instants are epoch ms or ISO 8601. */
export interface NewSilence {
  stationId: string;
  alertTypes?: string[];
  startsAt?: number | string;
  endsAt: number | string;
  reason: string;
}

export interface AlertListQuery {
  status?: string;
  stationId?: string;
  limit?: number;
  cursor?: string;
}

/** The API answered with an error status; the message says what the server said, fields and all. */
export class ApiError extends CliError {
  constructor(
    override readonly status: number,
    readonly body: unknown,
    readonly request: string,
    readonly authenticateHeader: string | undefined = undefined,
  ) {
    super(codeOfStatus(status), renderApiError(status, body, request, authenticateHeader), status);
    this.name = 'ApiError';
  }
}

/** The API could not be reached at all (nothing listening, DNS, TLS). */
export class ApiUnreachableError extends CliError {
  constructor(
    readonly endpoint: string,
    cause: unknown,
    /** How the CLI came to this URL ("the default", "--api", "runtime.json"), so the user can fix it. */
    foundBy?: string,
  ) {
    const code = causeCode(cause);
    const via = foundBy ? ` (${foundBy})` : '';
    const hint = isLocalEndpoint(endpoint)
      ? ': is the local runtime running? Start it with `npm start` in the ai-ops folder, or pass --api URL'
      : '';
    super('UNREACHABLE', `cannot reach ${endpoint}${via}${code ? `: ${code}` : ''}${hint}`);
    this.name = 'ApiUnreachableError';
  }
}

/** fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, bad port) is in its cause. */
const causeCode = (error: unknown): string | undefined => {
  const cause = error instanceof Error ? error.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause && typeof cause.code === 'string')
    return cause.code;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : undefined;
};

/** 'HTTP 409 from POST /alerts/a1/approve: alert a1 is APPROVED, not PENDING (current status: APPROVED)'. */
export const renderApiError = (
  status: number,
  body: unknown,
  request: string,
  authenticateHeader?: string,
): string => {
  const parsed = errorBodySchema.safeParse(body);
  const lines: string[] = [];
  if (parsed.success) {
    const { message, error, errors, currentStatus } = parsed.data;
    let headline = message ?? error ?? 'no message';
    if (currentStatus) headline += ` (current status: ${currentStatus})`;
    // API Gateway says only "Unauthorized"; its www-authenticate header says why.
    const why = authenticateHeader ? /error_description="([^"]*)"/.exec(authenticateHeader)?.[1] : undefined;
    if (why) headline += ` (${why})`;
    lines.push(headline);
    for (const issue of errors ?? []) {
      const where = [issue.index === undefined ? undefined : `[${issue.index}]`, issue.path].filter(Boolean);
      lines.push(`  - ${where.length > 0 ? `${where.join(' ')}: ` : ''}${issue.message}`);
    }
  } else {
    lines.push(typeof body === 'string' && body !== '' ? body : JSON.stringify(body));
  }
  return `HTTP ${status} from ${request}: ${lines.join('\n')}`;
};

/** localhost, 127.0.0.0/8 and ::1: where the local runtime (and its token route) can be. */
export const isLocalEndpoint = (endpoint: string): boolean => {
  try {
    const { hostname } = new URL(endpoint);
    return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
  } catch {
    return false;
  }
};

const parseBody = (text: string): unknown => {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/** A client of the stack's HTTP API (deployed or local), authenticated with a bearer token. */
export class ApiClient {
  readonly endpoint: string;

  constructor(
    endpoint: string,
    private readonly token?: string,
    private readonly foundBy?: string,
  ) {
    this.endpoint = endpoint.replace(/\/+$/, '');
  }

  withToken(token: string): ApiClient {
    return new ApiClient(this.endpoint, token, this.foundBy);
  }

  listAlerts(query: AlertListQuery = {}): Promise<AlertPage> {
    const search = new URLSearchParams();
    if (query.status) search.set('status', query.status);
    if (query.stationId) search.set('stationId', query.stationId);
    if (query.limit !== undefined) search.set('limit', String(query.limit));
    if (query.cursor) search.set('cursor', query.cursor);
    const suffix = search.size > 0 ? `?${search}` : '';
    return this.call('GET', `/alerts${suffix}`, alertPageSchema);
  }

  getAlert(alertId: string): Promise<AlertView> {
    return this.call('GET', `/alerts/${encodeURIComponent(alertId)}`, alertSchema);
  }

  /** The alert's audit trail, as the API returns it (oldest first). */
  alertAudit(alertId: string): Promise<AuditTrail> {
    return this.call('GET', `/alerts/${encodeURIComponent(alertId)}/audit`, auditTrailSchema);
  }

  /** GET /rules/stats (scope alerts/read): each rule's precision, worst first. */
  ruleStats(period: { from?: string; to?: string } = {}): Promise<RuleStatsView> {
    const search = new URLSearchParams();
    if (period.from) search.set('from', period.from);
    if (period.to) search.set('to', period.to);
    return this.call('GET', `/rules/stats${search.size > 0 ? `?${search}` : ''}`, ruleStatsSchema);
  }

  /** POST /metrics (scope metrics/write): up to 500 readings, all or nothing. */
  postMetrics(readings: readonly unknown[]): Promise<{ accepted: number }> {
    return this.call('POST', '/metrics', z.looseObject({ accepted: z.number() }), readings);
  }

  approve(alertId: string): Promise<AlertView> {
    return this.call('POST', `/alerts/${encodeURIComponent(alertId)}/approve`, alertSchema);
  }

  /** Without a code the API records OTHER. */
  reject(alertId: string, reason: string, code?: string): Promise<AlertView> {
    return this.call('POST', `/alerts/${encodeURIComponent(alertId)}/reject`, alertSchema, {
      reason,
      ...(code === undefined ? {} : { code }),
    });
  }

  /** Ends the alert's incident by hand (POST /alerts/{id}/resolve). */
  resolve(alertId: string, reason: string): Promise<AlertView> {
    return this.call('POST', `/alerts/${encodeURIComponent(alertId)}/resolve`, alertSchema, { reason });
  }

  /** A silence (maintenance window) as the token's subject (POST /silences). */
  addSilence(silence: NewSilence): Promise<SilenceView> {
    return this.call('POST', '/silences', silenceSchema, silence);
  }

  /** The silences in force and future (GET /silences). */
  listSilences(): Promise<{ items: SilenceView[] }> {
    return this.call('GET', '/silences', silenceListSchema);
  }

  /** Ends a silence now (DELETE /silences/{id}). */
  removeSilence(silenceId: string): Promise<SilenceView> {
    return this.call('DELETE', `/silences/${encodeURIComponent(silenceId)}`, silenceSchema);
  }

  /** A token from the local runtime's token route (it exists only there, never in AWS). */
  requestToken(sub: string, scopes: readonly string[] = LOCAL_DEFAULT_SCOPES): Promise<TokenResponse> {
    return this.call('POST', '/local/token', tokenResponseSchema, { sub, scopes }, false);
  }

  private async call<T>(
    method: string,
    path: string,
    schema: z.ZodType<T>,
    body?: unknown,
    authenticated = true,
  ): Promise<T> {
    const request = `${method} ${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (authenticated && this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.endpoint}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiUnreachableError(this.endpoint, error, this.foundBy);
    }
    const payload = parseBody(await response.text());
    if (!response.ok)
      throw new ApiError(
        response.status,
        payload,
        request,
        response.headers.get('www-authenticate') ?? undefined,
      );
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || '(body)';
      throw new CliError(
        'FAILED',
        `unexpected response to ${request}: ${where}: ${issue?.message ?? 'invalid'} (is ${this.endpoint} an ai-ops HTTP API?)`,
      );
    }
    return parsed.data;
  }
}

// The CLI side of the client: how commands get an authenticated client and report its failures.

export interface ConnectOptions {
  /** The API's base URL (resolved by the caller: flag, environment, config, runtime file, default). */
  endpoint: string;
  /** How the URL was found, for the message when it cannot be reached. */
  foundBy?: string | undefined;
  /** A bearer token (--token, or AIOPS_TOKEN through commander's env binding). */
  token?: string | undefined;
}

/**
 * A client with a token: the given one, else, against the local runtime only, one the runtime issues for
 * `username` (the current OS user). A deployed API's tokens come from its identity provider, never from us.
 */
export const connectApi = async (
  options: ConnectOptions,
  username: () => string = currentUser,
): Promise<ApiClient> => {
  const client = new ApiClient(options.endpoint, undefined, options.foundBy);
  if (options.token) return client.withToken(options.token);
  if (!isLocalEndpoint(client.endpoint))
    throw new CliError('UNAUTHORIZED', `no token for ${client.endpoint}: pass --token or set AIOPS_TOKEN`);
  const { access_token } = await client.requestToken(username());
  return client.withToken(access_token);
};

/** The OS user, who the local runtime's token names as the caller (and so as the approver). */
export const currentUser = (): string => {
  try {
    return userInfo().username;
  } catch {
    // A container user without a passwd entry has no name; the environment may still have one.
    return process.env.USER ?? process.env.USERNAME ?? 'local-user';
  }
};

/** --token, falling back to AIOPS_TOKEN. */
export const tokenOption = (): Option =>
  new Option(
    '--token <jwt>',
    'bearer token; against the local runtime one is issued for the current user when absent',
  ).env('AIOPS_TOKEN');

/** Whether the command's failure should be JSON: --json, or `output: json` in a config file. */
const wantsJson = (command: Command | undefined): boolean => {
  const options = command?.optsWithGlobals<{ json?: boolean }>() ?? {};
  if (options.json) return true;
  try {
    return loadConfig().output === 'json';
  } catch {
    return false; // the config file itself is what failed: say so in text
  }
};

/**
 * Wraps a command action: a failure is reported once (one line on stderr, or JSON on stdout with --json)
 * with the exit code of its kind (see errors.ts), never a stack trace unless --verbose.
 */
export const reportFailures =
  <A extends unknown[]>(action: (...args: A) => Promise<void>) =>
  async (...args: A): Promise<void> => {
    try {
      await action(...args);
    } catch (error) {
      const command = args.at(-1) as Command | undefined;
      const verbose = command?.optsWithGlobals<{ verbose?: boolean }>().verbose === true;
      reportError(error, { json: wantsJson(command), verbose });
    }
  };
