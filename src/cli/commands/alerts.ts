import { Command, InvalidArgumentError, Option } from 'commander';
import { REJECTION_CODES } from '../../domain/alert-vocabulary';
import { ALERT_STATUSES } from '../../domain/types';
import { localTime, renderTable, severityText, statusText } from '../../local/present';
import { type AlertPage, type AlertView, reportFailures, tokenOption } from '../api-client';
import { type CommonOptions, output, subcommand, targetOf } from '../common-options';
import { connectCommand } from '../connect';

interface ApiCommandOptions extends CommonOptions {
  token?: string;
}

interface ListOptions extends ApiCommandOptions {
  status?: string;
  station?: string;
  limit?: number;
  cursor?: string;
}

interface RejectOptions extends ApiCommandOptions {
  reason: string;
  code?: string;
}

const iso = localTime;

/** " (FALSE_ALARM)" after a rejection; nothing for one from before codes existed. */
const codeText = (alert: AlertView): string => (alert.rejectionCode ? ` (${alert.rejectionCode})` : '');

const parseLimit = (value: string): number => {
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new InvalidArgumentError('must be an integer from 1 to 100');
  return limit;
};

const parseStatus = (value: string): string => {
  const status = value.toUpperCase();
  if (!(ALERT_STATUSES as readonly string[]).includes(status))
    throw new InvalidArgumentError(`must be one of ${ALERT_STATUSES.join(', ')}`);
  return status;
};

export { renderTable };

export const renderAlertList = (page: AlertPage): string => {
  if (page.items.length === 0) return 'no alerts';
  const table = renderTable(
    ['ALERT ID', 'STATUS', 'SEVERITY', 'TYPE', 'STATION', 'CREATED', 'OCCURRENCES'],
    page.items.map((alert) => [
      alert.alertId,
      statusText(alert.status),
      severityText(alert.severity),
      alert.alertType,
      alert.stationId,
      iso(alert.createdAt),
      String(alert.occurrences),
    ]),
  );
  return page.nextCursor ? `${table}\n\nmore: --cursor ${page.nextCursor}` : table;
};

const inline = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export const renderAlert = (alert: AlertView): string => {
  const fields: [string, string | undefined][] = [
    ['alert', alert.alertId],
    ['status', alert.status],
    ['severity', alert.severity],
    ['type', alert.alertType],
    ['station', alert.stationId],
    ['title', alert.title],
    ['description', alert.description],
    ['recommended', alert.recommendedAction],
    ['created', iso(alert.createdAt)],
    ['last seen', alert.lastSeenAt === undefined ? undefined : iso(alert.lastSeenAt)],
    ['updated', alert.updatedAt === undefined ? undefined : iso(alert.updatedAt)],
    ['occurrences', String(alert.occurrences)],
    [
      'approved',
      alert.approvedAt === undefined ? undefined : `${iso(alert.approvedAt)} by ${alert.approvedBy ?? '?'}`,
    ],
    [
      'rejected',
      alert.rejectedAt === undefined
        ? undefined
        : `${iso(alert.rejectedAt)} by ${alert.rejectedBy ?? '?'}${codeText(alert)}: ${alert.rejectionReason ?? ''}`,
    ],
    [
      'deadline',
      alert.status === 'PENDING' && alert.deadlineAt !== undefined ? iso(alert.deadlineAt) : undefined,
    ],
    ['escalation', alert.escalationLevel ? `level ${alert.escalationLevel}` : undefined],
    [
      'resolved',
      alert.resolvedAt === undefined
        ? undefined
        : `${iso(alert.resolvedAt)} by ${alert.resolvedBy ?? '?'}${alert.resolutionReason ? `: ${alert.resolutionReason}` : ''}`,
    ],
    ['recovered in', timeToRecover(alert)],
    ['workflow', alert.stepFunctionExecutionArn],
    [
      'remediation',
      alert.remediation &&
        [
          alert.remediation.status,
          alert.remediation.completedAt,
          alert.remediation.error,
          alert.remediation.cause,
        ]
          .filter((part) => part !== undefined)
          .join(' '),
    ],
    [
      'metadata',
      alert.metadata && Object.keys(alert.metadata).length > 0
        ? Object.entries(alert.metadata)
            .map(([key, value]) => `${key}=${inline(value)}`)
            .join(' ')
        : undefined,
    ],
  ];
  const shown = fields.filter(
    (field): field is [string, string] => field[1] !== undefined && field[1] !== '',
  );
  const width = Math.max(...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
};

/** One line saying what a decision did. */
export const renderDecision = (alert: AlertView): string =>
  alert.status === 'APPROVED'
    ? `alert ${alert.alertId} APPROVED by ${alert.approvedBy ?? '?'} at ${iso(alert.approvedAt)}`
    : `alert ${alert.alertId} ${alert.status} by ${alert.rejectedBy ?? '?'} at ${iso(alert.rejectedAt)}${codeText(alert)}: ${alert.rejectionReason ?? ''}`;

/** One line saying how an incident ended. */
export const renderResolution = (alert: AlertView): string =>
  `alert ${alert.alertId} ${alert.status}: incident ended at ${iso(alert.resolvedAt)} by ${alert.resolvedBy ?? '?'}` +
  (alert.resolutionReason ? `: ${alert.resolutionReason}` : '');

/** Time to recover: from the approval to the end of the incident. */
const timeToRecover = (alert: AlertView): string | undefined => {
  if (alert.approvedAt === undefined || alert.resolvedAt === undefined) return undefined;
  const minutes = Math.max(0, alert.resolvedAt - alert.approvedAt) / 60_000;
  return minutes < 120 ? `${minutes.toFixed(1)} min` : `${(minutes / 60).toFixed(1)} h`;
};

/** A subcommand of `alerts`: its common options (--endpoint, --json, --token) are the group's. */
const leaf = (name: string, description: string): Command =>
  new Command(name).description(description).configureHelp({ showGlobalOptions: true });

const connect = connectCommand;

/** --json from the flag or from `output: json` in a config file. */
const jsonOf = (command: Command): { json: boolean } => ({ json: targetOf(command).json });

/**
 * `ai-ops alerts list|show|approve|reject|resolve`: the alerts of the HTTP API at --endpoint. Approving,
 * rejecting and resolving act as the token's subject (the API reads the decider from the token, never from the body).
 */
export const alertsCommand = (): Command =>
  subcommand('alerts', 'list, show, approve and reject alerts')
    .addOption(tokenOption())
    .addCommand(
      leaf('list', 'alerts newest first')
        .addOption(
          new Option('--status <status>', `only this status (${ALERT_STATUSES.join(', ')})`).argParser(
            parseStatus,
          ),
        )
        .addOption(new Option('--station <id>', 'only this station'))
        .addOption(new Option('--limit <n>', 'page size, 1..100 (server default 20)').argParser(parseLimit))
        .addOption(new Option('--cursor <cursor>', 'the page after this cursor (printed under a full page)'))
        .action(
          reportFailures(async (_options: ListOptions, command: Command) => {
            const options = command.optsWithGlobals<ListOptions>();
            const client = await connect(command);
            const page = await client.listAlerts({
              ...(options.status ? { status: options.status } : {}),
              ...(options.station ? { stationId: options.station } : {}),
              ...(options.limit !== undefined ? { limit: options.limit } : {}),
              ...(options.cursor ? { cursor: options.cursor } : {}),
            });
            output(jsonOf(command), page, () => renderAlertList(page));
          }),
        ),
    )
    .addCommand(
      leaf('show', 'one alert in full')
        .argument('<alertId>')
        .action(
          reportFailures(async (alertId: string, _options: ApiCommandOptions, command: Command) => {
            const alert = await (await connect(command)).getAlert(alertId);
            output(jsonOf(command), alert, () => renderAlert(alert));
          }),
        ),
    )
    .addCommand(
      leaf('approve', 'approve a PENDING alert (starts its remediation)')
        .argument('<alertId>')
        .action(
          reportFailures(async (alertId: string, _options: ApiCommandOptions, command: Command) => {
            const alert = await (await connect(command)).approve(alertId);
            output(jsonOf(command), alert, () => renderDecision(alert));
          }),
        ),
    )
    .addCommand(
      leaf('reject', 'reject a PENDING alert with a reason and a rejection code')
        .argument('<alertId>')
        .addOption(new Option('--reason <text>', 'why (1..1000 characters)').makeOptionMandatory())
        .addOption(
          new Option('--code <code>', 'what kind of rejection (FALSE_ALARM counts against the rule)')
            .choices(REJECTION_CODES)
            .default(undefined, 'OTHER'),
        )
        .action(
          reportFailures(async (alertId: string, _options: RejectOptions, command: Command) => {
            const options = command.optsWithGlobals<RejectOptions>();
            const alert = await (await connect(command)).reject(alertId, options.reason, options.code);
            output(jsonOf(command), alert, () => renderDecision(alert));
          }),
        ),
    )
    .addCommand(
      leaf('resolve', 'end an alert’s incident by hand, with a reason (any status but resolved)')
        .argument('<alertId>')
        .addOption(new Option('--reason <text>', 'why (1..1000 characters)').makeOptionMandatory())
        .action(
          reportFailures(async (alertId: string, _options: RejectOptions, command: Command) => {
            const options = command.optsWithGlobals<RejectOptions>();
            const alert = await (await connect(command)).resolve(alertId, options.reason);
            output(options, alert, () => renderResolution(alert));
          }),
        ),
    );
