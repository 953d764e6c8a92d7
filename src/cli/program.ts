import { Command } from 'commander';
import { alertsCommand } from './commands/alerts';
import { auditCommand } from './commands/audit';
import { doctorCommand } from './commands/doctor';
import { logsCommand } from './commands/logs';
import { replayCommand } from './commands/replay';
import { simulateCommand } from './commands/simulate';
import { startCommand } from './commands/start';
import { tokenCommand } from './commands/token';
import { verifyCommand } from './commands/verify';

/** The `ai-ops` command: the local runtime, the operator's view of alerts, and tools for developers. */
export const program = (): Command =>
  new Command('ai-ops')
    .description('battery-swap station metrics -> alerts -> approvals -> remediation, with an audit trail')
    .showHelpAfterError()
    .addCommand(startCommand())
    .addCommand(tokenCommand())
    .addCommand(doctorCommand())
    .addCommand(simulateCommand())
    .addCommand(replayCommand())
    .addCommand(alertsCommand())
    .addCommand(auditCommand())
    .addCommand(logsCommand())
    .addCommand(verifyCommand());
