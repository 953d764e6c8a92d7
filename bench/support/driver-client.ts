/** Starts bench/support/driver.ts as a child process and runs its commands one at a time. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  DriverCommand,
  DriverReply,
  DriverSetup,
  LoadResult,
  RawPutsCommand,
  RawPutsResult,
  WatchIdleCommand,
  WatchIdleResult,
} from './protocol';

export type Driver = Awaited<ReturnType<typeof startDriver>>;

export const startDriver = async (setup: DriverSetup) => {
  const child = fork(fileURLToPath(new URL('./driver.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_DRIVER_SETUP: JSON.stringify(setup) },
    // Its stdout is not this report's; its errors are worth seeing.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let waiter: { resolve: (r: DriverReply) => void; reject: (e: Error) => void } | undefined;
  const ready = new Promise<DriverReply>((resolve, reject) => {
    waiter = { resolve, reject };
  });
  child.on('message', (reply: DriverReply) => {
    const current = waiter;
    waiter = undefined;
    current?.resolve(reply);
  });
  child.on('exit', (code, signal) => {
    waiter?.reject(new Error(`the bench driver exited (${signal ?? code})`));
    waiter = undefined;
  });
  await ready;
  const run = async (command: DriverCommand): Promise<LoadResult | RawPutsResult | WatchIdleResult> => {
    const reply = await new Promise<DriverReply>((resolve, reject) => {
      waiter = { resolve, reject };
      child.send(command);
    });
    if (reply.kind === 'error') throw new Error(`driver: ${reply.message}\n${reply.stack ?? ''}`);
    if (reply.kind === 'ready') throw new Error('driver answered ready to a command');
    return reply;
  };
  return {
    load: async (command: DriverCommand): Promise<LoadResult> => {
      const result = await run(command);
      if (result.kind !== 'load') throw new Error(`expected a load result for ${command.label}`);
      return result;
    },
    raw: async (command: RawPutsCommand): Promise<RawPutsResult> => {
      const result = await run(command);
      if (result.kind !== 'raw-puts') throw new Error(`expected a raw-puts result for ${command.label}`);
      return result;
    },
    watchIdle: async (command: WatchIdleCommand): Promise<WatchIdleResult> => {
      const result = await run(command);
      if (result.kind !== 'watch-idle') throw new Error(`expected a watch-idle result for ${command.label}`);
      return result;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      await exited;
    },
  };
};
