import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeStreamCommand } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { program } from '../../../src/cli/program';
import { deadLetterIdOf } from '../../../src/local/dead-letters';
import { runProgram } from '../../support/cli';
import { createStreamFixture, keyOf, type StreamFixture } from '../stream-poller/support';

/**
 * `ai-ops dead-letters list|redrive --stage --region` end to end in the CLI: the stage's queue names come
 * from serverless.yml, the SDK clients go to the endpoints AIOPS_SQS_ENDPOINT and AIOPS_LAMBDA_ENDPOINT
 * name (here one loopback server speaking SQS's JSON protocol and Lambda's Invoke), and the range is read
 * from DynamoDB Local's stream (--dynamodb-endpoint).
 */

interface Message {
  body: string;
  receipt: string | undefined;
  visibleAt: number;
}

const QUEUE = 'ai-ops-dispatch-alert-change-dlq-test';
const queues = new Map<string, Message[]>([
  [QUEUE, []],
  ['ai-ops-evaluate-metrics-dlq-test', []],
]);
const invocations: { functionName: string; keys: string[] }[] = [];

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** The SQS actions the command uses, by X-Amz-Target, on the queues above. */
const sqsAction = (action: string, input: Record<string, unknown>, base: string): unknown => {
  const queueOf = (url: unknown) => {
    const messages = queues.get(String(url).split('/').at(-1) ?? '');
    if (!messages) throw new Error(`no queue ${String(url)}`);
    return messages;
  };
  type Entry = { Id: string; ReceiptHandle: string; VisibilityTimeout?: number };
  switch (action) {
    case 'GetQueueUrl':
      queueOf(input.QueueName);
      return { QueueUrl: `${base}/000000000000/${String(input.QueueName)}` };
    case 'ReceiveMessage': {
      const now = Date.now();
      const visible = queueOf(input.QueueUrl)
        .filter((m) => m.visibleAt <= now)
        .slice(0, Number(input.MaxNumberOfMessages ?? 1));
      for (const m of visible) {
        m.receipt = randomUUID();
        m.visibleAt = now + Number(input.VisibilityTimeout ?? 30) * 1000;
      }
      return {
        Messages: visible.map((m) => ({
          MessageId: randomUUID(),
          Body: m.body,
          MD5OfBody: md5(m.body),
          ReceiptHandle: m.receipt,
        })),
      };
    }
    case 'ChangeMessageVisibilityBatch':
    case 'DeleteMessageBatch': {
      const messages = queueOf(input.QueueUrl);
      const entries = input.Entries as Entry[];
      for (const entry of entries) {
        const m = messages.find((x) => x.receipt === entry.ReceiptHandle);
        if (!m) throw new Error(`unknown receipt ${entry.ReceiptHandle}`);
        if (action === 'DeleteMessageBatch') messages.splice(messages.indexOf(m), 1);
        else m.visibleAt = Date.now() + (entry.VisibilityTimeout ?? 0) * 1000;
      }
      return { Successful: entries.map((e) => ({ Id: e.Id })), Failed: [] };
    }
    default:
      throw new Error(`the fake SQS does not do ${action}`);
  }
};

let server: Server;
let endpoint: string;
let f: StreamFixture;
let data: string;
let body: string;
const saved: Record<string, string | undefined> = {};
const env = (): Record<string, string> => ({
  AIOPS_SQS_ENDPOINT: endpoint,
  AIOPS_LAMBDA_ENDPOINT: endpoint,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
});

const run = (...args: string[]) =>
  runProgram(program(), [
    'dead-letters',
    ...args,
    '--stage',
    'test',
    '--region',
    'eu-west-1',
    '--dynamodb-endpoint',
    f.tables.endpoint,
    '--data',
    data,
  ]);

beforeAll(async () => {
  server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    request.on('end', () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.url ?? '');
      try {
        if (target.startsWith('AmazonSQS.')) {
          const out = sqsAction(target.slice('AmazonSQS.'.length), JSON.parse(raw || '{}'), endpoint);
          response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(out));
        } else if (invoke?.[1]) {
          const event = JSON.parse(raw) as DynamoDBStreamEvent;
          invocations.push({ functionName: decodeURIComponent(invoke[1]), keys: event.Records.map(keyOf) });
          response.writeHead(200, { 'content-type': 'application/json' }).end('{"batchItemFailures":[]}');
        } else response.writeHead(404).end();
      } catch (error) {
        response
          .writeHead(400, { 'content-type': 'application/x-amz-json-1.0' })
          .end(JSON.stringify({ __type: 'InvalidParameterValue', message: String(error) }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const [name, value] of Object.entries(env())) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }

  f = await createStreamFixture();
  data = await f.tempDir();
  await f.putAlerts(['a-1', 'a-2']);
  const [first, last] = await f.streamSequenceNumbers();
  const described = await f.streams.send(new DescribeStreamCommand({ StreamArn: f.streamArn }));
  body = JSON.stringify({
    requestContext: {
      requestId: randomUUID(),
      functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:ai-ops-test-dispatchAlertChange',
      condition: 'RecordAgeExceeded',
      approximateInvokeCount: 0,
    },
    responseContext: { statusCode: 0, executedVersion: '$LATEST' },
    version: '1.0',
    timestamp: '2030-01-01T12:00:03.120Z',
    DDBStreamBatchInfo: {
      shardId: described.StreamDescription?.Shards?.[0]?.ShardId,
      startSequenceNumber: first,
      endSequenceNumber: last,
      approximateArrivalOfFirstRecord: '2030-01-01T12:00:00Z',
      approximateArrivalOfLastRecord: '2030-01-01T12:00:00Z',
      batchSize: 2,
      streamArn: f.streamArn,
    },
  });
  queues.get(QUEUE)?.push({ body, receipt: undefined, visibleAt: 0 });
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved))
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  await f.cleanup();
  await new Promise((resolve) => server.close(resolve));
});

describe('ai-ops dead-letters --stage --region', () => {
  it('lists and shows the queue entry, redrives it once (exit 0), says so the second time, and exits 3 for an unknown id', async () => {
    const id = deadLetterIdOf(body);
    const listed = await run('list', '--json');
    expect(listed.exitCode).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        id,
        function: 'dispatchAlertChange',
        queue: QUEUE,
        records: 2,
        redriven: null,
      }),
    ]);

    const shown = await run('show', id.slice(0, 6));
    expect(shown.stdout).toContain(`queue ${QUEUE}, 1 copy`);
    expect(queues.get(QUEUE)?.filter((m) => m.visibleAt <= Date.now())).toHaveLength(1);

    const first = await run('redrive', id.slice(0, 8));
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toContain('2 record(s) of dispatchAlertChange sent again');
    expect(invocations).toEqual([
      {
        functionName: 'arn:aws:lambda:eu-west-1:123456789012:function:ai-ops-test-dispatchAlertChange',
        keys: ['a-1', 'a-2'],
      },
    ]);
    expect(queues.get(QUEUE)).toEqual([]);

    const second = await run('redrive', id);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('already redriven');
    expect(invocations).toHaveLength(1);
    const gone = await run('show', id.slice(0, 6));
    expect(gone.exitCode).toBe(3);
    expect(gone.stderr).toContain('was redriven at');
    const all = await run('list', '--all', '--json');
    expect(JSON.parse(all.stdout)).toEqual([expect.objectContaining({ id, redriven: expect.any(String) })]);

    const unknown = await run('redrive', 'abcdef');
    expect(unknown.exitCode).toBe(3);
    expect(unknown.stderr).toContain('no dead-letter entry abcdef');
  });
});
