import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { program } from '../../../src/cli/program';
import { REJECTION_CODES } from '../../../src/domain/alert-vocabulary';
import { ValidationError } from '../../../src/domain/errors';
import type { Decision } from '../../../src/domain/ports';
import type { Alert } from '../../../src/domain/types';
import { rejectAlert } from '../../../src/use-cases/decide-alert';
import { dispatchAlertChange } from '../../../src/use-cases/dispatch-alert-change';
import { runProgram } from '../../support/cli';
import { fakes, image, pendingAlert, rejectedAlert } from '../dispatch/fakes';

/** The decision the use case hands the store, or the error it throws instead. */
const decisionFor = async (body: unknown): Promise<Decision | ValidationError> => {
  let seen: Decision | undefined;
  const alerts = {
    decide: async (_id: string, decision: Decision) => {
      seen = decision;
      return rejectedAlert();
    },
  };
  try {
    // biome-ignore lint/suspicious/noExplicitAny: only decide is called by rejectAlert
    await rejectAlert('a-1', body, 'alice', { alerts: alerts as any, clock: { now: () => 1 } });
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  if (!seen) throw new Error('decide was not called');
  return seen;
};

describe('rejection codes', () => {
  it('records OTHER when a client sends no code, and each known code as sent', async () => {
    expect(await decisionFor({ reason: 'dup' })).toMatchObject({ kind: 'reject', code: 'OTHER' });
    for (const code of REJECTION_CODES)
      expect(await decisionFor({ reason: 'why', code })).toMatchObject({ code, reason: 'why' });
  });

  it('refuses an unknown or misspelt code with 400 naming `code`, deciding nothing', async () => {
    for (const code of ['FALSE_POSITIVE', 'false_alarm', 42, null]) {
      const outcome = await decisionFor({ reason: 'dup', code });
      expect(outcome).toBeInstanceOf(ValidationError);
      const error = outcome as ValidationError;
      expect(error.httpStatus).toBe(400);
      expect(error.issues.map((issue) => issue.path)).toEqual(['code']);
      expect(error.issues[0]?.message).toContain('FALSE_ALARM');
    }
  });

  it('puts the code in the audit details of the rejection', async () => {
    const f = fakes();
    const alert = rejectedAlert({ rejectionCode: 'FALSE_ALARM' });
    await dispatchAlertChange(
      {
        eventName: 'MODIFY',
        oldImage: image(pendingAlert()),
        newImage: image(alert),
        sequenceNumber: '1',
      },
      f.deps,
    );
    expect(f.audit.all()[0]?.details).toEqual({
      rejectionReason: 'sensor glitch',
      rejectedBy: 'operator-9',
      rejectionCode: 'FALSE_ALARM',
    });
  });
});

describe('ai-ops alerts reject --code', () => {
  const bodies: unknown[] = [];
  let server: Server;
  let endpoint: string;

  const bodyOf = async (request: IncomingMessage): Promise<unknown> => {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    return text ? JSON.parse(text) : undefined;
  };

  beforeAll(async () => {
    server = createServer(async (request, response) => {
      const body = (await bodyOf(request)) as { reason: string; code?: Alert['rejectionCode'] };
      bodies.push(body);
      const alert = rejectedAlert({ rejectionReason: body.reason, rejectionCode: body.code ?? 'OTHER' });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(alert));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const reject = (...args: string[]) =>
    runProgram(program(), ['alerts', 'reject', 'a-1', '--endpoint', endpoint, '--token', 't', ...args]);

  it('sends the code beside the reason and prints it; without --code it sends none', async () => {
    const coded = await reject('--reason', 'rule too eager', '--code', 'FALSE_ALARM');
    expect(coded.exitCode).toBe(0);
    expect(coded.stdout).toMatch(/REJECTED by operator-9 at .* \(FALSE_ALARM\): rule too eager\n$/);
    const plain = await reject('--reason', 'dup');
    expect(plain.exitCode).toBe(0);
    expect(bodies).toEqual([{ reason: 'rule too eager', code: 'FALSE_ALARM' }, { reason: 'dup' }]);
  });

  it('refuses a code it does not know as a usage error (exit 2) naming --code, sending nothing', async () => {
    const before = bodies.length;
    // main.ts turns every CommanderError that is not --help into exit code 2.
    const refused = reject('--reason', 'dup', '--code', 'FALSE_POSITIVE');
    await expect(refused).rejects.toBeInstanceOf(CommanderError);
    await expect(refused).rejects.toThrow(/--code/);
    expect(bodies.length).toBe(before);
  });
});
