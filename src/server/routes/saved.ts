import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { forbidden } from '../../auth/index.js';
import { deleteSaved, getSaved, listSaved, runSaved, saveAnswer, savedStatus, type SavedQuestion, type SavedQuestionView } from '../../reports/index.js';
import { askAnswerSchema, errors } from '../schemas.js';
import { requirePermission } from '../session.js';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } }, additionalProperties: false } as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const statusEnum = { type: 'string', enum: ['current', 'same', 'changed', 'uncompilable', 'sql-only', 'not-trained'] } as const;

const savedSchema = {
  type: 'object',
  required: ['id', 'owner', 'title', 'question', 'engine', 'createdAt', 'status'],
  properties: {
    id: { type: 'string' },
    owner: { type: 'string' },
    title: { type: 'string' },
    question: { type: 'string' },
    asOf: { type: ['string', 'null'] },
    sql: { type: ['string', 'null'] },
    engine: { type: 'string' },
    explanation: { type: ['string', 'null'] },
    trainingVersion: { type: ['string', 'null'] },
    chart: { type: ['object', 'null'], additionalProperties: true },
    parameters: { type: ['object', 'null'], additionalProperties: true },
    createdAt: { type: 'string' },
    status: statusEnum,
    statusText: { type: 'string' },
  },
  additionalProperties: false,
} as const;

const STATUS_TEXT: Record<SavedQuestionView['status'], string> = {
  current: 'Saved with the active training version.',
  same: 'The active training version compiles it to the same SQL.',
  changed: 'No longer compiles the same under the active training version: re-generate it to use the new meaning, or keep running the saved SQL.',
  uncompilable: 'The active training version cannot compile it any more: re-generate it.',
  'sql-only': 'Saved SQL (from the language model): it runs again as it is, guarded under the active version.',
  'not-trained': 'No training version is active.',
};

/** Saved questions: save an answer, list them with their status, run one again on current data, delete. */
export const savedRoutes: FastifyPluginAsync = async (app) => {
  const { store, audit } = app.deps;

  async function view(s: SavedQuestion): Promise<SavedQuestionView> {
    const a = await app.deps.answering.get();
    const status = a ? savedStatus(s, a.copilot, app.deps.datasource.dialect) : 'not-trained';
    const { query: _q, auditId: _a, updatedAt: _u, ...rest } = s;
    return { ...rest, status, statusText: STATUS_TEXT[status] };
  }

  async function owned(req: FastifyRequest, id: string, action: string): Promise<SavedQuestion> {
    const s = await getSaved(store, id);
    const user = req.user!;
    if (s.owner !== user.username && user.role !== 'admin') throw forbidden(action);
    return s;
  }

  app.get('/api/saved', { preHandler: requirePermission('view'), schema: { tags: ['reports'], summary: 'Saved questions (yours; an admin sees all), with whether each still compiles the same', response: { 200: { type: 'array', items: savedSchema }, ...errors } } }, async (req) => {
    const user = req.user!;
    const rows = await listSaved(store, user.role === 'admin' ? undefined : user.username);
    return Promise.all(rows.map(view));
  });

  app.post(
    '/api/saved',
    {
      preHandler: requirePermission('save_reports'),
      schema: {
        tags: ['reports'],
        summary: 'Save an answer (by its audit id) with its question, SQL, typed query, training version, chart and parameters',
        body: {
          type: 'object',
          required: ['auditId'],
          properties: {
            auditId: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' },
            title: { type: 'string', minLength: 1, maxLength: 200 },
            chart: { type: 'object', additionalProperties: true, maxProperties: 20 },
            parameters: { type: 'object', additionalProperties: true, maxProperties: 20 },
          },
          additionalProperties: false,
        },
        response: { 201: savedSchema, ...errors },
      },
    },
    async (req, reply) => {
      const body = req.body as { auditId: string; title?: string; chart?: Record<string, unknown>; parameters?: Record<string, unknown> };
      const user = req.user!;
      const s = await saveAnswer(store, audit, { ...body, owner: user.username, mayReadOthers: user.role === 'admin' });
      return reply.status(201).send(await view(s));
    },
  );

  app.get('/api/saved/:id', { preHandler: requirePermission('view'), schema: { tags: ['reports'], summary: 'One saved question', params: idParams, response: { 200: savedSchema, ...errors } } }, async (req) => {
    return view(await owned(req, (req.params as { id: string }).id, 'seeing saved questions of other users'));
  });

  app.post(
    '/api/saved/:id/run',
    {
      preHandler: requirePermission('ask'),
      config: { rateLimit: { max: app.deps.settings.askPerMinute ?? 60, timeWindow: 60_000 } },
      schema: {
        tags: ['reports'],
        summary: 'Run a saved question again on current data (through the query pipeline; asOf re-asks its text at that date)',
        params: idParams,
        body: { type: ['object', 'null'], properties: { asOf: date }, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            required: ['answer', 'rerun'],
            properties: {
              answer: askAnswerSchema,
              rerun: { type: 'object', required: ['from', 'versionChanged'], properties: { from: { type: 'string' }, savedVersion: { type: 'string' }, versionChanged: { type: 'boolean' }, sqlChanged: { type: 'boolean' } }, additionalProperties: false },
            },
            additionalProperties: false,
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const s = await owned(req, (req.params as { id: string }).id, 'running saved questions of other users');
      const { copilot } = await app.deps.answering.require();
      const asOf = (req.body as { asOf?: string } | null)?.asOf;
      const { rerun, ...answer } = await runSaved(copilot, s, { actor: req.user!.username, asOf, maxRows: app.deps.settings.maxRows });
      return { answer, rerun };
    },
  );

  app.delete('/api/saved/:id', { preHandler: requirePermission('save_reports'), schema: { tags: ['reports'], summary: 'Delete a saved question', params: idParams, response: { 204: { type: 'null' }, ...errors } } }, async (req, reply) => {
    const s = await owned(req, (req.params as { id: string }).id, 'deleting saved questions of other users');
    await deleteSaved(store, s.id);
    await audit.append({ kind: 'report_run', actor: req.user!.username, outcome: 'ok', question: s.question, details: { action: 'delete_saved_question', savedId: s.id } });
    return reply.status(204).send();
  });
};
