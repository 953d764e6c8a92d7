import type { Command } from 'commander';
import { type AuditEventView, connectApi, reportFailures, tokenOption } from '../api-client';
import { type CommonOptions, DEFAULT_LOCAL_API, output, subcommand } from '../common-options';

interface AuditOptions extends CommonOptions {
  token?: string;
}

const MAX_DETAIL_CHARS = 80;

const detailValue = (value: unknown): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS - 1)}…` : text;
};

/** Oldest first; the API already orders so, but the timeline must read in order whatever the source. */
export const timelineOf = (items: readonly AuditEventView[]): AuditEventView[] =>
  [...items].sort((a, b) => a.timestamp - b.timestamp);

/** '2024-05-01T10:00:00.000Z  ALERT_APPROVED  SUCCESS  alice  key=value …  error: …' */
export const renderAuditStep = (step: AuditEventView): string => {
  const details = Object.entries(step.details ?? {}).map(([key, value]) => `${key}=${detailValue(value)}`);
  return [
    new Date(step.timestamp).toISOString(),
    step.actionType.padEnd(23),
    step.status.padEnd(7),
    step.userId,
    ...details,
    ...(step.errorMessage ? [`error: ${step.errorMessage}`] : []),
  ].join('  ');
};

export const renderTimeline = (items: readonly AuditEventView[]): string =>
  items.length === 0 ? 'no audit steps' : timelineOf(items).map(renderAuditStep).join('\n');

/** `ai-ops audit ID`: what happened to an alert, one line per audit step, oldest first. */
export const auditCommand = (): Command =>
  subcommand(
    'audit',
    "an alert's audit timeline, oldest first",
    `HTTP API URL (default ${DEFAULT_LOCAL_API})`,
  )
    .addOption(tokenOption())
    .argument('<alertId>')
    .action(
      reportFailures(async (alertId: string, options: AuditOptions) => {
        const client = await connectApi(options);
        const trail = await client.alertAudit(alertId);
        const items = timelineOf(trail.items);
        output(options, { ...trail, items }, () => renderTimeline(items));
      }),
    );
