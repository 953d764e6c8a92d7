import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DeadLetterNotFoundError,
  listDeadLetters,
  RangeGoneError,
  redriveDeadLetter,
} from '../../../src/local/dead-letters';
import { createFileDeadLetter, type DeadLetterEntry } from '../../../src/local/stream-poller';
import { createRecordErrorLog, recordErrorsWriter } from '../../../src/local/stream-poller/record-errors';
import { silentLogger } from '../../../src/local/stream-poller/types';
import { createStreamFixture, keyOf, recordingHandler, type StreamFixture, settingsWith } from './support';

/**
 * Issue 12, item 6: a range the poller dead-lettered is read back from the stream by sequence number
 * and sent through the function again once the cause is fixed; the entry is marked, and a second
 * redrive, an unknown entry or a range no longer in the stream change nothing.
 */
const settings = settingsWith({
  batchSize: 10,
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 0,
  reportBatchItemFailures: true,
});

let f: StreamFixture;
let dir: string;
let fixed = false;
const errors = createRecordErrorLog();
// Fails a-2 until fixed, logging the error as the handlers do (one JSON line per failed record).
const handler = recordingHandler((event) => {
  const bad = event.Records.filter((r) => keyOf(r) === 'a-2' && !fixed);
  for (const record of bad)
    errors.observe(
      `${JSON.stringify({ level: 'ERROR', message: 'alert change failed', sequenceNumber: record.dynamodb?.SequenceNumber, error: { name: 'Error', message: 'the topic does not exist' } })}\n`,
    );
  return { batchItemFailures: bad.map((r) => ({ itemIdentifier: r.dynamodb?.SequenceNumber ?? '' })) };
});
const redrive = (id: string) =>
  redriveDeadLetter({
    dir,
    id,
    streamsClient: f.streams,
    settings,
    invoke: handler.invoke,
    deadLetter: createFileDeadLetter(join(dir, 'testFunction.jsonl')),
    functionArn: 'arn:aws:lambda:local:000000000000:function:testFunction',
    logger: silentLogger,
  });

beforeAll(async () => {
  f = await createStreamFixture();
  dir = await f.tempDir();
  const poller = f.poller({
    settings,
    invoke: handler.invoke,
    deadLetter: recordErrorsWriter(createFileDeadLetter(join(dir, 'testFunction.jsonl')), errors),
  });
  await poller.start();
  // a-2 written last: whatever batches the poller reads, the failed range (from a-2 to its batch's end)
  // is a-2 alone (written between the others, a batch [a-1, a-2, a-3] dead-lettered a-2 and a-3).
  await f.putAlerts(['a-1', 'a-3', 'a-2']);
  await poller.idle();
  await poller.stop();
});
afterAll(async () => {
  await f.cleanup();
});

describe('a dead-lettered range', () => {
  it("carries each failed record's last error beside Lambda's metadata", async () => {
    const [stored, ...rest] = await listDeadLetters(dir);
    expect(rest).toEqual([]);
    const entry = stored?.entry as DeadLetterEntry;
    expect(entry.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(entry.DDBStreamBatchInfo.batchSize).toBe(1);
    expect(entry.localDetails.errors).toEqual([
      { sequenceNumber: entry.DDBStreamBatchInfo.startSequenceNumber, message: 'the topic does not exist' },
    ]);
  });

  it('is processed once by a redrive after the fix, marked, and a second redrive sends nothing', async () => {
    const [stored] = await listDeadLetters(dir);
    const id = stored?.id ?? '';
    fixed = true;
    const before = handler.delivered().length;
    const first = await redrive(id.slice(0, 6));
    expect(first).toMatchObject({
      kind: 'redriven',
      mark: { id, records: 1, delivered: 1, deadLettered: 0 },
    });
    expect(handler.delivered().slice(before)).toEqual(['a-2']);

    const second = await redrive(id);
    expect(second).toMatchObject({ kind: 'already-redriven', mark: { id } });
    expect(handler.delivered().slice(before)).toEqual(['a-2']);
    expect((await listDeadLetters(dir)).map((e) => e.redriven?.id)).toEqual([id]);
  });

  it('an unknown entry, or a range no longer in the stream, is refused and nothing is sent or marked', async () => {
    await expect(redrive('ffffffffffff')).rejects.toBeInstanceOf(DeadLetterNotFoundError);
    const [stored] = await listDeadLetters(dir);
    const gone = structuredClone(stored?.entry as DeadLetterEntry);
    gone.DDBStreamBatchInfo.shardId = 'shardId-00000000000000000000-gone0000';
    await appendFile(join(dir, 'testFunction.jsonl'), `${JSON.stringify(gone)}\n`);
    const goneId = (await listDeadLetters(dir)).find((e) => !e.redriven)?.id ?? '';
    const before = handler.delivered().length;
    await expect(redrive(goneId)).rejects.toBeInstanceOf(RangeGoneError);
    expect(handler.delivered().length).toBe(before);
    expect((await listDeadLetters(dir)).find((e) => e.id === goneId)?.redriven).toBeUndefined();
  });
});
