import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditRecord } from '../../audit/index.js';
import { maskRows } from '../../audit/privacy.js';
import { forbidden } from '../../auth/index.js';
import { describeColumns, type TypedQuery } from '../../nl2sql/index.js';
import { renderCsv, renderXlsx, slug, type RenderInput } from '../../reports/render/index.js';
import { OtcError } from '../../shared/errors.js';
import { auditIdParams, errors } from '../schemas.js';
import { requirePermission } from '../session.js';

const notFound = () => new OtcError('OTC_ERR_ANSWER_NOT_FOUND', 'No answered question with this id: ask it again to download its result.', { status: 404 });

/** A CSV field: quoted when it holds a comma, quote or line break; formulas neutralised for spreadsheets. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s) && !/^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const MIME = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;

/**
 * Downloads an answered question's rows as CSV or XLSX, written by the Extract Manager's renderers
 * (src/reports/render): headers from the profile's labels with units, typed cells, and in the
 * workbook a frozen header row, an autofilter and a first sheet with the question, explanation,
 * SQL, training version, user and data-as-of. The answer's SQL (from its audit record, exactly
 * what the person saw) runs again through the query pipeline's guard, cap, execute and audit
 * stages under the active training version: the route assembles no path of its own. The question
 * is not re-asked: a newer training version or the language model could answer it with other
 * SQL, and the file must hold the answer that was shown, on current data.
 */
export const exportRoutes: FastifyPluginAsync = async (app) => {
  async function rerun(req: FastifyRequest, format: 'csv' | 'xlsx'): Promise<RenderInput> {
    const { auditId } = req.params as { auditId: string };
    const user = req.user!;
    const records = (await app.audit.search({ text: auditId, limit: 50 })).filter((r) => r.correlationId === auditId);
    const run: AuditRecord | undefined = records.find((r) => r.kind === 'query_run' && r.sql && !r.details?.tieCheck);
    if (!run?.sql) throw notFound();
    if (run.actor !== user.username && user.role !== 'admin') throw forbidden('downloading answers of other users');
    const { copilot, model } = await app.deps.answering.require();
    const a = await copilot.rerun(
      { sql: run.sql, question: run.question },
      { actor: user.username, correlationId: auditId, details: { export: format }, maxRows: app.deps.settings.maxRows, raise: true },
    );
    const columns = a.columns ?? [];
    const rows = maskRows(columns, a.rows ?? [], app.deps.settings.maskColumns);
    const asked = records.find((r) => r.kind === 'question');
    const generated = records.find((r) => r.kind === 'sql_generated');
    const understood = (generated?.details as { query?: TypedQuery } | undefined)?.query;
    const explanation = String((generated?.details as { explanation?: unknown } | undefined)?.explanation ?? a.explanation ?? '');
    const question = asked?.question ?? run.question ?? 'Answer';
    const askedDetails = (asked?.details ?? {}) as { trainingVersion?: unknown; today?: unknown };
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    return {
      title: question,
      asOf: `${now} (the rows as the database held them at download${typeof askedDetails.today === 'string' ? `; dates in the question relative to ${askedDetails.today}` : ''})`,
      details: [
        ['Downloaded by', user.username],
        ['Training version', String(copilot.trainingVersion ?? askedDetails.trainingVersion ?? '—')],
        ['Answer id', auditId],
        ['Rows', `${rows.length.toLocaleString('en-US')}${a.truncated ? ' (cut at the row cap)' : ''}`],
      ],
      sections: [{ title: 'Answer', question, explanation, sql: a.sql ?? run.sql, columns, formats: describeColumns(columns, understood, model), rows: () => rows }],
    };
  }

  /** Renders into a private temporary folder, streams the file, removes the folder once sent. */
  async function send(reply: FastifyReply, input: RenderInput, format: 'csv' | 'xlsx') {
    const dir = await mkdtemp(join(tmpdir(), 'otc-answer-'));
    const path = join(dir, `answer.${format}`);
    try {
      if (format === 'csv') await renderCsv(input.sections[0]!, path);
      else await renderXlsx(input, path);
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      throw e;
    }
    const file = createReadStream(path);
    const cleanup = () => void rm(dir, { recursive: true, force: true });
    file.once('close', cleanup);
    void reply.type(MIME[format]).header('content-disposition', `attachment; filename="${slug(input.title, 'answer')}.${format}"`);
    return reply.send(file);
  }

  const common = { preHandler: requirePermission('ask'), config: { rateLimit: { max: app.deps.settings.askPerMinute ?? 60, timeWindow: 60_000 } } };

  app.get(
    '/api/ask/:auditId/export.csv',
    {
      ...common,
      schema: { tags: ['ask'], summary: "Download an answer's rows as CSV, headed by the columns' labels (re-runs its SQL through the guard)", params: auditIdParams, response: { 200: { type: 'string', description: 'text/csv' }, ...errors } },
    },
    async (req, reply) => send(reply, await rerun(req, 'csv'), 'csv'),
  );

  app.get(
    '/api/ask/:auditId/export.xlsx',
    {
      ...common,
      schema: {
        tags: ['ask'],
        summary: "Download an answer as an Excel workbook: typed cells, labelled frozen header, autofilter, and a sheet with the question, explanation, SQL, training version, user and data-as-of (re-runs its SQL through the guard)",
        params: auditIdParams,
        response: { 200: { type: 'string', description: MIME.xlsx }, ...errors },
      },
    },
    async (req, reply) => send(reply, await rerun(req, 'xlsx'), 'xlsx'),
  );
};
