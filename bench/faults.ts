/**
 * The delivery guarantees under faults, against a whole local runtime (issue 12): 30 approvals while 20%
 * of the functions' DynamoDB, Step Functions and SNS requests fail (`--faults`), then what the tables,
 * the executions and the notifications say; then Java is killed and the time to the first accepted write
 * is measured (the runtime restarts DynamoDB Local on its data folder).
 * Run: npm run bench:faults   (the last line is one JSON object)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localClientConfig } from '../src/local/dynamodb-local';
import type { LocalRuntime } from '../src/local/runtime';
import { tableNameOf } from '../src/local/service-definition';
import { chargerDownMetric, LocalApi, outOfStockMetric } from '../test/e2e/support/api';

const FAULT_RATE = 0.2;
const STATIONS = 15; // two alerts each: 30 approvals
const DEADLINE_MS = 240_000;
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A request retried while the API answers 5xx (a fault reached the client), as a client should. */
const persist = async <T>(what: string, call: () => Promise<{ status: number; body: T }>) => {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const reply = await call();
    if (reply.status < 500) return reply;
    if (Date.now() > deadline) throw new Error(`${what} kept answering ${reply.status}`);
    await sleep(100);
  }
};

const lines = (path: string): string[] => {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
  } catch {
    return [];
  }
};

const scan = async (client: DynamoDBClient, table: string) => {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return items;
};

const main = async () => {
  process.env.LOG_LEVEL = 'SILENT';
  const { startLocalRuntime } = await import('../src/local/runtime');
  const data = mkdtempSync(join(tmpdir(), 'ai-ops-bench-faults-'));
  let runtime: LocalRuntime | undefined;
  try {
    runtime = await startLocalRuntime({
      port: 0,
      dataDir: data,
      stage: 'bench',
      pollIntervalMs: 50,
      logger: silent,
      faults: { dynamodb: FAULT_RATE, sfn: FAULT_RATE, sns: FAULT_RATE },
    });
    const api = new LocalApi(runtime.url);
    const station = await api.token('bench-station', { scopes: ['metrics/write'] });
    const operator = await api.token('bench-operator', { scopes: ['alerts/read', 'alerts/decide'] });
    const base = Date.now() - 10 * 60_000;
    const stationIds = Array.from({ length: STATIONS }, (_, i) => `ST-FAULT-${String(i).padStart(2, '0')}`);
    // Retrying the whole body after a 5xx is safe: a reading's key is its identity (docs/local-api.md).
    await persist('POST /metrics', () =>
      api.post('/metrics', station, [
        ...stationIds.map((s, i) => outOfStockMetric(s, base + i * 10_000)),
        ...stationIds.map((s, i) => chargerDownMetric(s, base + i * 10_000 + 1_000)),
      ]),
    );

    const started = Date.now();
    let alertIds: string[] = [];
    while (alertIds.length < STATIONS * 2) {
      if (Date.now() - started > DEADLINE_MS) throw new Error(`only ${alertIds.length} alerts were raised`);
      const page = await api.get<{ items?: { alertId: string; stationId: string }[] }>(
        '/alerts?status=PENDING&limit=100',
        operator,
      );
      if (page.status === 200)
        alertIds = (page.body.items ?? [])
          .filter((a) => stationIds.includes(a.stationId))
          .map((a) => a.alertId);
      await sleep(200);
    }
    for (const alertId of alertIds) {
      const reply = await persist(`approve ${alertId}`, () =>
        api.post(`/alerts/${alertId}/approve`, operator),
      );
      // 409: an earlier attempt that answered 5xx had in fact decided it.
      if (reply.status !== 200 && reply.status !== 409)
        throw new Error(`approve ${alertId} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    }

    const client = new DynamoDBClient(localClientConfig(runtime.dynamodbEndpoint));
    const auditTable = tableNameOf(runtime.definition, 'AuditTable');
    const successOf = async () => {
      const rows = (await scan(client, auditTable)).filter((r) => r.status === 'SUCCESS');
      const has = (id: string, type: string) => rows.some((r) => r.alertId === id && r.actionType === type);
      return alertIds.map((id) => ({
        id,
        started: has(id, 'STEP_FUNCTION_STARTED'),
        notified: has(id, 'SNS_NOTIFICATION_SENT'),
      }));
    };
    let steps = await successOf();
    while (steps.some((s) => !s.started || !s.notified) && Date.now() - started < DEADLINE_MS) {
      await sleep(500);
      steps = await successOf();
    }
    await runtime.idle();
    const convergedMs = Date.now() - started;

    const executions = readdirSync(join(data, 'step-functions', 'executions')).filter((f) =>
      f.endsWith('.json'),
    );
    const executionsOf = (id: string) => executions.filter((f) => f.includes(id)).length;
    const notifications = lines(join(data, 'notifications.jsonl')).map(
      (l) => JSON.parse(l) as { messageAttributes: Record<string, string> },
    );
    const notificationsOf = (id: string) =>
      notifications.filter((n) => n.messageAttributes.dedupKey === `${id}|ALERT_APPROVED`).length;
    const idempotency = await scan(client, tableNameOf(runtime.definition, 'IdempotencyTable'));
    const deadLetterDir = join(data, 'dead-letters');
    let deadLetters = 0;
    try {
      for (const file of readdirSync(deadLetterDir).filter(
        (f) => f.endsWith('.jsonl') && f !== 'redriven.jsonl',
      ))
        deadLetters += lines(join(deadLetterDir, file)).length;
    } catch {
      // no dead letters written
    }
    const result = {
      faultRate: FAULT_RATE,
      approvals: alertIds.length,
      lost: steps.filter((s) => !s.started || !s.notified).length,
      duplicateExecutions: alertIds.reduce((sum, id) => sum + Math.max(0, executionsOf(id) - 1), 0),
      duplicateNotifications: alertIds.reduce((sum, id) => sum + Math.max(0, notificationsOf(id) - 1), 0),
      auditGaps: steps.filter(
        (s) => (executionsOf(s.id) > 0 && !s.started) || (notificationsOf(s.id) > 0 && !s.notified),
      ).length,
      stuckRecords: idempotency.filter((r) => r.status === 'INPROGRESS').length,
      deadLetters,
      convergedMs,
      recoveryMs: 0,
    };
    client.destroy();

    // Java killed: the time until a write is accepted again (faults off the path: a retried 5xx counts).
    const watchdog = runtime.dynamodbWatchdogPid();
    const java = Number(
      execFileSync('pgrep', ['-x', '-P', String(watchdog), 'java'], { encoding: 'utf8' }).trim(),
    );
    const killedAt = Date.now();
    process.kill(java, 'SIGKILL');
    for (let i = 0; ; i++) {
      const reply = await api
        .post('/metrics', station, [chargerDownMetric('ST-RECOVERY', base + 600_000 + i)])
        .catch(() => ({ status: 0 }));
      if (reply.status === 202) break;
      if (Date.now() - killedAt > DEADLINE_MS) throw new Error('no write was accepted after Java was killed');
      await sleep(50);
    }
    result.recoveryMs = Date.now() - killedAt;
    process.stdout.write(
      `${result.approvals} approvals at ${FAULT_RATE * 100}% faults converged in ${convergedMs} ms; DynamoDB Local back ${result.recoveryMs} ms after Java was killed\n`,
    );
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await runtime?.stop();
    await rm(data, { recursive: true, force: true });
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:faults failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
