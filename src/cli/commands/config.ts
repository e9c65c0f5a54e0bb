import { Command } from 'commander';
import { loadConfig, settings } from '../../config/index.js';
import { action } from '../handle-error.js';

export const configCommand = new Command('config')
  .description('check the configuration, or list every setting with its environment variable')
  .option('--list', 'list every setting and what it does')
  .action(
    action((opts: { list?: boolean }) => {
      if (opts.list) {
        for (const s of Object.values(settings)) process.stdout.write(`${s.env}\t${s.doc}\n`);
        return;
      }
      const cfg = loadConfig();
      const shown = { ...cfg, llmApiKey: cfg.llmApiKey ? '***' : undefined, adminPassword: cfg.adminPassword ? '***' : undefined };
      process.stdout.write(JSON.stringify(shown, null, 2) + '\n');
    }),
  );
