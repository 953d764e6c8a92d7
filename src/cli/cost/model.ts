import { MEASURED, type UnitFigures } from './measured';
import { REGION_PRICES, type RegionPrices } from './prices';

/**
 * The monthly bill of a fleet, line by line: the measured figures per metric and per alert (measured.ts)
 * times the fleet's volume, times the region's list prices (prices.ts). Pure: tested against hand-worked
 * examples (docs/scale.md). The free tier is not subtracted.
 */

/** AWS prices a month as 730 hours. */
export const HOURS_PER_MONTH = 730;
const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
const GB = 1024 ** 3;

/** What the stack is configured with (each from the file named), not measured. */
export const STACK = {
  /** serverless.yml provider.memorySize: every function. */
  functionMemoryMb: 512,
  /** src/domain/types.ts METRIC_TTL_DAYS: a reading's row lives this long. */
  metricTtlDays: 30,
  /**
   * A healthy reading is about 170 bytes by DynamoDB's item-size rules (attribute names and values), and
   * storage is billed with 100 bytes of overhead per item: 300 rounds that up (docs/scale.md).
   */
  storedBytesPerMetric: 300,
  /** Alert row, its audit events: a few writes of at most 1 KB each (the measured write units bound it). */
  storedBytesPerAlert: 4096,
  /** infra/remediation-workflow.asl.json, an approved alert's path: RouteByAlertType, Plan*, SummarizeSuccess, RecordSuccess, NotifySuccess. */
  stateTransitionsPerApprovedAlert: 5,
  /** The approval request (dispatchAlertChange on the new alert) and the outcome (NotifySuccess). */
  snsPublishesPerAlert: 2,
  /** serverless.yml sweepAlerts: rate(1 minute). */
  sweepInvocationsPerMonth: HOURS_PER_MONTH * 60,
  /** infra/observability.yml: AWS::CloudWatch::Alarm resources. */
  alarms: 17,
  /** infra/observability.yml: one AWS::CloudWatch::Dashboard. */
  dashboards: 1,
  /**
   * src/observability/flow-metrics.ts, at most: 11 metrics without dimensions, Records{Processed,Skipped,
   * Failed} by 2 stream consumers, Alerts{Created,Deduplicated} by 4 alert types x 3 severities.
   */
  customMetrics: 11 + 3 * 2 + 2 * 4 * 3,
  /** serverless.yml params.prod.logRetentionInDays. */
  logRetentionDays: 90,
  /** X-Ray's default sampling rule: the first request each second, then 5% (docs: X-Ray sampling). */
  xRayReservoirPerSecond: 1,
  xRayRate: 0.05,
} as const;

export interface CostInput {
  stations: number;
  /** Seconds between two readings of a station. */
  intervalS: number;
  alertsPerDay: number;
  region: string;
}

export interface CostLine {
  service: string;
  item: string;
  quantity: number;
  unit: string;
  usd: number;
}

export interface CostReport {
  input: CostInput;
  metricsPerMonth: number;
  alertsPerMonth: number;
  lines: CostLine[];
  /** USD per month, every line summed. */
  total: number;
  freeTierSubtracted: false;
  prices: { region: string; readOn: string };
  measured: UnitFigures['run'];
}

/** Without --alerts-per-day: one alert per station every ten days. */
export const defaultAlertsPerDay = (stations: number): number => stations / 10;

export const costOf = (
  input: CostInput,
  figures: UnitFigures = MEASURED,
  readOn = 'see prices.ts',
): CostReport => {
  const prices: RegionPrices | undefined = REGION_PRICES[input.region];
  if (!prices) throw new Error(`no prices for region ${input.region}`);
  const metrics = (input.stations * SECONDS_PER_MONTH) / input.intervalS;
  const alerts = input.alertsPerDay * DAYS_PER_MONTH;
  const lines: CostLine[] = [];
  const line = (service: string, item: string, quantity: number, unit: string, usd: number) =>
    lines.push({ service, item, quantity, unit, usd });
  const { perMetric, perAlert } = figures;
  const ddb = prices.dynamodb;

  // DynamoDB: request units as measured, storage at its TTL's steady state, PITR on every table.
  const alertWrites =
    perAlert.created.writeUnits + perAlert.dispatched.writeUnits + perAlert.decided.writeUnits;
  const alertReads = perAlert.created.readUnits + perAlert.dispatched.readUnits + perAlert.decided.readUnits;
  const writeUnits = metrics * perMetric.writeUnits + alerts * alertWrites;
  const readUnits = metrics * perMetric.readUnits + alerts * alertReads;
  line(
    'DynamoDB',
    'write request units',
    writeUnits,
    'WRU',
    (writeUnits / 1e6) * ddb.writeRequestUnitsPerMillion,
  );
  line(
    'DynamoDB',
    'read request units',
    readUnits,
    'RRU',
    (readUnits / 1e6) * ddb.readRequestUnitsPerMillion,
  );
  // Offline detection: heartbeats scale with the stations (not the readings), the idle sweep's Query
  // with the schedule.
  const heartbeatUnits = input.stations * HOURS_PER_MONTH * figures.offline.heartbeatWriteUnitsPerStationHour;
  line(
    'DynamoDB',
    'write request units, last-seen heartbeats (STATION_OFFLINE)',
    heartbeatUnits,
    'WRU',
    (heartbeatUnits / 1e6) * ddb.writeRequestUnitsPerMillion,
  );
  const sweepReads = STACK.sweepInvocationsPerMonth * figures.offline.idleSweepReadUnits;
  line(
    'DynamoDB',
    "read request units, the sweep's DueIndex Query (one a minute)",
    sweepReads,
    'RRU',
    (sweepReads / 1e6) * ddb.readRequestUnitsPerMillion,
  );
  const metricsStored = (input.stations * STACK.metricTtlDays * 86_400) / input.intervalS;
  const storedGb =
    (metricsStored * STACK.storedBytesPerMetric +
      ((alerts * STACK.logRetentionDays) / DAYS_PER_MONTH) * STACK.storedBytesPerAlert) /
    GB;
  line(
    'DynamoDB',
    `storage (readings kept ${STACK.metricTtlDays} days by TTL)`,
    storedGb,
    'GB-month',
    storedGb * ddb.storagePerGbMonth,
  );
  const streamInvocations = metrics * (perMetric.functions.evaluateMetrics?.invocations ?? 0);
  line('DynamoDB', 'streams read by Lambda (free)', streamInvocations, 'GetRecords', 0);
  line('DynamoDB', 'point-in-time recovery', storedGb, 'GB-month', storedGb * ddb.pitrPerGbMonth);

  // Lambda: each function's measured invocations and billed time, per metric and per alert.
  const gbSeconds = (ms: number) => (ms / 1000) * (STACK.functionMemoryMb / 1024);
  const functions = new Map<string, { invocations: number; billedMs: number }>();
  const add = (name: string, invocations: number, billedMs: number) => {
    const sum = functions.get(name) ?? { invocations: 0, billedMs: 0 };
    functions.set(name, { invocations: sum.invocations + invocations, billedMs: sum.billedMs + billedMs });
  };
  for (const [name, use] of Object.entries(perMetric.functions))
    add(name, metrics * use.invocations, metrics * use.billedMs);
  for (const [name, use] of Object.entries(perAlert.functions))
    add(name, alerts * use.invocations, alerts * use.billedMs);
  // The sweep runs on its schedule whatever the fleet's size.
  add('sweepAlerts', STACK.sweepInvocationsPerMonth, STACK.sweepInvocationsPerMonth * figures.sweepBilledMs);
  let invocationsTotal = 0;
  for (const [name, use] of [...functions.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    invocationsTotal += use.invocations;
    line(
      'Lambda',
      `${name} requests`,
      use.invocations,
      'requests',
      (use.invocations / 1e6) * prices.lambda.requestsPerMillion,
    );
    const gbs = gbSeconds(use.billedMs);
    line(
      'Lambda',
      `${name} compute (${STACK.functionMemoryMb} MB, arm64)`,
      gbs,
      'GB-s',
      gbs * prices.lambda.armGbSecond,
    );
  }

  const transitions = alerts * STACK.stateTransitionsPerApprovedAlert;
  line(
    'Step Functions',
    'state transitions (every alert approved)',
    transitions,
    'transitions',
    (transitions / 1000) * prices.stepFunctionsTransitionsPerThousand,
  );
  const publishes = alerts * STACK.snsPublishesPerAlert;
  line(
    'SNS',
    'publishes (deliveries not included)',
    publishes,
    'publishes',
    (publishes / 1e6) * prices.snsPublishesPerMillion,
  );
  line(
    'EventBridge',
    'sweep schedule (scheduled rule, not charged)',
    STACK.sweepInvocationsPerMonth,
    'invocations',
    STACK.sweepInvocationsPerMonth * prices.eventBridgeScheduledRuleInvocations,
  );
  const apiRequests = metrics * (perMetric.functions.ingestMetrics?.invocations ?? 1);
  line(
    'API Gateway',
    'HTTP API requests (POST /metrics)',
    apiRequests,
    'requests',
    (apiRequests / 1e6) * prices.httpApiRequestsPerMillion,
  );

  const cw = prices.cloudWatch;
  const logGb = (metrics * perMetric.logBytes + alerts * perAlert.logBytes) / GB;
  line(
    'CloudWatch',
    `logs ingestion (LOG_LEVEL ${perMetric.logLevel})`,
    logGb,
    'GB',
    logGb * cw.logsIngestionPerGb,
  );
  const logStoredGb = logGb * (STACK.logRetentionDays / DAYS_PER_MONTH);
  line(
    'CloudWatch',
    `logs storage (${STACK.logRetentionDays}-day retention)`,
    logStoredGb,
    'GB-month',
    logStoredGb * cw.logsStoragePerGbMonth,
  );
  line(
    'CloudWatch',
    'custom metrics (at most)',
    STACK.customMetrics,
    'metrics',
    STACK.customMetrics * cw.customMetricPerMonth,
  );
  line('CloudWatch', 'dashboard', STACK.dashboards, 'dashboards', STACK.dashboards * cw.dashboardPerMonth);
  line('CloudWatch', 'alarms', STACK.alarms, 'alarms', STACK.alarms * cw.standardAlarmPerMonth);

  const reservoir = Math.min(invocationsTotal, STACK.xRayReservoirPerSecond * SECONDS_PER_MONTH);
  const traces = reservoir + (invocationsTotal - reservoir) * STACK.xRayRate;
  line(
    'X-Ray',
    'traces recorded (default sampling)',
    traces,
    'traces',
    (traces / 1e6) * prices.xRayTracesPerMillion,
  );

  return {
    input,
    metricsPerMonth: metrics,
    alertsPerMonth: alerts,
    lines,
    total: lines.reduce((sum, l) => sum + l.usd, 0),
    freeTierSubtracted: false,
    prices: { region: input.region, readOn },
    measured: figures.run,
  };
};
