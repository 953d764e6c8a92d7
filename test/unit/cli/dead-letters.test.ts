import { mkdirSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { program } from '../../../src/cli/program';
import { deadLetterIdOf } from '../../../src/local/dead-letters';
import { runProgram } from '../../support/cli';

const entryLine = JSON.stringify({
  requestContext: {
    requestId: 'r-1',
    functionArn: 'arn',
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: 6,
  },
  responseContext: { statusCode: 200, executedVersion: '$LATEST' },
  version: '1.0',
  timestamp: '2030-01-01T12:00:03.120Z',
  DDBStreamBatchInfo: {
    shardId: 'shardId-1',
    startSequenceNumber: '5',
    endSequenceNumber: '5',
    approximateArrivalOfFirstRecord: '2030-01-01T12:00:00Z',
    approximateArrivalOfLastRecord: '2030-01-01T12:00:00Z',
    batchSize: 1,
    streamArn: 'arn:stream',
  },
  localDetails: {
    functionName: 'dispatchAlertChange',
    reason: 'batchItemFailures reported 1 record',
    records: [{ sequenceNumber: '5', eventName: 'MODIFY', keys: { alertId: { S: 'a-1' } } }],
    errors: [{ sequenceNumber: '5', message: 'the topic does not exist' }],
  },
});

describe('ai-ops dead-letters', () => {
  it('lists and shows the local entries with the last error per record; an unknown id exits 3', async () => {
    const data = await mkdtemp(join(tmpdir(), 'dead-letters-'));
    mkdirSync(join(data, 'dead-letters'));
    await writeFile(join(data, 'dead-letters', 'dispatchAlertChange.jsonl'), `${entryLine}\n`);
    const id = deadLetterIdOf(entryLine);

    const listed = await runProgram(program(), ['dead-letters', 'list', '--data', data, '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        id,
        function: 'dispatchAlertChange',
        records: 1,
        range: '5..5',
        redriven: null,
      }),
    ]);
    const shown = await runProgram(program(), ['dead-letters', 'show', id.slice(0, 5), '--data', data]);
    expect(shown.stdout).toContain('5  the topic does not exist');
    const unknown = await runProgram(program(), ['dead-letters', 'show', 'abcdef', '--data', data]);
    expect(unknown.exitCode).toBe(3);
    expect(unknown.stderr).toContain('no dead-letter entry abcdef');
  });
});
