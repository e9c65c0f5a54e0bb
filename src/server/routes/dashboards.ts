import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { dashboardPdf, dashboardPng, filtersSchema, layoutSchema, refreshSchema, sharingSchema, widgetChartSchema, type DashboardService } from '../../dashboards/index.js';
import { errors } from '../schemas.js';
import { requirePermission } from '../session.js';

/** A zod schema as the route's JSON schema (draft 7, what Fastify's Ajv speaks); the service validates again with zod's refinements. */
function json(s: z.ZodType): Record<string, unknown> {
  const { $schema: _s, ...rest } = z.toJSONSchema(s, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return rest;
}

const id = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } as const;
/** The `:id` of a dashboard route (the dashboard page drawn on the server checks its `?id=` with it too). */
export const idParams = { type: 'object', required: ['id'], properties: { id }, additionalProperties: false } as const;
const widgetParams = { type: 'object', required: ['id', 'widgetId'], properties: { id, widgetId: id }, additionalProperties: false } as const;
const name = { type: 'string', minLength: 1, maxLength: 200 } as const;
const position = { type: 'object', required: ['x', 'y', 'w', 'h'], properties: { x: { type: 'integer', minimum: 0, maximum: 100 }, y: { type: 'integer', minimum: 0, maximum: 10000 }, w: { type: 'integer', minimum: 1, maximum: 24 }, h: { type: 'integer', minimum: 1, maximum: 100 } }, additionalProperties: false } as const;

const widgetSchema = {
  type: 'object',
  required: ['id', 'dashboardId', 'savedId', 'title', 'chart', 'refresh', 'savedStatus'],
  properties: {
    id: { type: 'string' },
    dashboardId: { type: 'string' },
    savedId: { type: 'string' },
    title: { type: 'string' },
    question: { type: ['string', 'null'] },
    chart: { type: 'object', additionalProperties: true },
    refresh: { type: 'object', additionalProperties: true },
    scheduleId: { type: ['string', 'null'] },
    result: { type: ['object', 'null'], additionalProperties: true },
    dataAsOf: { type: ['string', 'null'] },
    sql: { type: ['string', 'null'] },
    resultVersion: { type: ['string', 'null'] },
    error: { type: ['object', 'null'], additionalProperties: true },
    lastRefreshMs: { type: ['number', 'null'] },
    savedStatus: { type: 'string' },
    kpi: { type: 'object', additionalProperties: true },
    firstPaint: { type: 'object', required: ['svg', 'width', 'height'], properties: { svg: { type: 'string' }, width: { type: 'number' }, height: { type: 'number' } }, additionalProperties: false },
    /** Under a viewer's own filters: which filters narrowed this widget and which it has no dimension for. */
    filtered: { type: 'object', properties: { applied: { type: 'array', items: { type: 'string' } }, skipped: { type: 'array', items: { type: 'string' } } }, additionalProperties: false },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
  additionalProperties: false,
} as const;

const dashboardProps = {
  id: { type: 'string' },
  name: { type: 'string' },
  owner: { type: 'string' },
  layout: { type: 'array', items: { type: 'object', additionalProperties: true } },
  filters: { type: 'object', additionalProperties: true },
  sharing: { type: 'object', additionalProperties: true },
  createdAt: { type: 'string' },
  updatedAt: { type: 'string' },
} as const;
const dashboardSummary = { type: 'object', required: ['id', 'name', 'owner'], properties: dashboardProps, additionalProperties: false } as const;
/** GET /api/dashboards' answer (its route and the dashboard page drawn on the server). */
export const dashboardListSchema = { type: 'array', items: dashboardSummary } as const;
/** GET /api/dashboards/:id's answer (its route and the dashboard page drawn on the server, which inlines it). */
export const dashboardSchema = { type: 'object', required: ['id', 'name', 'owner', 'widgets', 'editable'], properties: { ...dashboardProps, widgets: { type: 'array', items: widgetSchema }, editable: { type: 'boolean' } }, additionalProperties: false } as const;
const filteredDashboardSchema = {
  ...dashboardSchema,
  required: [...dashboardSchema.required, 'defaultFilters', 'viewerFilters'],
  properties: { ...dashboardSchema.properties, defaultFilters: { type: 'object', additionalProperties: true }, viewerFilters: { type: 'boolean' } },
} as const;

/** A viewer's own filters in the query string: ?from=&to=&desk=A&desk=B&counterparty=…&currency=… (repeat a key for several values). */
const values = { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 200 } } as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const filtersQuery = { type: 'object', properties: { from: date, to: date, counterparty: values, desk: values, currency: values }, additionalProperties: false } as const;
/** The exports take the same, and `mine=true`: these are the viewer's own filters even when there is none (the saved ones cleared). */
const exportQuery = { ...filtersQuery, properties: { ...filtersQuery.properties, mine: { type: 'boolean' } } } as const;
type FiltersQuery = { from?: string; to?: string; counterparty?: string[]; desk?: string[]; currency?: string[]; mine?: boolean };
/** The viewer's own filters of an export request, or undefined for the dashboard's saved ones. */
function ownFilters(q: FiltersQuery | undefined): Omit<FiltersQuery, 'mine'> | undefined {
  const { mine, ...f } = q ?? {};
  return mine || Object.values(f).some((v) => v !== undefined) ? f : undefined;
}

const user = (req: FastifyRequest) => ({ username: req.user!.username, role: req.user!.role });
const tags = ['dashboards'];

/**
 * Dashboards: analysts create and edit theirs, viewers see those shared with them, admins all.
 * Every create, edit, share and refresh is audited by the service. Live updates: GET …/events
 * (Server-Sent Events).
 */
export const dashboardRoutes: FastifyPluginAsync<{ service: DashboardService }> = async (app, { service }) => {
  const edit = requirePermission('save_widgets');
  const see = requirePermission('view');
  const run = requirePermission('ask');

  app.get('/api/dashboards', { preHandler: see, schema: { tags, summary: 'Dashboards you may see (yours, shared with your role or name; an admin sees all)', response: { 200: dashboardListSchema, ...errors } } }, async (req) => service.list(user(req)));

  app.post(
    '/api/dashboards',
    { preHandler: edit, schema: { tags, summary: 'Create a dashboard', body: { type: 'object', required: ['name'], properties: { name, filters: json(filtersSchema), sharing: json(sharingSchema) }, additionalProperties: false }, response: { 201: dashboardSchema, ...errors } } },
    async (req, reply) => reply.status(201).send(await service.create(req.body as { name: string }, user(req))),
  );

  app.get('/api/dashboards/:id', { preHandler: see, schema: { tags, summary: 'A dashboard with its widgets and their cached results', params: idParams, response: { 200: dashboardSchema, ...errors } } }, async (req) =>
    service.get((req.params as { id: string }).id, user(req)),
  );

  app.get(
    '/api/dashboards/:id/view',
    {
      preHandler: run,
      config: { rateLimit: { max: app.deps.settings.askPerMinute ?? 60, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: "The dashboard through your own filters, without changing it: each widget runs with them written into its typed query (kept apart from its shared result, cached, audited under your name). No filter given: no filter at all; the saved ones are defaultFilters.",
        params: idParams,
        querystring: filtersQuery,
        response: { 200: filteredDashboardSchema, ...errors },
      },
    },
    async (req) => service.viewWith((req.params as { id: string }).id, user(req), req.query ?? {}),
  );

  app.get(
    '/api/dashboards/:id/sharing',
    {
      preHandler: edit,
      schema: {
        tags,
        summary: 'Who the dashboard is shared with, and the roles and users it can be shared with (its editors)',
        params: idParams,
        response: {
          200: {
            type: 'object',
            required: ['sharing', 'roles', 'users'],
            properties: {
              sharing: { type: 'object', additionalProperties: true },
              roles: { type: 'array', items: { type: 'string' } },
              users: { type: 'array', items: { type: 'object', required: ['username', 'role'], properties: { username: { type: 'string' }, displayName: { type: ['string', 'null'] }, role: { type: 'string' } }, additionalProperties: false } },
            },
            additionalProperties: false,
          },
          ...errors,
        },
      },
    },
    async (req) => service.sharingChoices((req.params as { id: string }).id, user(req)),
  );

  app.patch(
    '/api/dashboards/:id',
    {
      preHandler: edit,
      schema: { tags, summary: 'Rename, save the grid layout, or set the filters (which re-runs the widgets)', params: idParams, body: { type: 'object', minProperties: 1, properties: { name, layout: json(layoutSchema), filters: json(filtersSchema) }, additionalProperties: false }, response: { 200: dashboardSchema, ...errors } },
    },
    async (req) => service.update((req.params as { id: string }).id, req.body as { name?: string }, user(req)),
  );

  app.put('/api/dashboards/:id/sharing', { preHandler: edit, schema: { tags, summary: 'Share with roles and users', params: idParams, body: json(sharingSchema), response: { 200: dashboardSchema, ...errors } } }, async (req) =>
    service.share((req.params as { id: string }).id, req.body, user(req)),
  );

  app.post(
    '/api/dashboards/:id/duplicate',
    { preHandler: edit, schema: { tags, summary: 'Copy a dashboard you may see into one of your own', params: idParams, body: { type: ['object', 'null'], properties: { name }, additionalProperties: false }, response: { 201: dashboardSchema, ...errors } } },
    async (req, reply) => reply.status(201).send(await service.duplicate((req.params as { id: string }).id, user(req), (req.body as { name?: string } | null)?.name)),
  );

  app.delete('/api/dashboards/:id', { preHandler: edit, schema: { tags, summary: 'Delete a dashboard and its widgets', params: idParams, response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    await service.remove((req.params as { id: string }).id, user(req));
    return reply.status(204).send();
  });

  app.post(
    '/api/dashboards/:id/refresh',
    { preHandler: run, config: { rateLimit: { max: app.deps.settings.askPerMinute ?? 60, timeWindow: 60_000 } }, schema: { tags, summary: 'Re-run every widget now', params: idParams, response: { 200: { type: 'array', items: widgetSchema }, ...errors } } },
    async (req) => service.refreshDashboard((req.params as { id: string }).id, user(req)),
  );

  app.post(
    '/api/dashboards/:id/widgets',
    {
      preHandler: edit,
      schema: {
        tags,
        summary: 'Add a saved question as a widget (it runs at once)',
        params: idParams,
        body: { type: 'object', required: ['savedId', 'chart'], properties: { savedId: id, title: name, chart: json(widgetChartSchema), refresh: json(refreshSchema), position }, additionalProperties: false },
        response: { 201: widgetSchema, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await service.addWidget((req.params as { id: string }).id, req.body as { savedId: string; chart: unknown }, user(req))),
  );

  app.patch(
    '/api/dashboards/:id/widgets/:widgetId',
    {
      preHandler: edit,
      schema: { tags, summary: 'Edit a widget (title, chart, thresholds, refresh); it runs again', params: widgetParams, body: { type: 'object', minProperties: 1, properties: { title: name, chart: json(widgetChartSchema), refresh: json(refreshSchema) }, additionalProperties: false }, response: { 200: widgetSchema, ...errors } },
    },
    async (req) => {
      const p = req.params as { id: string; widgetId: string };
      return service.updateWidget(p.id, p.widgetId, req.body as { title?: string }, user(req));
    },
  );

  app.delete('/api/dashboards/:id/widgets/:widgetId', { preHandler: edit, schema: { tags, summary: 'Remove a widget', params: widgetParams, response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    const p = req.params as { id: string; widgetId: string };
    await service.removeWidget(p.id, p.widgetId, user(req));
    return reply.status(204).send();
  });

  app.post(
    '/api/dashboards/:id/widgets/:widgetId/refresh',
    { preHandler: run, config: { rateLimit: { max: app.deps.settings.askPerMinute ?? 60, timeWindow: 60_000 } }, schema: { tags, summary: 'Re-run one widget now (audited with its SQL, rows and time)', params: widgetParams, response: { 200: widgetSchema, ...errors } } },
    async (req) => {
      const p = req.params as { id: string; widgetId: string };
      return service.refreshWidget(p.id, p.widgetId, user(req));
    },
  );

  app.post(
    '/api/dashboards/:id/widgets/:widgetId/regenerate',
    { preHandler: edit, schema: { tags, summary: "Ask the widget's question again under the active training version", params: widgetParams, response: { 200: widgetSchema, ...errors } } },
    async (req) => {
      const p = req.params as { id: string; widgetId: string };
      return service.regenerate(p.id, p.widgetId, user(req));
    },
  );

  const fileName = (n: string) => n.replace(/[^A-Za-z0-9 _-]+/g, '').trim().replace(/\s+/g, '-').slice(0, 80) || 'dashboard';
  app.get(
    '/api/dashboards/:id/export.png',
    { preHandler: see, schema: { tags, summary: 'The dashboard as a PNG image, drawn on the server from the widgets\' chart specs (with your own filters when the query string has them, as …/view)', params: idParams, querystring: exportQuery, response: { 200: { type: 'string', format: 'binary' }, ...errors } } },
    async (req, reply) => {
      const u = user(req);
      const id = (req.params as { id: string }).id;
      const own = ownFilters(req.query as FiltersQuery | undefined);
      const d = own ? await service.viewWith(id, u, own) : await service.get(id, u);
      await app.audit.append({ kind: 'dashboard_change', actor: u.username, outcome: 'ok', details: { action: 'export_dashboard', format: 'png', dashboardId: d.id, ...(own ? { viewerFilters: own } : {}) } });
      return reply.type('image/png').header('content-disposition', `attachment; filename="${fileName(d.name)}.png"`).send(dashboardPng(d, 1));
    },
  );
  app.get(
    '/api/dashboards/:id/export.pdf',
    { preHandler: see, schema: { tags, summary: 'The dashboard as a PDF, drawn on the server from the widgets\' chart specs (with your own filters when the query string has them, as …/view)', params: idParams, querystring: exportQuery, response: { 200: { type: 'string', format: 'binary' }, ...errors } } },
    async (req, reply) => {
      const u = user(req);
      const id = (req.params as { id: string }).id;
      const own = ownFilters(req.query as FiltersQuery | undefined);
      const d = own ? await service.viewWith(id, u, own) : await service.get(id, u);
      await app.audit.append({ kind: 'dashboard_change', actor: u.username, outcome: 'ok', details: { action: 'export_dashboard', format: 'pdf', dashboardId: d.id, ...(own ? { viewerFilters: own } : {}) } });
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${fileName(d.name)}.pdf"`).send(await dashboardPdf(d));
    },
  );

  // Operations: whether this API process probes now (one does at a time across processes), its probe and push figures since start.
  app.get(
    '/api/dashboards/live',
    {
      preHandler: requirePermission('manage_schedules'),
      schema: {
        tags,
        summary: "Real-time figures of this API process: change probes run, whether it holds the probe now, viewers connected, frames pushed, widget re-runs by reason, widgets re-read after another process's refresh",
        response: {
          200: {
            type: 'object',
            required: ['owner', 'probes', 'changes', 'failures', 'tables', 'clients', 'framesSent', 'realtimeWidgets', 'refreshes', 'relayed'],
            properties: { owner: { type: 'boolean' }, probes: { type: 'integer' }, changes: { type: 'integer' }, failures: { type: 'integer' }, tables: { type: 'integer' }, clients: { type: 'integer' }, framesSent: { type: 'integer' }, realtimeWidgets: { type: 'integer' }, refreshes: { type: 'object', additionalProperties: { type: 'integer' } }, relayed: { type: 'integer' } },
            additionalProperties: false,
          },
          ...errors,
        },
      },
    },
    async () => service.stats(),
  );

  app.get(
    '/api/dashboards/:id/events',
    { preHandler: see, schema: { tags, summary: 'Server-Sent Events: each refreshed widget of this dashboard (event "widget"), pushed once to every viewer', params: idParams, response: { ...errors } } },
    async (req, reply) => {
      const dashboardId = (req.params as { id: string }).id;
      let stop: (() => void) | undefined;
      const client = { write: (frame: string) => reply.raw.write(frame) };
      stop = await service.subscribe(dashboardId, user(req), client);
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      reply.raw.write(': connected\n\n');
      const beat = setInterval(() => reply.raw.write(': keep-alive\n\n'), 25_000);
      beat.unref();
      req.raw.on('close', () => {
        clearInterval(beat);
        stop?.();
        stop = undefined;
      });
    },
  );
};
