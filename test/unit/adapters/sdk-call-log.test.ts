import { describe, expect, it } from 'vitest';
import { dynamoDbClient } from '../../../src/adapters/dynamodb/client';
import { sfnClient } from '../../../src/adapters/sfn/remediation-workflow';
import { snsClient } from '../../../src/adapters/sns/alert-notifier';

// The SDK's loggerMiddleware filters every request and response for sensitive fields before a no-op
// logger drops the copy; the clients ai-ops builds must not carry it (docs/benchmarks.md, bench:backtest).
describe('the SDK clients ai-ops builds', () => {
  const clients = {
    dynamodb: dynamoDbClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1' }),
    sfn: sfnClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1' }),
    sns: snsClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:1' }),
  };

  for (const [service, client] of Object.entries(clients)) {
    it(`${service}: carries no loggerMiddleware, and keeps the rest of its stack`, () => {
      const stack = client.middlewareStack.identify().join('\n');
      expect(stack).not.toMatch(/loggerMiddleware/);
      expect(stack).toMatch(/retryMiddleware/);
    });
  }
});
