import { type Command, CommanderError } from 'commander';
import { reportError } from './errors';
import { program } from './program';

/**
 * The `ai-ops` entry point. Every failure ends here or in a command's own reporter with the same shape:
 * one line on stderr (JSON on stdout with --json) and the exit code of its kind (errors.ts).
 */
const argv = process.argv;
const json = argv.includes('--json');
// --no-color is NO_COLOR for everything this process prints (present.ts reads it).
if (argv.includes('--no-color')) process.env.NO_COLOR = '1';

/** Usage errors come from commander: throw them here instead of exiting, at every level. */
const throwInsteadOfExit = (command: Command): void => {
  command.exitOverride();
  // With --json, commander's own message would be a second, non-JSON report.
  if (json) command.configureOutput({ writeErr: () => {} });
  for (const sub of command.commands) throwInsteadOfExit(sub);
};

const cli = program();
throwInsteadOfExit(cli);

cli.parseAsync(argv).catch((error: unknown) => {
  if (error instanceof CommanderError) {
    // --help and --version "fail" with exit code 0; the text is already printed.
    if (error.exitCode === 0) return;
    if (json)
      reportError(
        Object.assign(new Error(error.message.replace(/^error: /, '')), { name: 'CommanderError' }),
        { json },
      );
    process.exitCode = 2;
    return;
  }
  reportError(error, { json, verbose: argv.includes('--verbose') });
});
