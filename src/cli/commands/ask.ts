import { Command } from 'commander';
import { z } from 'zod';
import { loadConfig, todayOf } from '../../config/index.js';
import type { AskAnswer } from '../../nl2sql/index.js';
import { OtcError } from '../../shared/errors.js';
import { action } from '../handle-error.js';
import { calendarDate, parseFlags } from '../parse.js';

const flags = z.object({
  db: z.string().min(1, 'is required'),
  model: z.string().min(1).default('profiles/otc-ops'),
  today: calendarDate.optional(),
  format: z.enum(['table', 'json', 'csv']).default('table'),
  audit: z.string().min(1).optional(),
  maxRows: z.coerce.number().int().positive().default(1000),
  timeoutMs: z.coerce.number().int().positive().default(30000),
});

export const askCommand = new Command('ask')
  .description('ask one question in plain English: prints the explanation, the SQL and the result')
  .argument('<question>', 'the question, in quotes')
  .requiredOption('--db <url>', 'database: sqlite:path | postgres://… | mssql://…')
  .option('--model <dir>', 'training profile folder', 'profiles/otc-ops')
  .option('--today <date>', 'as-of date YYYY-MM-DD (default: today)')
  .option('--format <format>', 'table | json | csv', 'table')
  .option('--audit <url>', 'audit log to append to (e.g. sqlite:audit.db)')
  .option('--max-rows <n>', 'row cap', '1000')
  .option('--timeout-ms <n>', 'query timeout', '30000')
  .action(
    action(async (question: string, raw: Record<string, unknown>) => {
      const f = parseFlags(flags, raw);
      if (!question.trim()) throw new OtcError('OTC_ERR_USAGE', 'the question is empty: ask something, e.g. otc-copilot ask "How many settlements failed yesterday?" --db …', { status: 400 });
      const cfg = loadConfig();
      const [{ openAuditLog }, { openDatasource }, { createCopilot }, { createFallbackFromConfig }, { loadProfile, trainModel }] = await Promise.all([
        import('../../audit/index.js'),
        import('../../datasource/index.js'),
        import('../../nl2sql/index.js'),
        import('../../nl2sql/llm/index.js'),
        import('../../training/index.js'),
      ]);
      const profile = loadProfile(f.model);
      const ds = await openDatasource(f.db);
      const audit = f.audit ? await openAuditLog(f.audit) : undefined;
      try {
        const model = await trainModel(profile, ds);
        // The bank's language model answers what the semantic engine cannot map, when OTC_LLM_* configures one.
        const fallback = createFallbackFromConfig(cfg, model, { audit });
        const copilot = createCopilot({ datasource: ds, model, audit, fallback, maxRows: f.maxRows, timeoutMs: f.timeoutMs, actor: `cli:${process.env.USER ?? 'user'}` });
        const a = await copilot.ask({ question, today: f.today ?? todayOf(cfg) });
        process.stdout.write(render(a, f.format));
        if (a.status === 'error') process.exitCode = 1;
      } finally {
        await audit?.close();
        await ds.close();
      }
    }),
  );

export function render(a: AskAnswer, format: 'table' | 'json' | 'csv'): string {
  if (format === 'json') return JSON.stringify(a, null, 2) + '\n';
  if (format === 'csv') {
    if (a.status !== 'answered') return `# ${a.status}: ${a.message ?? a.explanation}\n`;
    return [a.columns!, ...a.rows!].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
  }
  const lines: string[] = [];
  if (a.status !== 'answered') {
    lines.push(`${a.status.toUpperCase()}: ${a.explanation}`);
    if (a.suggestions?.length) lines.push('', 'You could ask:', ...a.suggestions.map((s) => `  - ${s}`));
    // "which one?": ask again naming the one meant
    if (a.choices?.length) lines.push('', 'Ask again naming one of:', ...a.choices.map((c) => `  - ${c.label} (${c.means})`));
    return lines.join('\n') + '\n';
  }
  lines.push(a.explanation, '', a.sql ?? '', '');
  const cols = a.columns ?? [];
  const rows = (a.rows ?? []).map((r) => r.map(cellText));
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const numeric = cols.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === '' || /^-?[\d,]+(\.\d+)?$/.test(r[i]!)));
  const fmt = (r: string[]) => r.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  lines.push(fmt(cols), widths.map((w) => '-'.repeat(w)).join('  '));
  rows.forEach((r) => lines.push(fmt(r)));
  lines.push(`(${a.rowCount ?? rows.length} row${(a.rowCount ?? rows.length) === 1 ? '' : 's'}${a.truncated ? ', truncated' : ''}, ${a.ms.toFixed(1)} ms)`);
  // a top N whose edge is tied says so, and how to see them
  if (a.ties) lines.push('', `Note: ${a.ties.note} Ask "${a.ties.followUp}" in a thread to see them.`);
  return lines.join('\n') + '\n';
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return String(v);
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
