import { execFileSync, spawn } from 'node:child_process';
import { describe, it } from 'vitest';

const javaFor = (port: string): string[] => {
  try {
    return execFileSync('pgrep', ['-f', `^java .*DynamoDBLocal.jar .*-port ${port} `], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
};

const startHolder = async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/hold-dynamodb-local.ts'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return { child, port };
};

const gone = async (port: string, timeoutMs = 10_000): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (javaFor(port).length === 0) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
};

// Concurrent: each case waits seconds for Java to start and stop, and each has its own holder and port.
describe.concurrent('DynamoDB Local leaves no orphaned Java process', () => {
  it.for(['SIGKILL', 'SIGINT', 'SIGTERM'] as const)(
    'when the process that started it gets %s',
    { timeout: 90_000 },
    async (signal, { expect }) => {
      const { child, port } = await startHolder();
      expect(javaFor(port)).toHaveLength(1);
      child.kill(signal);
      expect(await gone(port)).toBe(true);
    },
  );
});
