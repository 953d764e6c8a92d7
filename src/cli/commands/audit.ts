import type { Command } from 'commander';
import { localTime, renderTable, statusText } from '../../local/present';
import { type AuditEventView, reportFailures, tokenOption } from '../api-client';
import { type CommonOptions, output, subcommand, targetOf } from '../common-options';
import { connectCommand } from '../connect';

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

/** The cells of one step: time, action, status, who, then details and the error. */
const stepCells = (step: AuditEventView): string[] => {
  const details = Object.entries(step.details ?? {}).map(([key, value]) => `${key}=${detailValue(value)}`);
  return [
    localTime(step.timestamp),
    step.actionType,
    statusText(step.status),
    step.userId,
    [...details, ...(step.errorMessage ? [`error: ${step.errorMessage}`] : [])].join(' '),
  ];
};

/** The timeline as a table: TIME (local, with the zone), ACTION, STATUS, BY, DETAILS. */
export const renderTimeline = (items: readonly AuditEventView[]): string =>
  items.length === 0
    ? 'no audit steps'
    : renderTable(['TIME', 'ACTION', 'STATUS', 'BY', 'DETAILS'], timelineOf(items).map(stepCells));

/** `ai-ops audit ID`: what happened to an alert, one line per audit step, oldest first. */
export const auditCommand = (): Command =>
  subcommand('audit', "an alert's audit timeline, oldest first")
    .addOption(tokenOption())
    .argument('<alertId>')
    .action(
      reportFailures(async (alertId: string, _options: AuditOptions, command: Command) => {
        const client = await connectCommand(command);
        const trail = await client.alertAudit(alertId);
        const items = timelineOf(trail.items);
        output(targetOf(command), { ...trail, items }, () => renderTimeline(items));
      }),
    );
