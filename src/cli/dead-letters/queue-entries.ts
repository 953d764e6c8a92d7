import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { deadLetterIdOf } from '../../local/dead-letters';
import type { DeployedDeadLetterQueue } from './deployed-queues';
import { type OnFailureRecord, parseOnFailureRecord } from './on-failure-record';

/** The SQS calls this module makes; the SDK's client, or a fake with the same `send` in tests. */
export type SqsSender = Pick<SQSClient, 'send'>;

/** One entry of a deployed dead-letter queue: an on-failure record, with every copy of it received. */
export interface QueuedDeadLetter {
  /** 12 hex characters of the body's SHA-256, as for local entries: the same body is the same entry. */
  id: string;
  functionName: string;
  queueName: string;
  queue: DeployedDeadLetterQueue;
  /** Undefined when the body is not an on-failure record (then `problem` says why). */
  record: OnFailureRecord | undefined;
  problem?: string;
  /** Receipt handles of every copy received (a destination may receive the same record twice). */
  receipts: string[];
  queueUrl: string;
}

/** More messages than this in one queue are not read: a DLQ that full needs a look at the cause first. */
const MAX_MESSAGES = 10_000;

const chunks = <T>(items: readonly T[], size: number): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
};

const queueUrlOf = async (sqs: SqsSender, queueName: string): Promise<string> => {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  if (!QueueUrl) throw new Error(`SQS returned no URL for queue ${queueName}`);
  return QueueUrl;
};

/**
 * Receives every message of the queue once, each hidden for `visibilitySeconds` so a pass never sees a
 * message twice. SQS has no "peek": receiving is how a queue is read, and a later release (visibility 0)
 * puts the messages back. Long polling (1 s) asks every SQS server, so an empty answer means empty.
 */
const receiveAll = async (
  sqs: SqsSender,
  queue: DeployedDeadLetterQueue,
  visibilitySeconds: number,
): Promise<QueuedDeadLetter[]> => {
  const queueUrl = await queueUrlOf(sqs, queue.queueName);
  const byId = new Map<string, QueuedDeadLetter>();
  for (let received = 0; received < MAX_MESSAGES; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibilitySeconds,
        WaitTimeSeconds: 1,
      }),
    );
    if (Messages.length === 0) break;
    received += Messages.length;
    for (const message of Messages) {
      const body = message.Body ?? '';
      const id = deadLetterIdOf(body);
      const known = byId.get(id);
      if (known) {
        if (message.ReceiptHandle) known.receipts.push(message.ReceiptHandle);
        continue;
      }
      const parsed = parseOnFailureRecord(body);
      byId.set(id, {
        id,
        functionName: queue.functionName,
        queueName: queue.queueName,
        queue,
        record: 'record' in parsed ? parsed.record : undefined,
        ...('problem' in parsed ? { problem: parsed.problem } : {}),
        receipts: message.ReceiptHandle ? [message.ReceiptHandle] : [],
        queueUrl,
      });
    }
  }
  return [...byId.values()];
};

const failedIds = (failed: { Id?: string | undefined; Message?: string | undefined }[] | undefined) =>
  (failed ?? []).map((f) => `${f.Id}: ${f.Message ?? 'failed'}`).join('; ');

/** Makes the entries' messages visible again, as they were before they were read. */
export const releaseEntries = async (sqs: SqsSender, entries: readonly QueuedDeadLetter[]): Promise<void> => {
  for (const entry of entries)
    for (const batch of chunks(entry.receipts, 10)) {
      const { Failed } = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: entry.queueUrl,
          Entries: batch.map((receipt, i) => ({
            Id: String(i),
            ReceiptHandle: receipt,
            VisibilityTimeout: 0,
          })),
        }),
      );
      if (Failed && Failed.length > 0)
        throw new Error(
          `could not put entry ${entry.id} back in ${entry.queueName} (it reappears after its visibility timeout): ${failedIds(Failed)}`,
        );
    }
};

/** Deletes every copy of the entry from its queue. */
export const removeEntry = async (sqs: SqsSender, entry: QueuedDeadLetter): Promise<void> => {
  for (const batch of chunks(entry.receipts, 10)) {
    const { Failed } = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: entry.queueUrl,
        Entries: batch.map((receipt, i) => ({ Id: String(i), ReceiptHandle: receipt })),
      }),
    );
    if (Failed && Failed.length > 0)
      throw new Error(`could not delete entry ${entry.id} from ${entry.queueName}: ${failedIds(Failed)}`);
  }
};

/** Every entry of the queues, read and put back: nothing is consumed. */
export const listQueuedDeadLetters = async (
  sqs: SqsSender,
  queues: readonly DeployedDeadLetterQueue[],
): Promise<QueuedDeadLetter[]> => {
  const entries: QueuedDeadLetter[] = [];
  for (const queue of queues) {
    const read = await receiveAll(sqs, queue, 60);
    await releaseEntries(sqs, read);
    entries.push(...read);
  }
  return entries;
};

/**
 * The entry whose id is `id` or starts with it (only one may; at least 4 characters), leased: its messages
 * stay hidden for `leaseSeconds` so no one else redrives it meanwhile. Every other message is put back at
 * once. Undefined when there is no such entry.
 */
export const leaseQueuedDeadLetter = async (
  sqs: SqsSender,
  queues: readonly DeployedDeadLetterQueue[],
  id: string,
  leaseSeconds: number,
): Promise<QueuedDeadLetter | undefined> => {
  const read: QueuedDeadLetter[] = [];
  for (const queue of queues) read.push(...(await receiveAll(sqs, queue, leaseSeconds)));
  const matches = id.length < 4 ? [] : read.filter((e) => e.id.startsWith(id.toLowerCase()));
  const only = matches.length === 1 ? matches[0] : undefined;
  await releaseEntries(
    sqs,
    read.filter((e) => e !== only),
  );
  return only;
};
