import { Command } from 'commander';
import { z } from 'zod';
import type { AuditLog } from '../../audit/index.js';
import { auditUrlOf, datasourceUrlOf, loadConfig, storeUrlOf, todayOf } from '../../config/index.js';
import type { RunView } from '../../reports/index.js';
import type { Store } from '../../store/index.js';
import { action } from '../handle-error.js';
import { calendarDate, parseFlags } from '../parse.js';

const fmt = z.enum(['table', 'json']).default('table');
const actor = () => `cli:${process.env.USER ?? 'user'}`;

/** The reports module, loaded when a command runs (the CLI starts without it). */
type Reports = typeof import('../../reports/index.js');

/** Opens the store and audit log of the configuration, runs `fn`, closes them. */
async function withStore<T>(fn: (o: { store: Store; audit: AuditLog; cfg: ReturnType<typeof loadConfig>; r: Reports }) => Promise<T>): Promise<T> {
  const cfg = loadConfig();
  const [r, { openStore }, { openAuditLog }] = await Promise.all([import('../../reports/index.js'), import('../../store/index.js'), import('../../audit/index.js')]);
  const store = await openStore(storeUrlOf(cfg));
  const audit = await openAuditLog(auditUrlOf(cfg));
  try {
    return await fn({ store, audit, cfg, r });
  } finally {
    await audit.close();
    await store.close();
  }
}

function runLine(r: RunView): string {
  const d = r.deliveries.map((x) => `${x.channel}:${x.status}`).join(' ');
  return `${r.startedAt}  ${r.status.padEnd(9)}  ${r.id}  template ${r.templateId}  as of ${r.asOf}  files ${r.files.map((f) => `${f.name}(${f.rows} rows, sha256 ${f.sha256.slice(0, 12)}…)`).join(', ') || '-'}  ${d}${r.error ? `  error: ${r.error}` : ''}`;
}

const list = new Command('list')
  .description('list report templates')
  .option('--format <format>', 'table | json', 'table')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const f = parseFlags(z.object({ format: fmt }), raw);
      await withStore(async ({ store, r }) => {
        const ts = await r.listTemplates(store);
        if (f.format === 'json') return void process.stdout.write(JSON.stringify(ts, null, 2) + '\n');
        if (!ts.length) return void process.stdout.write('No report templates.\n');
        for (const t of ts) process.stdout.write(`${t.id}  ${t.title}  owner ${t.owner}  ${t.formats.join('+')}  -> ${t.targets.map((x) => x.channel).join(', ') || 'no targets'}  ${t.paused ? 'paused' : 'active'}  approval ${t.approval}\n`);
      });
    }),
  );

const run = new Command('run')
  .description('run a report now: render once, deliver to each target, print the run log')
  .argument('<templateId>', 'the template id (see report list)')
  .option('--as-of <date>', 'data as of YYYY-MM-DD (default: today)')
  .option('--format <format>', 'table | json', 'table')
  .action(
    action(async (templateId: string, raw: Record<string, unknown>) => {
      const f = parseFlags(z.object({ asOf: calendarDate.optional(), format: fmt }), raw);
      await withStore(async ({ store, audit, cfg, r: lib }) => {
        const { openDatasource } = await import('../../datasource/index.js');
        await lib.getTemplate(store, templateId); // an unknown id is told before the datasource is opened
        const pipeline = lib.activePipeline({ store, audit, openDatasource: () => openDatasource(datasourceUrlOf(cfg), { maxRows: cfg.reportMaxRows, timeoutMs: cfg.queryTimeoutMs }), maxRows: cfg.reportMaxRows, timeoutMs: cfg.queryTimeoutMs, actor: actor() });
        try {
          const r = await lib.runReport({ store, audit, settings: lib.reportSettingsFromConfig(cfg), today: () => todayOf(cfg), pipeline: pipeline.get }, { templateId, actor: actor(), ...(f.asOf ? { asOf: f.asOf } : {}) });
          process.stdout.write(f.format === 'json' ? JSON.stringify(r, null, 2) + '\n' : runLine(r) + '\n');
          if (r.status !== 'completed') process.exitCode = 1;
        } finally {
          await pipeline.close();
        }
      });
    }),
  );

const history = new Command('history')
  .description('report run history, newest first')
  .option('--template <id>', 'only this template')
  .option('--status <status>', 'completed | partial | failed | rendered | rendering')
  .option('--limit <n>', 'runs at most', '20')
  .option('--format <format>', 'table | json', 'table')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const f = parseFlags(z.object({ template: z.string().min(1).optional(), status: z.enum(['completed', 'partial', 'failed', 'rendered', 'rendering']).optional(), limit: z.coerce.number().int().min(1).max(500).default(20), format: fmt }), raw);
      await withStore(async ({ store, r: lib }) => {
        const runs = await lib.listRuns(store, { ...(f.template ? { templateId: f.template } : {}), ...(f.status ? { status: f.status } : {}), limit: f.limit });
        if (f.format === 'json') return void process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
        if (!runs.length) return void process.stdout.write('No report runs.\n');
        for (const r of runs) process.stdout.write(runLine(r) + '\n');
      });
    }),
  );

export const reportCommand = new Command('report').description('report templates and runs (Extract Manager): list, run, history').addCommand(list).addCommand(run).addCommand(history);
