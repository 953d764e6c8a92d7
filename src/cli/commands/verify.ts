import { randomUUID } from 'node:crypto';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type ApiClient, isLocalEndpoint, reportFailures, tokenOption } from '../api-client';
import { type CommonOptions, output, subcommand, targetOf } from '../common-options';
import { connectCommand } from '../connect';
import { renderTable } from './alerts';

/**
 * `ai-ops verify --api URL`: the post-deploy smoke test. It drives one synthetic station through the
 * whole flow (reading -> alert -> approval -> workflow -> notification, all seen in the audit trail) and
 * prints a pass/fail table with timings. The steps are a list run in order, each reading what the earlier
 * ones found: a new step (the lifecycle's "resolve", once it exists) is one more entry of VERIFY_STEPS.
 */

interface VerifyOptions extends CommonOptions {
  token?: string;
  timeout: number;
}

/** What the steps share: the client, the synthetic station, and what earlier steps found. */
export interface VerifyContext {
  client: ApiClient;
  stationId: string;
  deadline: number;
  alertId?: string;
}

export interface VerifyStep {
  name: string;
  /** Resolves with a detail line when the step passed; throws (with the reason) when it did not. */
  run(context: VerifyContext): Promise<string>;
}

export interface StepResult {
  step: string;
  result: 'pass' | 'fail' | 'skipped';
  ms: number;
  detail: string;
}

/** Polls `probe` until it returns a value, or fails at the run's deadline saying what it waited for. */
const waitFor = async <T>(context: VerifyContext, what: string, probe: () => Promise<T | undefined>) => {
  for (let delay = 250; ; delay = Math.min(delay * 2, 2_000)) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() + delay > context.deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
};

const auditActions = async (context: VerifyContext): Promise<string[]> =>
  (await context.client.alertAudit(context.alertId ?? '')).items.map((e) => e.actionType);

export const VERIFY_STEPS: readonly VerifyStep[] = [
  {
    name: 'ingest readings',
    run: async ({ client, stationId }) => {
      // Two readings of a station with no charged battery: LOW_INVENTORY (CRITICAL) and nothing else.
      const now = Date.now();
      const readings = [now - 1_000, now].map((timestamp) => ({
        stationId,
        timestamp,
        swapRate: 6,
        demandSurge: false,
        chargerUptime: 99,
        chargerHealth: 'healthy',
        chargedBatteries: 0,
        unchargedBatteries: 12,
        errorLogs: [],
        faultPatterns: [],
      }));
      const { accepted } = await client.postMetrics(readings);
      return `${accepted} readings of ${stationId} accepted`;
    },
  },
  {
    name: 'alert raised',
    run: async (context) => {
      const alert = await waitFor(context, `an alert for ${context.stationId}`, async () =>
        (await context.client.listAlerts({ stationId: context.stationId, limit: 10 })).items.at(0),
      );
      context.alertId = alert.alertId;
      return `${alert.alertType} ${alert.severity} ${alert.alertId}`;
    },
  },
  {
    name: 'alert approved',
    run: async ({ client, alertId = '' }) => {
      const alert = await client.approve(alertId);
      if (alert.status !== 'APPROVED') throw new Error(`status ${alert.status} after approval`);
      return `approved by ${String(alert.approvedBy ?? '?')}`;
    },
  },
  {
    name: 'workflow outcome',
    run: async (context) => {
      const actions = await waitFor(context, 'the workflow outcome in the audit trail', async () => {
        const found = await auditActions(context);
        return found.some((a) => a === 'STEP_FUNCTION_SUCCEEDED' || a === 'STEP_FUNCTION_FAILED')
          ? found
          : undefined;
      });
      if (actions.includes('STEP_FUNCTION_FAILED')) throw new Error('the remediation workflow failed');
      return 'STEP_FUNCTION_SUCCEEDED';
    },
  },
  {
    name: 'notification sent',
    run: async (context) => {
      await waitFor(context, 'SNS_NOTIFICATION_SENT in the audit trail', async () =>
        (await auditActions(context)).includes('SNS_NOTIFICATION_SENT') ? true : undefined,
      );
      return 'SNS_NOTIFICATION_SENT';
    },
  },
  {
    // The synthetic station's incident must not outlive the check: end it as an operator would, and see
    // the dispatcher audit the end (ALERT_RESOLVED), so the lifecycle's last step is proven too.
    name: 'incident resolved',
    run: async (context) => {
      const alert = await context.client.resolve(context.alertId ?? '', 'ai-ops verify: synthetic station');
      if (alert.resolvedAt === undefined)
        throw new Error(`no resolvedAt after resolve (status ${alert.status})`);
      await waitFor(context, 'ALERT_RESOLVED in the audit trail', async () =>
        (await auditActions(context)).includes('ALERT_RESOLVED') ? true : undefined,
      );
      return `resolved by ${String(alert.resolvedBy ?? '?')}, ALERT_RESOLVED`;
    },
  },
];

/**
 * With AWS credentials, against a deployed stack: the evaluator's flow metrics for the run. It waits
 * (CloudWatch lags a minute or two) until RecordsProcessed of evaluateMetrics shows the readings, and
 * reports WindowStateUnissued, which should be 0 (docs/operations.md, first-deploy checklist).
 */
export const flowMetricsStep = (
  cloudWatch: CloudWatchClient,
  service: string,
  since: number,
): VerifyStep => ({
  name: 'evaluator flow metrics',
  run: async (context) => {
    // Loaded here, not at the top: the SDK client costs every `ai-ops` start ~0.1 s, and only this step uses it.
    const { GetMetricDataCommand } = await import('@aws-sdk/client-cloudwatch');
    const query = async () => {
      const out = await cloudWatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(since - 60_000),
          EndTime: new Date(Date.now() + 60_000),
          MetricDataQueries: [
            ['processed', 'RecordsProcessed', [{ Name: 'Function', Value: 'evaluateMetrics' }]] as const,
            ['unissued', 'WindowStateUnissued', []] as const,
          ].map(([Id, MetricName, extra]) => ({
            Id,
            MetricStat: {
              Metric: {
                Namespace: 'AiOps',
                MetricName,
                Dimensions: [...extra, { Name: 'service', Value: service }],
              },
              Period: 60,
              Stat: 'Sum',
            },
          })),
        }),
      );
      const sum = (id: string) =>
        (out.MetricDataResults ?? []).find((r) => r.Id === id)?.Values?.reduce((a, b) => a + b, 0) ?? 0;
      return { processed: sum('processed'), unissued: sum('unissued') };
    };
    const { processed, unissued } = await waitFor(
      context,
      'RecordsProcessed of evaluateMetrics',
      async () => {
        const figures = await query();
        return figures.processed > 0 ? figures : undefined;
      },
    );
    return `RecordsProcessed ${processed}, WindowStateUnissued ${unissued}`;
  },
});

/** Credentials the SDK would find in the environment (a profile or keys); the metrics step needs them. */
const hasAwsCredentials = (): boolean =>
  Boolean(
    process.env.AWS_PROFILE ||
      process.env.AWS_ACCESS_KEY_ID ||
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
  );

/** Runs the steps in order; after a failure the rest are skipped (they depend on what it should have found). */
export const runVerify = async (context: VerifyContext, steps = VERIFY_STEPS): Promise<StepResult[]> => {
  const results: StepResult[] = [];
  let failed = false;
  for (const step of steps) {
    if (failed) {
      results.push({ step: step.name, result: 'skipped', ms: 0, detail: 'an earlier step failed' });
      continue;
    }
    const started = Date.now();
    try {
      const detail = await step.run(context);
      results.push({ step: step.name, result: 'pass', ms: Date.now() - started, detail });
    } catch (error) {
      failed = true;
      const detail = error instanceof Error ? error.message : String(error);
      results.push({ step: step.name, result: 'fail', ms: Date.now() - started, detail });
    }
  }
  return results;
};

const parseSeconds = (value: string): number => {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError('must be a number of seconds > 0');
  return seconds;
};

export const verifyCommand = (): Command =>
  subcommand('verify', 'smoke-test a deployed (or local) stack end to end with a synthetic station')
    .addOption(tokenOption())
    .addOption(
      new Option('--timeout <seconds>', 'give up on the whole run after this long')
        .default(120)
        .argParser(parseSeconds),
    )
    .action(
      reportFailures(async (options: VerifyOptions, command: Command) => {
        const target = targetOf(command);
        const client = await connectCommand(command);
        const stationId = `VERIFY-${randomUUID().slice(0, 8).toUpperCase()}`;
        const context: VerifyContext = { client, stationId, deadline: Date.now() + options.timeout * 1000 };
        const deployed = hasAwsCredentials() && !isLocalEndpoint(client.endpoint);
        const { CloudWatchClient } = deployed
          ? await import('@aws-sdk/client-cloudwatch')
          : { CloudWatchClient: undefined };
        const steps = CloudWatchClient
          ? [
              ...VERIFY_STEPS,
              flowMetricsStep(new CloudWatchClient({ region: target.region.value }), 'ai-ops', Date.now()),
            ]
          : VERIFY_STEPS;
        const results = await runVerify(context, steps);
        const passed = results.every((r) => r.result === 'pass');
        output(
          { json: target.json },
          {
            api: client.endpoint,
            stage: target.stage.value,
            stationId,
            alertId: context.alertId,
            passed,
            steps: results,
          },
          () =>
            `${renderTable(
              ['STEP', 'RESULT', 'MS', 'DETAIL'],
              results.map((r) => [r.step, r.result.toUpperCase(), String(r.ms), r.detail]),
            )}\n${passed ? 'PASS' : 'FAIL'}: ${client.endpoint} (station ${stationId})`,
        );
        if (!passed) process.exitCode = 1;
      }),
    );
