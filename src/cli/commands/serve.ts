import { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../../config/index.js';
import { action } from '../handle-error.js';
import { parseFlags } from '../parse.js';

const flags = z.object({
  port: z.coerce.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
  dataDir: z.string().min(1).optional(),
});

export const serveCommand = new Command('serve')
  .description('start the web app and the API in one process (builds the demo database on first start)')
  .option('--port <n>', 'HTTP port (default OTC_PORT or 8080; 0 = any free port)')
  .option('--host <address>', 'address to listen on (default OTC_HOST or 127.0.0.1)')
  .option('--data-dir <dir>', 'folder of the SQLite files (default OTC_DATA_DIR or ./data)')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const f = parseFlags(flags, raw);
      // --port 0 asks the system for a free port (the configured port must be 1..65535).
      const overrides = Object.fromEntries(Object.entries(f).filter(([k, v]) => v !== undefined && !(k === 'port' && v === 0)));
      const cfg = loadConfig({ overrides });
      const { startServer } = await import('../../server/index.js');
      const server = await startServer(cfg, f.port === 0 ? { port: 0 } : {});
      const stop = (signal: string) => {
        process.stdout.write(`${signal}: shutting down…\n`);
        server.close().then(
          () => process.exit(0),
          (e: unknown) => {
            process.stderr.write(`shutdown failed: ${(e as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    }),
  );
