import type { Command } from 'commander';
import { vi } from 'vitest';

export interface CliRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** addCommand does not pass settings down: every level must throw instead of exiting the test process. */
const throwInsteadOfExit = (command: Command): void => {
  command.exitOverride();
  for (const sub of command.commands) throwInsteadOfExit(sub);
};

/** Runs `ai-ops ...args` in-process, as bin/ai-ops does (the same program()), capturing what it printed. */
export const runCli = async (...args: string[]): Promise<CliRun> => {
  // Imported on first use, after startE2eRuntime has set LOG_LEVEL (the program loads the runtime too).
  const { program } = await import('../../../src/cli/program');
  const cli = program();
  throwInsteadOfExit(cli);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await cli.parseAsync(['node', 'ai-ops', ...args]);
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { stdout, stderr, exitCode };
};

/** The lines of an output, without the final newline. */
export const linesOf = (text: string): string[] => text.trimEnd().split('\n');
