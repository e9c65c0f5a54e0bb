import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { z } from 'zod';
import { action } from '../handle-error.js';
import { calendarDate, parseFlags } from '../parse.js';
import { loadConfig, todayOf } from '../../config/index.js';
import { OtcError } from '../../shared/errors.js';

const flags = z.object({
  db: z.string().min(1, 'is required'),
  model: z.string().min(1).default('profiles/otc-ops'),
  questions: z.string().min(1, 'is required'),
  today: calendarDate.optional(),
  out: z.string().min(1, 'is required'),
  maxRows: z.coerce.number().int().positive().default(100000),
  timeoutMs: z.coerce.number().int().positive().default(30000),
});

export const evalCommand = new Command('eval')
  .description('train on a database, answer a JSONL question set, and write one prediction per question')
  .requiredOption('--db <url>', 'database: sqlite:path | postgres://… | mssql://…')
  .option('--model <dir>', 'training profile folder', 'profiles/otc-ops')
  .requiredOption('--questions <file>', 'JSONL questions {"id","question","today"?}')
  .option('--today <date>', 'as-of date YYYY-MM-DD (a line\'s own "today" wins)')
  .requiredOption('--out <file>', 'predictions JSONL to write')
  .option('--max-rows <n>', 'row cap per answer', '100000')
  .option('--timeout-ms <n>', 'query timeout', '30000')
  .action(
    action(async (raw: Record<string, unknown>) => {
      const f = parseFlags(flags, raw);
      const cfg = loadConfig();
      const [{ openDatasource }, { createCopilot, readQuestions, runEvaluation }, { loadProfile, trainModel }] = await Promise.all([
        import('../../datasource/index.js'),
        import('../../nl2sql/index.js'),
        import('../../training/index.js'),
      ]);
      const t0 = performance.now();
      // Check where the predictions go before the run, not after it.
      const outDir = dirname(resolve(f.out));
      if (!existsSync(outDir) || !statSync(outDir).isDirectory()) throw new OtcError('OTC_ERR_USAGE', `--out: the folder ${outDir} does not exist; nothing was run`, { status: 400 });
      if (existsSync(f.out) && statSync(f.out).isDirectory()) throw new OtcError('OTC_ERR_USAGE', `--out: ${f.out} is a folder; give a file name`, { status: 400 });
      const questions = readQuestions(f.questions);
      if (questions.length === 0) throw new OtcError('OTC_ERR_USAGE', `--questions: ${f.questions} holds no question (one JSON object a line: {"id","question","today"?})`, { status: 400 });
      const profile = loadProfile(f.model);
      const ds = await openDatasource(f.db);
      try {
        const model = await trainModel(profile, ds);
        const trainMs = performance.now() - t0;
        const copilot = createCopilot({ datasource: ds, model, maxRows: f.maxRows, timeoutMs: f.timeoutMs, actor: 'cli:eval' });
        await copilot.warmUp(); // a long run: pay the guard parsers' JIT once, not on the first questions
        const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'eval [{bar}] {value}/{total} {status}', hideCursor: false }, cliProgress.Presets.shades_classic);
        bar.start(questions.length, 0, { status: '' });
        const today = f.today ?? todayOf(cfg);
        const { predictions, summary } = await runEvaluation(copilot, questions, { today, onAnswer: (p, i) => bar.update(i + 1, { status: p.status }) });
        bar.stop();
        // Written beside the target and renamed, so a failure never leaves half a file.
        const tmp = `${f.out}.${process.pid}.tmp`;
        try {
          writeFileSync(tmp, predictions.map((p) => JSON.stringify({ id: p.id, status: p.status, sql: p.sql, columns: p.columns, rows: p.rows, explanation: p.explanation, ms: p.ms })).join('\n') + '\n');
          renameSync(tmp, f.out);
        } finally {
          rmSync(tmp, { force: true });
        }
        process.stderr.write(
          `answered ${summary.answered}, abstained ${summary.abstained}, refused ${summary.refused}, error ${summary.error} of ${summary.total}; ` +
            `end-to-end p50 ${summary.p50Ms.toFixed(1)} ms, p95 ${summary.p95Ms.toFixed(1)} ms; question->SQL p50 ${summary.compileP50Ms.toFixed(2)} ms, p95 ${summary.compileP95Ms.toFixed(2)} ms; ` +
            `training ${Math.round(trainMs)} ms, total ${Math.round(performance.now() - t0)} ms\n`,
        );
        process.stdout.write(`wrote ${predictions.length} predictions to ${f.out}\n`);
      } finally {
        await ds.close();
      }
    }),
  );
