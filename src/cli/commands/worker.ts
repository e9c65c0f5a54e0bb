import { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../../config/index.js';
import { OtcError } from '../../shared/errors.js';
import { action } from '../handle-error.js';
import { parseFlags } from '../parse.js';

const flags = z.object({
  concurrency: z.coerce.number().int().min(1).max(256).default(8),
});

/**
 * `otc-copilot worker`: a scheduler worker on the Redis queue (OTC_REDIS_URL). It fires due
 * schedules and runs their slots, claimed in the app store, until SIGINT/SIGTERM. Any number of
 * workers may run at once: a slot runs once.
 */
export const workerCommand = new Command('worker')
  .description('run scheduled work from the Redis queue (needs OTC_REDIS_URL); start as many as you need')
  .option('--concurrency <n>', 'run jobs at once in this process (default 8)')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const f = parseFlags(flags, raw);
      const cfg = loadConfig();
      if (!cfg.redisUrl) {
        throw new OtcError('OTC_ERR_CONFIG', 'the worker runs schedules from a Redis queue: OTC_REDIS_URL is not set', {
          status: 400,
          hint: 'set OTC_REDIS_URL=redis://host:6379, or use `otc-copilot serve` alone (its in-process scheduler needs no worker)',
        });
      }
      const { runWorker } = await import('./worker-run.js');
      await runWorker({ ...cfg, redisUrl: cfg.redisUrl }, f);
    }),
  );
