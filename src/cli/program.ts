import { Argument, Command } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { alertsCommand } from './commands/alerts';
import { auditCommand } from './commands/audit';
import { backtestCommand } from './commands/backtest';
import { consoleCommand } from './commands/console';
import { costCommand } from './commands/cost';
import { deadLettersCommand } from './commands/dead-letters';
import { doctorCommand } from './commands/doctor';
import { logsCommand } from './commands/logs';
import { replayCommand } from './commands/replay';
import { rulesCommand } from './commands/rules';
import { silencesCommand } from './commands/silences';
import { simulateCommand } from './commands/simulate';
import { startCommand } from './commands/start';
import { tokenCommand } from './commands/token';
import { verifyCommand } from './commands/verify';
import { completionScript, SHELLS, type Shell } from './completion';
import { EXIT } from './errors';
import { DISCOVERY_ORDER } from './target';

export const VERSION = packageJson.version;

const EXIT_CODES = `Exit codes: ${EXIT.ok} ok, ${EXIT.failure} failure, ${EXIT.usage} usage error (a bad flag, or input the API refused), ${EXIT.notFound} not found, ${EXIT.conflict} conflict (the alert is already decided, the port or data folder is in use), ${EXIT.unreachable} unreachable or unauthorized. With --json, errors are printed on stdout as {"error": {"code", "message", "status"}}.`;

/** `ai-ops completion bash|zsh`: the completion script for this very command tree. */
const completionCommand = (root: () => Command): Command =>
  new Command('completion')
    .description('print the shell completion script: source <(ai-ops completion bash)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(SHELLS))
    .action((shell: Shell) => {
      process.stdout.write(completionScript(root(), shell));
    });

/** The `ai-ops` command: the local runtime, the operator's view of alerts, and tools for developers. */
export const program = (): Command => {
  const root: Command = new Command('ai-ops')
    .description('battery-swap station metrics -> alerts -> approvals -> remediation, with an audit trail')
    .version(VERSION, '-V, --version', 'print the version')
    .showHelpAfterError()
    .addCommand(startCommand())
    .addCommand(tokenCommand())
    .addCommand(doctorCommand())
    .addCommand(simulateCommand())
    .addCommand(replayCommand())
    .addCommand(alertsCommand())
    .addCommand(auditCommand())
    .addCommand(silencesCommand())
    .addCommand(logsCommand())
    .addCommand(deadLettersCommand())
    .addCommand(verifyCommand())
    .addCommand(costCommand())
    .addCommand(consoleCommand())
    .addCommand(backtestCommand())
    .addCommand(rulesCommand())
    .addCommand(completionCommand(() => root))
    .addHelpText('after', `\n${DISCOVERY_ORDER}\n\n${EXIT_CODES}`);
  return root;
};
