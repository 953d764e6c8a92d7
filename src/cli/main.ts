import { program } from './program';

program()
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`ai-ops: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
