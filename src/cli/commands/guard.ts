import { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../../config/index.js';
import type { GuardPolicy } from '../../guard/index.js';
import { OtcError } from '../../shared/errors.js';
import { action } from '../handle-error.js';
import { parseFlags } from '../parse.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new OtcError('OTC_ERR_USAGE', 'pipe one SQL text on stdin, e.g. echo "SELECT 1" | otc-copilot guard --dialect sqlite');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  const text = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, ''); // a file saved with a byte-order mark
  if (!text.trim()) throw new OtcError('OTC_ERR_USAGE', 'standard input is empty: pipe one SQL text, e.g. echo "SELECT 1" | otc-copilot guard --dialect sqlite', { status: 400 });
  return text;
}

/** With --db: the allow-list is the database's own tables and columns, read by introspection. */
async function policyFromDatabase(url: string, maxRows: number): Promise<GuardPolicy> {
  const [{ openDatasource }, { policyFromSnapshot }] = await Promise.all([import('../../datasource/index.js'), import('../../guard/index.js')]);
  const ds = await openDatasource(url);
  try {
    return policyFromSnapshot(await ds.introspect(), maxRows);
  } finally {
    await ds.close();
  }
}

export const guardCommand = new Command('guard')
  .description('judge one SQL text from stdin with the SQL guard: prints OK and the admitted SQL (row cap applied), or REFUSED and why')
  .option('--dialect <dialect>', 'sqlite, postgres or mssql (default: the dialect of --db)')
  .option('--db <url>', "allow only this database's tables and columns (sqlite:PATH, postgres://…, mssql://…)")
  .option('--max-rows <n>', 'row cap (default: OTC_MAX_ROWS)')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const o = parseFlags(
        z.object({
          dialect: z.enum(['sqlite', 'postgres', 'mssql']).optional(),
          db: z.string().trim().min(1).optional(),
          maxRows: z.coerce.number().int().min(1).max(1_000_000).optional(),
        }),
        raw,
      );
      const { dialectOfUrl } = await import('../../datasource/index.js');
      const dbDialect = o.db ? dialectOfUrl(o.db) : undefined;
      const dialect = o.dialect ?? dbDialect;
      if (!dialect) throw new OtcError('OTC_ERR_USAGE', '--dialect: give sqlite, postgres or mssql (or --db to take it from the database)');
      if (dbDialect && dbDialect !== dialect) throw new OtcError('OTC_ERR_USAGE', `--dialect ${dialect} does not match --db, which is a ${dbDialect} database`);
      const maxRows = o.maxRows ?? loadConfig().maxRows;
      const sql = await readStdin();
      const policy = o.db ? await policyFromDatabase(o.db, maxRows) : { maxRows };
      const { guardSql } = await import('../../guard/index.js');
      const verdict = await guardSql(sql, dialect, policy);
      if (verdict.ok) {
        process.stdout.write(`OK\n${verdict.sql}\n`);
      } else {
        process.stdout.write(`REFUSED: ${verdict.reason}\n`);
        process.exitCode = 1;
      }
    }),
  );
