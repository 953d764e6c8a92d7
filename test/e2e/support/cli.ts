import { type CliRun, runProgram } from '../../support/cli';

export { type CliRun, linesOf } from '../../support/cli';

/** Runs `ai-ops ...args` in-process, as bin/ai-ops does (the same program()), capturing what it printed. */
export const runCli = async (...args: string[]): Promise<CliRun> => {
  // Imported on first use, after startE2eRuntime has set LOG_LEVEL (the program loads the runtime too).
  const { program } = await import('../../../src/cli/program');
  return runProgram(program(), args);
};
