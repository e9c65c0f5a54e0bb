import { PassThrough, Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AuditRecord } from '../../audit/index.js';
import { maskRows } from '../../audit/privacy.js';
import { forbidden } from '../../auth/index.js';
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

function fileBase(question: string | undefined): string {
  const slug = (question ?? 'answer').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
  return slug || 'answer';
}

/**
 * Downloads an answered question's rows as CSV or XLSX. The answer's SQL (from its audit record,
 * exactly what the person saw) runs again through the query pipeline's guard, cap, execute and
 * audit stages under the active training version: the route assembles no path of its own. The
 * question is not re-asked: a newer training version or the language model could answer it with
 * other SQL, and the file must hold the answer that was shown, on current data.
 */
export const exportRoutes: FastifyPluginAsync = async (app) => {
  async function rerun(req: FastifyRequest, format: 'csv' | 'xlsx') {
    const { auditId } = req.params as { auditId: string };
    const user = req.user!;
    const records = await app.audit.search({ text: auditId, kind: 'query_run', limit: 20 });
    const run: AuditRecord | undefined = records.find((r) => r.correlationId === auditId && r.sql);
    if (!run?.sql) throw notFound();
    if (run.actor !== user.username && user.role !== 'admin') throw forbidden('downloading answers of other users');
    const { copilot } = await app.deps.answering.require();
    const a = await copilot.rerun(
      { sql: run.sql, question: run.question },
      { actor: user.username, correlationId: auditId, details: { export: format }, maxRows: app.deps.settings.maxRows, raise: true },
    );
    const columns = a.columns ?? [];
    const result = { columns, rows: maskRows(columns, a.rows ?? [], app.deps.settings.maskColumns) };
    const questionRecord = (await app.audit.search({ text: auditId, kind: 'question', limit: 5 })).find((r) => r.correlationId === auditId);
    return { result, name: fileBase(questionRecord?.question ?? run.question) };
  }

  const common = { preHandler: requirePermission('ask'), config: { rateLimit: { max: app.deps.settings.askPerMinute ?? 60, timeWindow: 60_000 } } };

  app.get(
    '/api/ask/:auditId/export.csv',
    {
      ...common,
      schema: { tags: ['ask'], summary: "Download an answer's rows as CSV (re-runs its SQL through the guard)", params: auditIdParams, response: { 200: { type: 'string', description: 'text/csv' }, ...errors } },
    },
    async (req, reply) => {
      const { result, name } = await rerun(req, 'csv');
      function* lines() {
        yield '\uFEFF' + result.columns.map(csvField).join(',') + '\r\n';
        for (const row of result.rows) yield row.map(csvField).join(',') + '\r\n';
      }
      void reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`);
      return reply.send(Readable.from(lines()));
    },
  );

  app.get(
    '/api/ask/:auditId/export.xlsx',
    {
      ...common,
      schema: { tags: ['ask'], summary: "Download an answer's rows as an Excel workbook (re-runs its SQL through the guard)", params: auditIdParams, response: { 200: { type: 'string', description: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, ...errors } },
    },
    async (req, reply) => {
      const { result, name } = await rerun(req, 'xlsx');
      const out = new PassThrough();
      const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
      const ws = wb.addWorksheet('Answer');
      ws.columns = result.columns.map((c) => ({ header: c, key: c, width: Math.min(40, Math.max(10, c.length + 2)) }));
      ws.getRow(1).font = { bold: true };
      ws.getRow(1).commit();
      void (async () => {
        try {
          for (const row of result.rows) ws.addRow(row.map((v) => (typeof v === 'bigint' ? Number(v) : v))).commit();
          ws.commit();
          await wb.commit();
        } catch (e) {
          out.destroy(e as Error);
        }
      })();
      void reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}.xlsx"`);
      return reply.send(out);
    },
  );
};
