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

/** Runs a commander program in-process with `ai-ops ...args`, capturing what it printed and its exit code. */
export const runProgram = async (program: Command, args: readonly string[]): Promise<CliRun> => {
  throwInsteadOfExit(program);
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
    await program.parseAsync(['node', 'ai-ops', ...args]);
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
