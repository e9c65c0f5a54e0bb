#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { configCommand } from './commands/config.js';
import { demoDbCommand } from './commands/demo-db.js';
import { auditCommand } from './commands/audit.js';
import { guardCommand } from './commands/guard.js';
import { askCommand } from './commands/ask.js';
import { evalCommand } from './commands/eval.js';
import { serveCommand } from './commands/serve.js';
import { contextCommand } from './commands/context.js';
import { trainCommand } from './commands/train.js';
import { reportCommand } from './commands/report.js';
import { workerCommand } from './commands/worker.js';
import { scheduleCommand } from './commands/schedule.js';
import { routeCommanderErrors } from './handle-error.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('otc-copilot')
  .description('OTC Ops Copilot: plain-English questions over OTC operations data')
  .version(pkg.version)
  .showHelpAfterError();

// One line per command; each command file is a thin shell over a module's index.ts.
program.addCommand(configCommand);
program.addCommand(demoDbCommand);
program.addCommand(auditCommand);
program.addCommand(guardCommand);
program.addCommand(askCommand);
program.addCommand(evalCommand);
program.addCommand(serveCommand);
program.addCommand(contextCommand);
program.addCommand(trainCommand);
program.addCommand(reportCommand);
program.addCommand(workerCommand);
program.addCommand(scheduleCommand);

routeCommanderErrors(program); // after every addCommand: commander's own errors as one OTC_ERR_USAGE line
await program.parseAsync(process.argv);
