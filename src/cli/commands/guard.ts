import { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../../config/index.js';
import { guardSql, type GuardPolicy } from '../../guard/index.js';
import { OtcError } from '../../shared/errors.js';
import { action } from '../handle-error.js';
import { parseFlags } from '../parse.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new OtcError('OTC_ERR_USAGE', 'pipe one SQL text on stdin, e.g. echo "SELECT 1" | otc-copilot guard --dialect sqlite');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export const guardCommand = new Command('guard')
  .description('judge one SQL text from stdin with the SQL guard: prints OK and the admitted SQL (row cap applied), or REFUSED and why')
  .requiredOption('--dialect <dialect>', 'sqlite, postgres or mssql')
  .option('--max-rows <n>', 'row cap (default: OTC_MAX_ROWS)')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const o = parseFlags(
        z.object({
          dialect: z.enum(['sqlite', 'postgres', 'mssql']),
          maxRows: z.coerce.number().int().min(1).max(1_000_000).optional(),
        }),
        raw,
      );
      const policy: GuardPolicy = { maxRows: o.maxRows ?? loadConfig().maxRows };
      const verdict = await guardSql(await readStdin(), o.dialect, policy);
      if (verdict.ok) {
        process.stdout.write(`OK\n${verdict.sql}\n`);
      } else {
        process.stdout.write(`REFUSED: ${verdict.reason}\n`);
        process.exitCode = 1;
      }
    }),
  );
