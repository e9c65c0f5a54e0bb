/**
 * The training API as one encapsulated Fastify plugin: versions, validation reports, import of a
 * profile bundle, validation, activation, rollback, diff, schema drift, feedback candidates and
 * their promotion. Its dependencies come through the options, so it can be registered on any
 * Fastify instance:
 *
 *   await app.register(trainingRoutes, { prefix: '/api/training', store, audit, datasource, datasourceKey, requirePermission });
 */
import type { FastifyPluginAsync, FastifyRequest, onRequestAsyncHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import type { Datasource } from '../../../datasource/types.js';
import type { Store } from '../../../store/index.js';
import {
  activateVersion,
  deleteDraft,
  diffVersions,
  dismissCandidate,
  editContent,
  driftReport,
  formatDiff,
  getVersion,
  importProfile,
  listCandidates,
  listEvents,
  listVersions,
  loadVersionModel,
  parseBundle,
  promoteCandidates,
  rollbackTo,
  toBundle,
  validateVersion,
  type AuditSink,
  type TrainingContext,
  type TrainingVersion,
  type TrainingVersionSummary,
} from '../../../training/index.js';

export type TrainingPermission = 'view' | 'manage_training';

export interface TrainingRoutesOptions {
  store: Store;
  audit: AuditSink;
  datasource: Datasource;
  /** The datasource's key in the store (its redacted URL or configured name). */
  datasourceKey: string;
  /** A preHandler per permission (e.g. the server's requirePermission); none: no check (tests, CLI-only setups). */
  requirePermission?: (permission: TrainingPermission) => preHandlerAsyncHookHandler;
  /** As-of date for relative dates of example questions during validation (default: the clock). */
  today?: () => string;
  /** Called after a version becomes active, so the server can reload its copilot. */
  onActivated?: (version: TrainingVersion) => void | Promise<void>;
}

const error = {
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' }, hint: { type: 'string' } },
  additionalProperties: false,
} as const;
const errors = { '4xx': error, '5xx': error } as const;
const anyObject = { type: 'object', additionalProperties: true } as const;

const versionSummary = {
  type: 'object',
  required: ['id', 'datasource', 'version', 'contentHash', 'status', 'profileName', 'createdBy', 'createdAt'],
  properties: {
    id: { type: 'string' },
    datasource: { type: 'string' },
    version: { type: 'integer' },
    contentHash: { type: 'string' },
    status: { type: 'string', enum: ['draft', 'validated', 'active', 'retired'] },
    profileName: { type: 'string' },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
    note: { type: ['string', 'null'] },
    parentVersionId: { type: ['string', 'null'] },
    validation: {
      type: ['object', 'null'],
      properties: { ok: { type: 'boolean' }, summary: { type: 'string' }, validatedAt: { type: 'string' }, validatedBy: { type: 'string' } },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
} as const;

const versionFull = {
  ...versionSummary,
  properties: { ...versionSummary.properties, validation: { anyOf: [{ type: 'null' }, anyObject] } },
} as const;

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', description: 'version id, number, "active" or "latest"' } },
  additionalProperties: false,
} as const;

const reasonText = { type: 'string', minLength: 1, maxLength: 2000 } as const;

function summary(v: TrainingVersion): TrainingVersionSummary {
  return { ...v, validation: v.validation ? { ok: v.validation.ok, summary: v.validation.summary, validatedAt: v.validation.validatedAt, validatedBy: v.validation.validatedBy } : null };
}

function actorOf(req: FastifyRequest): string {
  const user = (req as unknown as { user?: { username?: string } | null }).user;
  return user?.username ?? 'api';
}

export const trainingRoutes: FastifyPluginAsync<TrainingRoutesOptions> = async (app, opts) => {
  const ctx: TrainingContext = { store: opts.store, audit: opts.audit, datasourceKey: opts.datasourceKey };
  // onRequest: the permission is checked before a body (an import takes up to 20 MB) is read
  const guard = (p: TrainingPermission) => (opts.requirePermission ? { onRequest: opts.requirePermission(p) as onRequestAsyncHookHandler } : {});
  const tags = ['training'];

  app.get(
    '/versions',
    {
      ...guard('view'),
      schema: {
        tags,
        summary: 'Training versions of the datasource, newest first',
        response: { 200: { type: 'object', required: ['datasource', 'versions'], properties: { datasource: { type: 'string' }, versions: { type: 'array', items: versionSummary } }, additionalProperties: false }, ...errors },
      },
    },
    async () => ({ datasource: ctx.datasourceKey, versions: (await listVersions(ctx)).map(summary) }),
  );

  app.get(
    '/versions/:id',
    { ...guard('view'), schema: { tags, summary: 'One version with its validation report', params: idParams, response: { 200: versionFull, ...errors } } },
    async (req) => getVersion(ctx, (req.params as { id: string }).id),
  );

  app.get(
    '/versions/:id/export',
    { ...guard('manage_training'), schema: { tags, summary: 'The version as a training bundle (JSON)', params: idParams, response: { 200: anyObject, ...errors } } },
    async (req) => {
      const v = await getVersion(ctx, (req.params as { id: string }).id);
      const model = await loadVersionModel(ctx, v.id);
      return toBundle(model.profile, { datasource: v.datasource, version: v.version, contentHash: v.contentHash, exportedAt: new Date().toISOString() });
    },
  );

  app.post(
    '/import',
    {
      ...guard('manage_training'),
      bodyLimit: 20 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Import a profile bundle as a new draft version (identical content returns the existing version)',
        body: {
          type: 'object',
          required: ['format', 'profile'],
          properties: { format: { type: 'string', const: 'otc-copilot/training-bundle@1' }, profile: anyObject, source: anyObject, reason: reasonText },
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', required: ['created', 'version'], properties: { created: { type: 'boolean' }, version: versionSummary, problem: { type: 'string' } }, additionalProperties: false },
          201: { type: 'object', required: ['created', 'version'], properties: { created: { type: 'boolean' }, version: versionSummary, problem: { type: 'string' } }, additionalProperties: false },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const body = req.body as { format: string; profile: unknown; source?: unknown; reason?: string };
      const bundle = parseBundle({ format: body.format, profile: body.profile, ...(body.source ? { source: body.source } : {}) });
      const r = await importProfile(ctx, { profile: bundle.profile, datasource: opts.datasource, by: { actor: actorOf(req), reason: body.reason } });
      return reply.status(r.created ? 201 : 200).send({ created: r.created, version: summary(r.version), ...(r.problem ? { problem: r.problem } : {}) });
    },
  );

  app.post(
    '/versions/:id/validate',
    {
      ...guard('manage_training'),
      schema: {
        tags,
        summary: 'Validate a version against the database; the report is stored with it',
        params: idParams,
        body: {
          type: ['object', 'null'],
          properties: { today: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }, reason: reasonText },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', required: ['version', 'report'], properties: { version: versionSummary, report: anyObject }, additionalProperties: false }, ...errors },
      },
    },
    async (req) => {
      const body = (req.body ?? {}) as { today?: string; reason?: string };
      const today = body.today ?? opts.today?.();
      const r = await validateVersion(ctx, (req.params as { id: string }).id, { datasource: opts.datasource, actor: actorOf(req), reason: body.reason, ...(today ? { today } : {}) });
      return { version: summary(r.version), report: r.report };
    },
  );

  app.post(
    '/versions/:id/activate',
    {
      ...guard('manage_training'),
      schema: {
        tags,
        summary: 'Make a validated version the active one',
        params: idParams,
        body: { type: 'object', required: ['reason'], properties: { reason: reasonText }, additionalProperties: false },
        response: { 200: versionSummary, ...errors },
      },
    },
    async (req) => {
      const v = await activateVersion(ctx, (req.params as { id: string }).id, { actor: actorOf(req), reason: (req.body as { reason: string }).reason });
      await opts.onActivated?.(v);
      return summary(v);
    },
  );

  app.post(
    '/rollback',
    {
      ...guard('manage_training'),
      schema: {
        tags,
        summary: 'Activate an earlier version again, with a reason',
        body: {
          type: 'object',
          required: ['versionId', 'reason'],
          properties: { versionId: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }, reason: reasonText },
          additionalProperties: false,
        },
        response: { 200: versionSummary, ...errors },
      },
    },
    async (req) => {
      const body = req.body as { versionId: string; reason: string };
      const v = await rollbackTo(ctx, body.versionId, { actor: actorOf(req), reason: body.reason });
      await opts.onActivated?.(v);
      return summary(v);
    },
  );

  app.get(
    '/diff',
    {
      ...guard('view'),
      schema: {
        tags,
        summary: 'What changed between two versions',
        querystring: {
          type: 'object',
          required: ['from'],
          properties: { from: idParams.properties.id, to: { ...idParams.properties.id, default: 'active' } },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', required: ['diff', 'text'], properties: { diff: anyObject, text: { type: 'string' } }, additionalProperties: false }, ...errors },
      },
    },
    async (req) => {
      const q = req.query as { from: string; to: string };
      const diff = await diffVersions(ctx, q.from, q.to);
      return { diff, text: formatDiff(diff) };
    },
  );

  app.get(
    '/drift',
    {
      ...guard('manage_training'),
      schema: {
        tags,
        summary: "The live database's tables and columns against the active version's snapshot",
        response: { 200: { type: 'object', required: ['version', 'drift'], properties: { version: versionSummary, drift: anyObject }, additionalProperties: false }, ...errors },
      },
    },
    async () => {
      const r = await driftReport(ctx, opts.datasource);
      return { version: summary(r.version), drift: r.drift };
    },
  );

  app.get(
    '/events',
    {
      ...guard('view'),
      schema: { tags, summary: 'Every training change: who, when, why', response: { 200: { type: 'object', required: ['events'], properties: { events: { type: 'array', items: anyObject } }, additionalProperties: false }, ...errors } },
    },
    async () => ({ events: await listEvents(ctx) }),
  );

  app.get(
    '/feedback/candidates',
    {
      ...guard('manage_training'),
      schema: { tags, summary: 'Feedback waiting to become examples', response: { 200: { type: 'object', required: ['candidates'], properties: { candidates: { type: 'array', items: anyObject } }, additionalProperties: false }, ...errors } },
    },
    async () => ({ candidates: await listCandidates(opts.store, ctx.datasourceKey) }),
  );

  app.post(
    '/feedback/candidates/:id/dismiss',
    {
      ...guard('manage_training'),
      schema: {
        tags,
        summary: 'Dismiss a feedback candidate: it will not become an example (kept in the store, recorded in the audit trail)',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } }, additionalProperties: false },
        body: { type: ['object', 'null'], properties: { reason: reasonText }, additionalProperties: false },
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (req, reply) => {
      const body = (req.body ?? {}) as { reason?: string };
      await dismissCandidate(ctx, (req.params as { id: string }).id, { actor: actorOf(req), reason: body.reason });
      return reply.status(204).send();
    },
  );

  app.post(
    '/versions/:id/content',
    {
      ...guard('manage_training'),
      schema: {
        tags,
        summary: "A new draft version: this one with its examples and/or documents (glossary terms are CSV documents) replaced",
        params: idParams,
        body: {
          type: 'object',
          properties: {
            examples: {
              type: 'array',
              maxItems: 5000,
              items: {
                type: 'object',
                required: ['question', 'sql'],
                properties: {
                  question: { type: 'string', minLength: 3, maxLength: 1000 },
                  sql: { type: 'string', minLength: 6, maxLength: 20000 },
                  asOf: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
                  // a dialect's own SQL for the example (profile-schema.ts): kept when the examples are edited
                  sqlFor: {
                    type: 'object',
                    properties: Object.fromEntries(['sqlite', 'postgres', 'mssql'].map((d) => [d, { type: 'string', minLength: 6, maxLength: 20000 }])),
                    additionalProperties: false,
                  },
                },
                additionalProperties: false,
              },
            },
            documents: {
              type: 'array',
              maxItems: 500,
              items: { type: 'object', required: ['name', 'text'], properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, text: { type: 'string', maxLength: 1000000 } }, additionalProperties: false },
            },
            reason: reasonText,
          },
          additionalProperties: false,
        },
        response: { 201: { type: 'object', required: ['created', 'version'], properties: { created: { type: 'boolean' }, version: versionSummary }, additionalProperties: false }, ...errors },
      },
    },
    async (req, reply) => {
      const { reason, ...edit } = req.body as { examples?: { question: string; sql: string; asOf?: string }[]; documents?: { name: string; text: string }[]; reason?: string };
      const r = await editContent(ctx, (req.params as { id: string }).id, edit, { actor: actorOf(req), reason });
      return reply.status(201).send({ created: r.created, version: summary(r.version) });
    },
  );

  app.delete(
    '/versions/:id',
    {
      ...guard('manage_training'),
      schema: {
        tags,
        summary: 'Delete a draft version (not validated, never active, no version made from it), e.g. one whose validation failed',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 100 } }, additionalProperties: false },
        response: { 200: { type: 'object', required: ['deleted'], properties: { deleted: { type: 'integer' } }, additionalProperties: false }, ...errors },
      },
    },
    async (req) => ({ deleted: (await deleteDraft(ctx, (req.params as { id: string }).id, { actor: actorOf(req) })).version }),
  );

  app.post(
    '/feedback/promote',
    {
      ...guard('manage_training'),
      schema: {
        tags,
        summary: 'A new draft version: the active one plus the chosen candidates as examples',
        body: {
          type: 'object',
          required: ['ids'],
          properties: { ids: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'string', minLength: 1, maxLength: 100 } }, reason: reasonText },
          additionalProperties: false,
        },
        response: {
          201: { type: 'object', required: ['created', 'promoted', 'version'], properties: { created: { type: 'boolean' }, promoted: { type: 'integer' }, version: versionSummary }, additionalProperties: false },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const body = req.body as { ids: string[]; reason?: string };
      const r = await promoteCandidates(ctx, body.ids, { actor: actorOf(req), reason: body.reason });
      return reply.status(201).send({ created: r.created, promoted: r.promoted, version: summary(r.version) });
    },
  );
};

export default trainingRoutes;
