import { createReadStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { forbidden } from '../../auth/index.js';
import {
  approveTemplate,
  CHANNEL_NAMES,
  createTemplate,
  DASHBOARD_FORMATS,
  describeTarget,
  getRun,
  getTemplate,
  listRuns,
  listTemplates,
  REPORT_FORMATS,
  runFilePath,
  runReport,
  setPaused,
  type ReportDeps,
  type ReportSettings,
  type ReportTemplate,
  type TemplateInput,
} from '../../reports/index.js';
import { dashboardReports } from '../../dashboards/index.js';
import { OtcError } from '../../shared/errors.js';
import { errors } from '../schemas.js';
import { requirePermission } from '../session.js';

const id = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id }, additionalProperties: false } as const;
const email = { type: 'string', minLength: 3, maxLength: 254, pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' } as const;
const folder = { type: 'string', minLength: 1, maxLength: 400 } as const;
const targetSchema = {
  oneOf: [
    { type: 'object', required: ['channel', 'to'], properties: { channel: { const: 'email' }, to: { type: 'array', minItems: 1, maxItems: 50, items: email }, cc: { type: 'array', maxItems: 50, items: email } }, additionalProperties: false },
    { type: 'object', required: ['channel', 'channelId'], properties: { channel: { const: 'slack' }, channelId: { type: 'string', pattern: '^[A-Z0-9]{2,30}$' } }, additionalProperties: false },
    { type: 'object', required: ['channel'], properties: { channel: { const: 'teams' }, label: { type: 'string', maxLength: 100 } }, additionalProperties: false },
    { type: 'object', required: ['channel', 'folder'], properties: { channel: { const: 'sharepoint' }, folder }, additionalProperties: false },
    { type: 'object', required: ['channel', 'folder'], properties: { channel: { const: 'fileshare' }, folder }, additionalProperties: false },
    { type: 'object', required: ['channel', 'url'], properties: { channel: { const: 'webhook' }, url: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2000 } }, additionalProperties: false },
  ],
} as const;
const itemSchema = {
  type: 'object',
  required: ['savedId'],
  properties: {
    savedId: id,
    title: { type: 'string', minLength: 1, maxLength: 200 },
    columns: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 200 } },
    sort: { type: 'object', required: ['column', 'direction'], properties: { column: { type: 'string', minLength: 1, maxLength: 200 }, direction: { type: 'string', enum: ['asc', 'desc'] } }, additionalProperties: false },
    rowLimit: { type: 'integer', minimum: 1, maximum: 100_000_000 },
  },
  additionalProperties: false,
} as const;
const templateBody = {
  type: 'object',
  required: ['title', 'items', 'formats', 'targets'],
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    intro: { type: 'string', maxLength: 4000 },
    items: { type: 'array', minItems: 0, maxItems: 20, items: itemSchema },
    formats: { type: 'array', minItems: 0, uniqueItems: true, items: { type: 'string', enum: [...REPORT_FORMATS] } },
    dashboard: { type: 'object', required: ['dashboardId', 'formats'], properties: { dashboardId: id, formats: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...DASHBOARD_FORMATS] } } }, additionalProperties: false },
    targets: { type: 'array', maxItems: 20, items: targetSchema },
    readiness: { type: 'object', required: ['sql', 'cutoffMinutes'], properties: { sql: { type: 'string', minLength: 1, maxLength: 20_000 }, cutoffMinutes: { type: 'integer', minimum: 1, maximum: 1440 } }, additionalProperties: false },
    notify: { oneOf: targetSchema.oneOf.filter((t) => ['email', 'slack', 'teams', 'webhook'].includes(t.properties.channel.const)) },
  },
  additionalProperties: false,
} as const;
const templateView = {
  type: 'object',
  required: ['id', 'owner', 'title', 'items', 'formats', 'targets', 'approval', 'paused', 'createdAt'],
  properties: {
    id: { type: 'string' },
    owner: { type: 'string' },
    title: { type: 'string' },
    intro: { type: ['string', 'null'] },
    items: { type: 'array', items: { type: 'object', additionalProperties: true } },
    formats: { type: 'array', items: { type: 'string' } },
    targets: { type: 'array', items: { type: 'object', additionalProperties: true } },
    readiness: { type: ['object', 'null'], additionalProperties: true },
    notify: { type: ['object', 'null'], additionalProperties: true },
    dashboard: { type: ['object', 'null'], additionalProperties: true },
    approval: { type: 'string', enum: ['not_needed', 'pending', 'approved'] },
    approvedBy: { type: ['string', 'null'] },
    paused: { type: 'boolean' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
  additionalProperties: false,
} as const;
const runView = {
  type: 'object',
  required: ['id', 'templateId', 'status', 'asOf', 'startedAt', 'files', 'deliveries'],
  properties: {
    id: { type: 'string' },
    templateId: { type: 'string' },
    idempotencyKey: { type: 'string' },
    actor: { type: 'string' },
    status: { type: 'string' },
    asOf: { type: 'string' },
    startedAt: { type: 'string' },
    renderedAt: { type: ['string', 'null'] },
    finishedAt: { type: ['string', 'null'] },
    error: { type: ['string', 'null'] },
    files: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, format: { type: 'string' }, bytes: { type: 'integer' }, sha256: { type: 'string' }, rows: { type: 'integer' } }, additionalProperties: false } },
    questions: { type: 'array', items: { type: 'object', additionalProperties: true } },
    deliveries: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
  additionalProperties: false,
} as const;

/** Defaults when the server is built without report settings (tests, API-only embeddings). */
function defaultReportSettings(maxRows: number, publicUrl?: string): ReportSettings {
  return {
    reportDir: join(tmpdir(), 'otc-reports'),
    maxRows,
    governance: { allowedDomains: [], internalDomains: [] },
    deliveryAttempts: 4,
    deliveryBackoffMs: 5000,
    deliveryTimeoutMs: 30_000,
    readinessIntervalMs: 60_000,
    ...(publicUrl ? { publicUrl } : {}),
    channels: { mailMaxBytes: 10 * 1024 * 1024, graphBaseUrl: 'https://graph.microsoft.com/v1.0', graphLoginUrl: 'https://login.microsoftonline.com' },
  };
}

/** A template as the UI may show it: webhook URLs without their path and query (they may hold secrets). */
const shown = (t: ReportTemplate) => ({ ...t, targets: t.targets.map(describeTarget), notify: t.notify ? describeTarget(t.notify) : null });

/**
 * Report templates and runs: create (allow-list checked; external recipients wait for a second
 * admin), approve, pause, resume, run now, run history with filters, one run's log with receipts,
 * download of a past file. Every change and every download is audited.
 */
export const reportRoutes: FastifyPluginAsync = async (app) => {
  const { store, audit, settings } = app.deps;
  const rs = app.deps.reports ?? defaultReportSettings(settings.maxRows, settings.publicUrl);
  // the dashboard service is decorated after these routes are registered: read it at each run
  const dashboards = dashboardReports(() => (app.hasDecorator('dashboards') ? app.dashboards : undefined));
  const deps: ReportDeps = { store, audit, settings: rs, today: app.deps.today, pipeline: async () => (await app.deps.answering.require()).copilot, dashboards };

  async function owned(req: FastifyRequest, templateId: string, action: string): Promise<ReportTemplate> {
    const t = await getTemplate(store, templateId);
    if (t.owner !== req.user!.username && req.user!.role !== 'admin') throw forbidden(action);
    return t;
  }
  const mine = (req: FastifyRequest) => (req.user!.role === 'admin' ? undefined : req.user!.username);

  app.get('/api/reports/templates', { preHandler: requirePermission('view'), schema: { tags: ['reports'], summary: 'Report templates (yours; an admin sees all)', response: { 200: { type: 'array', items: templateView }, ...errors } } }, async (req) => (await listTemplates(store, mine(req))).map(shown));

  app.post('/api/reports/templates', { preHandler: requirePermission('save_reports'), schema: { tags: ['reports'], summary: `Create a report template from saved questions and/or a dashboard (sent as PDF/PNG) (channels: ${CHANNEL_NAMES.join(', ')})`, body: templateBody, response: { 201: templateView, ...errors } } }, async (req, reply) => {
    const t = await createTemplate(store, audit, req.body as TemplateInput, req.user!.username, rs.governance, dashboards);
    return reply.status(201).send(shown(t));
  });

  app.post('/api/reports/templates/:id/approve', { preHandler: requirePermission('manage_users'), schema: { tags: ['reports'], summary: "A second admin approves a template's external recipients (four eyes)", params: idParams, response: { 200: templateView, ...errors } } }, async (req) => shown(await approveTemplate(store, audit, (req.params as { id: string }).id, req.user!)));

  for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
    app.post(`/api/reports/templates/:id/${action}`, { preHandler: requirePermission('save_reports'), schema: { tags: ['reports'], summary: `${action === 'pause' ? 'Pause' : 'Resume'} a report's scheduled runs`, params: idParams, response: { 200: templateView, ...errors } } }, async (req) => {
      const t = await owned(req, (req.params as { id: string }).id, `${action === 'pause' ? 'pausing' : 'resuming'} reports of other users`);
      return shown(await setPaused(store, audit, t.id, paused, req.user!.username));
    });
  }

  app.post(
    '/api/reports/templates/:id/run',
    { preHandler: requirePermission('save_reports'), schema: { tags: ['reports'], summary: 'Run a report now: render once, deliver to each target, return the run log', params: idParams, body: { type: ['object', 'null'], properties: { asOf: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } }, additionalProperties: false }, response: { 200: runView, ...errors } } },
    async (req) => {
      const t = await owned(req, (req.params as { id: string }).id, 'running reports of other users');
      const asOf = (req.body as { asOf?: string } | null)?.asOf;
      return runReport(deps, { templateId: t.id, actor: req.user!.username, ...(asOf ? { asOf } : {}) });
    },
  );

  app.get(
    '/api/reports/runs',
    {
      preHandler: requirePermission('view'),
      schema: {
        tags: ['reports'],
        summary: 'Run history with filters (template, status, date range)',
        querystring: { type: 'object', properties: { templateId: id, status: { type: 'string', enum: ['rendering', 'rendered', 'completed', 'partial', 'failed'] }, from: { type: 'string', maxLength: 30 }, to: { type: 'string', maxLength: 30 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } }, additionalProperties: false },
        response: { 200: { type: 'array', items: runView }, ...errors },
      },
    },
    async (req) => {
      const q = req.query as { templateId?: string; status?: string; from?: string; to?: string; limit?: number };
      const owner = mine(req);
      const runs = await listRuns(store, q);
      if (owner === undefined) return runs;
      const own = new Set((await listTemplates(store, owner)).map((t) => t.id));
      return runs.filter((r) => own.has(r.templateId));
    },
  );

  app.get('/api/reports/runs/:id', { preHandler: requirePermission('view'), schema: { tags: ['reports'], summary: "One run's log: files with sizes and SHA-256, questions with SQL and training version, deliveries with receipts", params: idParams, response: { 200: runView, ...errors } } }, async (req) => {
    const run = await getRun(store, (req.params as { id: string }).id);
    await owned(req, run.templateId, 'seeing runs of reports of other users');
    return run;
  });

  app.get(
    '/api/reports/runs/:id/files/:name',
    { preHandler: requirePermission('view'), schema: { tags: ['reports'], summary: 'Download a file of a past run (audited)', params: { type: 'object', required: ['id', 'name'], properties: { id, name: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._-]+$' } }, additionalProperties: false }, response: { 200: { type: 'string', description: 'the file' }, ...errors } } },
    async (req, reply) => {
      const { id: runId, name } = req.params as { id: string; name: string };
      const run = await getRun(store, runId);
      await owned(req, run.templateId, 'downloading reports of other users');
      const path = await runFilePath(store, runId, name);
      if (!path || !existsSync(path)) throw new OtcError('OTC_ERR_REPORT_FILE_NOT_FOUND', `No file ${name} is kept for this run.`, { status: 404 });
      const file = run.files.find((f) => f.name === name)!;
      await audit.append({ kind: 'report_run', actor: req.user!.username, outcome: 'ok', correlationId: runId, details: { action: 'download', runId, file: name, sha256: file.sha256 } });
      const type = file.format === 'csv' ? 'text/csv; charset=utf-8' : file.format === 'pdf' ? 'application/pdf' : file.format === 'png' ? 'image/png' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
      void reply.type(type).header('content-disposition', `attachment; filename="${name}"`);
      return reply.send(createReadStream(path));
    },
  );
};
