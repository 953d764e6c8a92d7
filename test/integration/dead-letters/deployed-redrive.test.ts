import { randomUUID } from 'node:crypto';
import { DescribeStreamCommand } from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DeployedDeadLetterQueue,
  deployedDeadLetterQueues,
} from '../../../src/cli/dead-letters/deployed-queues';
import type { LambdaSender } from '../../../src/cli/dead-letters/lambda-invoke';
import { listQueuedDeadLetters, type SqsSender } from '../../../src/cli/dead-letters/queue-entries';
import {
  DeadLetterNotFoundError,
  RangeGoneError,
  redriveDeployedDeadLetter,
} from '../../../src/cli/dead-letters/redrive-deployed';
import { deadLetterIdOf, readRedriveMarks } from '../../../src/local/dead-letters';
import { loadServiceDefinition } from '../../../src/local/service-definition';
import { silentLogger } from '../../../src/local/stream-poller/types';
import { createStreamFixture, keyOf, type StreamFixture } from '../stream-poller/support';

/**
 * Issue 12, item 6, deployed side: an entry of a stage's SQS on-failure queue names a range of a real
 * stream (DynamoDB Local's); redrive reads it back and invokes the function with it under the mapping's
 * settings, deletes and marks the entry once every record went through, and a second redrive, an unknown
 * entry or a range no longer in the stream change nothing. SQS and Lambda are fakes of the clients' `send`.
 */

interface Message {
  body: string;
  receipt: string | undefined;
  visibleAt: number;
}

/** SQS as the command uses it: receive (with visibility timeouts), put back, delete. */
const fakeSqs = (queueNames: readonly string[]) => {
  const queues = new Map<string, Message[]>(queueNames.map((name) => [`https://sqs.test/${name}`, []]));
  const calls: string[] = [];
  const messagesOf = (url: string | undefined): Message[] => {
    const messages = queues.get(url ?? '');
    if (!messages) throw Object.assign(new Error(`no queue ${url}`), { name: 'QueueDoesNotExist' });
    return messages;
  };
  const byReceipt = (url: string | undefined, receipt: string | undefined) =>
    messagesOf(url).find((m) => m.receipt !== undefined && m.receipt === receipt);
  const send = async (command: unknown): Promise<unknown> => {
    calls.push((command as object).constructor.name);
    if (command instanceof GetQueueUrlCommand) {
      const url = `https://sqs.test/${command.input.QueueName}`;
      messagesOf(url);
      return { QueueUrl: url };
    }
    if (command instanceof ReceiveMessageCommand) {
      const now = Date.now();
      const visible = messagesOf(command.input.QueueUrl)
        .filter((m) => m.visibleAt <= now)
        .slice(0, command.input.MaxNumberOfMessages ?? 1);
      for (const m of visible) {
        m.receipt = randomUUID();
        m.visibleAt = now + (command.input.VisibilityTimeout ?? 30) * 1000;
      }
      return { Messages: visible.map((m) => ({ Body: m.body, ReceiptHandle: m.receipt })) };
    }
    if (command instanceof ChangeMessageVisibilityBatchCommand) {
      const failed = [];
      for (const entry of command.input.Entries ?? []) {
        const m = byReceipt(command.input.QueueUrl, entry.ReceiptHandle);
        if (m) m.visibleAt = Date.now() + (entry.VisibilityTimeout ?? 0) * 1000;
        else failed.push({ Id: entry.Id, Message: 'ReceiptHandleIsInvalid' });
      }
      return { Failed: failed };
    }
    if (command instanceof DeleteMessageBatchCommand) {
      const messages = messagesOf(command.input.QueueUrl);
      const failed = [];
      for (const entry of command.input.Entries ?? []) {
        const m = byReceipt(command.input.QueueUrl, entry.ReceiptHandle);
        if (m) messages.splice(messages.indexOf(m), 1);
        else failed.push({ Id: entry.Id, Message: 'ReceiptHandleIsInvalid' });
      }
      return { Failed: failed };
    }
    throw new Error(`the fake SQS does not do ${calls.at(-1)}`);
  };
  return {
    sqs: { send } as unknown as SqsSender,
    calls,
    put: (queueName: string, body: string) =>
      messagesOf(`https://sqs.test/${queueName}`).push({ body, receipt: undefined, visibleAt: 0 }),
    visible: (queueName: string) =>
      messagesOf(`https://sqs.test/${queueName}`).filter((m) => m.visibleAt <= Date.now()).length,
  };
};

/** The deployed function: synchronous Invoke of a handler that fails a-3 until fixed (batchItemFailures). */
let fixed = false;
const batches: string[][] = [];
const invokedFunctions: string[] = [];
const lambda = {
  send: async (command: unknown) => {
    if (!(command instanceof InvokeCommand)) throw new Error('the fake Lambda only invokes');
    expect(command.input.InvocationType).toBe('RequestResponse');
    invokedFunctions.push(command.input.FunctionName ?? '');
    const event = JSON.parse(
      new TextDecoder().decode(command.input.Payload as Uint8Array),
    ) as DynamoDBStreamEvent;
    batches.push(event.Records.map(keyOf));
    const failing = event.Records.filter((r) => keyOf(r) === 'a-3' && !fixed);
    const response = {
      batchItemFailures: failing.map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber })),
    };
    return { StatusCode: 200, Payload: new TextEncoder().encode(JSON.stringify(response)) };
  },
} as unknown as LambdaSender;

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:ai-ops-test-dispatchAlertChange';

let f: StreamFixture;
let queue: DeployedDeadLetterQueue;
let sqs: ReturnType<typeof fakeSqs>;
let marksDir: string;
let body: string;
let goneBody: string;

const onFailureRecord = (range: { shardId: string; start: string; end: string; streamArn: string }) =>
  JSON.stringify({
    requestContext: {
      requestId: randomUUID(),
      functionArn: FUNCTION_ARN,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 6,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST' },
    version: '1.0',
    timestamp: '2030-01-01T12:00:03.120Z',
    DDBStreamBatchInfo: {
      shardId: range.shardId,
      startSequenceNumber: range.start,
      endSequenceNumber: range.end,
      approximateArrivalOfFirstRecord: '2030-01-01T12:00:00Z',
      approximateArrivalOfLastRecord: '2030-01-01T12:00:00Z',
      batchSize: 2,
      streamArn: range.streamArn,
    },
  });

const redrive = (id: string) =>
  redriveDeployedDeadLetter({
    id,
    sqs: sqs.sqs,
    lambda,
    streams: f.streams,
    queues: [queue],
    marksDir,
    region: 'eu-west-1',
    logger: silentLogger,
    retryDelayMs: 0,
  });

beforeAll(async () => {
  f = await createStreamFixture();
  marksDir = await f.tempDir();
  // The stage's own queues and settings (serverless.yml), with batches of one record so the redrive's
  // batching shows; everything else (filters, bisect, retries, partial responses) is as deployed.
  const queues = deployedDeadLetterQueues(await loadServiceDefinition('test'));
  const dispatch = queues.find((q) => q.functionName === 'dispatchAlertChange');
  if (!dispatch) throw new Error('dispatchAlertChange has no on-failure queue');
  queue = { ...dispatch, settings: { ...dispatch.settings, batchSize: 1 } };
  sqs = fakeSqs(queues.map((q) => q.queueName));

  await f.putAlerts(['a-1', 'a-2', 'a-3']);
  const [, second, third] = await f.streamSequenceNumbers();
  const described = await f.streams.send(new DescribeStreamCommand({ StreamArn: f.streamArn }));
  const shardId = described.StreamDescription?.Shards?.[0]?.ShardId ?? '';
  // a-2 and a-3 were given up on: the record Lambda put in the queue, delivered twice (same body).
  body = onFailureRecord({ shardId, start: second ?? '', end: third ?? '', streamArn: f.streamArn });
  sqs.put(queue.queueName, body);
  sqs.put(queue.queueName, body);
  goneBody = onFailureRecord({
    shardId: 'shardId-00000000000000000000-gone0000',
    start: second ?? '',
    end: third ?? '',
    streamArn: f.streamArn,
  });
  sqs.put(queue.queueName, goneBody);
});
afterAll(async () => {
  await f.cleanup();
});

describe('a deployed dead-letter queue', () => {
  it("names the stage's queues and the mapping settings from serverless.yml", () => {
    expect(queue.queueName).toBe('ai-ops-dispatch-alert-change-dlq-test');
    expect(queue.settings).toMatchObject({ bisectBatchOnFunctionError: true, reportBatchItemFailures: true });
  });

  it('lists its entries (one per body, copies counted) and leaves every message in the queue', async () => {
    const entries = await listQueuedDeadLetters(sqs.sqs, [queue]);
    expect(entries.map((e) => [e.id, e.receipts.length, e.record?.DDBStreamBatchInfo.batchSize])).toEqual([
      [deadLetterIdOf(body), 2, 2],
      [deadLetterIdOf(goneBody), 1, 2],
    ]);
    expect(sqs.visible(queue.queueName)).toBe(3);
    expect(batches).toEqual([]);
  });

  it('keeps the entry and reports what failed again while the cause is not fixed', async () => {
    const result = await redrive(deadLetterIdOf(body).slice(0, 6));
    expect(result).toMatchObject({
      kind: 'failed-again',
      records: 2,
      failures: [{ records: 1, reason: expect.stringContaining('batchItemFailures') }],
    });
    expect(batches[0]).toEqual(['a-2']);
    expect(batches.slice(1).every((b) => b.join() === 'a-3')).toBe(true);
    expect(invokedFunctions.every((fn) => fn === FUNCTION_ARN)).toBe(true);
    expect(sqs.visible(queue.queueName)).toBe(3);
    expect((await readRedriveMarks(marksDir)).size).toBe(0);
  });

  it('redrives the range once after the fix in batches of the batch size, deletes and marks the entry; a second redrive sends nothing', async () => {
    fixed = true;
    batches.length = 0;
    const id = deadLetterIdOf(body);
    const first = await redrive(id);
    expect(first).toMatchObject({ kind: 'redriven', mark: { id, records: 2, delivered: 2 } });
    expect(batches).toEqual([['a-2'], ['a-3']]);
    expect(sqs.visible(queue.queueName)).toBe(1);
    expect([...(await readRedriveMarks(marksDir)).keys()]).toEqual([id]);

    const calls = sqs.calls.length;
    const second = await redrive(id);
    expect(second).toMatchObject({ kind: 'already-redriven', mark: { id }, removedCopies: 0 });
    expect(batches).toEqual([['a-2'], ['a-3']]);
    expect(sqs.calls.slice(calls)).not.toContain('DeleteMessageBatchCommand');
  });

  it('refuses an unknown entry and a range no longer in the stream, sending, deleting and marking nothing', async () => {
    batches.length = 0;
    await expect(redrive('ffffffffffff')).rejects.toBeInstanceOf(DeadLetterNotFoundError);
    await expect(redrive(deadLetterIdOf(goneBody))).rejects.toBeInstanceOf(RangeGoneError);
    expect(batches).toEqual([]);
    expect(sqs.visible(queue.queueName)).toBe(1);
    expect((await readRedriveMarks(marksDir)).has(deadLetterIdOf(goneBody))).toBe(false);
  });
});
