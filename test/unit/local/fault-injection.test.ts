import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { program } from '../../../src/cli/program';
import { describeFaults, parseFaultSpec, startFaultProxy } from '../../../src/local/fault-injection';
import { runProgram } from '../../support/cli';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('--faults spec', () => {
  it('reads a rate per service and describes it for the banner', () => {
    const rates = parseFaultSpec('dynamodb=0.2, sfn=0.2,sns=0');
    expect(rates).toEqual({ dynamodb: 0.2, sfn: 0.2, sns: 0 });
    expect(describeFaults(rates)).toBe('dynamodb 20%, sfn 20% of requests (throttling, 5xx, timeout)');
    expect(describeFaults({ sns: 0 })).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['dynamodb', /not service=rate/],
    ['s3=0.1', /"s3" is not one of dynamodb, sfn, sns/],
    ['sns=1.5', /sns=1.5: the rate must be a number from 0 to 1/],
    ['sns=abc', /the rate must be/],
    ['sfn=0.1,sfn=0.2', /sfn is given twice/],
  ])('refuses %j', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });

  it('ai-ops start with a bad spec exits 2 naming the flag, before starting anything', async () => {
    const run = await runProgram(program(), ['start', '--faults', 'dynamodb=2']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--faults dynamodb=2: the rate must be a number from 0 to 1');
    expect(run.stdout).not.toContain('starting DynamoDB Local');
  });
});

describe('the fault proxy', () => {
  let target: ReturnType<typeof createServer>;
  let targetUrl: string;
  let served = 0;
  beforeAll(async () => {
    target = createServer((req, res) => {
      served += 1;
      req.resume();
      const sns = req.headers['content-type']?.includes('x-www-form-urlencoded');
      res.writeHead(200, { 'content-type': sns ? 'text/xml' : 'application/x-amz-json-1.0' });
      res.end(
        sns
          ? '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>'
          : JSON.stringify({ TableNames: ['t'] }),
      );
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => target.close(() => resolve())));

  /** random() answers: first whether to fail, then which kind (0 throttling, 0.4 5xx, 0.7 timeout). */
  const sequence = (...values: number[]) => {
    let i = 0;
    return () => values[i++ % values.length] ?? 0;
  };

  it('fails requests as the SDK sees a throttle, a 5xx and a dropped connection, and forwards the rest', async () => {
    const proxy = await startFaultProxy({
      service: 'dynamodb',
      target: targetUrl,
      rate: 0.5,
      timeoutMs: 10,
      random: sequence(0.1, 0, 0.1, 0.4, 0.1, 0.7, 0.9),
    });
    const client = new DynamoDBClient({ region: 'local', endpoint: proxy.url, credentials, maxAttempts: 1 });
    const errors: unknown[] = [];
    for (let i = 0; i < 3; i++)
      errors.push(await client.send(new ListTablesCommand({})).catch((e: unknown) => e));
    expect(errors.map((e) => (e as Error).name)).toEqual([
      'ThrottlingException',
      'InternalServerError',
      expect.stringMatching(/Error/),
    ]);
    expect((errors[2] as Error).message).toMatch(/socket hang up|ECONNRESET/);
    const before = served;
    await expect(client.send(new ListTablesCommand({}))).resolves.toMatchObject({ TableNames: ['t'] });
    expect(served).toBe(before + 1);
    expect(proxy.stats()).toEqual({ requests: 4, faults: { throttling: 1, '5xx': 1, timeout: 1 } });
    client.destroy();
    await proxy.close();
  });

  it("lets the SDK's retries through: with 3 attempts a request that fails twice succeeds", async () => {
    const proxy = await startFaultProxy({
      service: 'sns',
      target: targetUrl,
      rate: 0.5,
      random: sequence(0.1, 0.4, 0.1, 0.4, 0.9),
    });
    const client = new SNSClient({ region: 'local', endpoint: proxy.url, credentials, maxAttempts: 3 });
    const before = served;
    await expect(
      client.send(new PublishCommand({ TopicArn: 'arn:aws:sns:local:0:t', Message: 'hi' })),
    ).resolves.toMatchObject({ MessageId: 'm-1' });
    // The service saw only the attempt that was not failed.
    expect(served).toBe(before + 1);
    client.destroy();
    await proxy.close();
  });
});
