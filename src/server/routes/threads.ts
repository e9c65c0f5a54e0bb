import type { FastifyPluginAsync } from 'fastify';
import { describeColumns } from '../../nl2sql/index.js';
import { getThread, listThreads, rerunThread } from '../../threads/index.js';
import { askAnswerSchema, choicePickSchema, errors } from '../schemas.js';
import { understoodQuerySchema } from '../../nl2sql/index.js';
import { requirePermission } from '../session.js';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } }, additionalProperties: false } as const;

const summarySchema = {
  type: 'object',
  required: ['id', 'owner', 'title', 'turns', 'createdAt', 'updatedAt'],
  properties: { id: { type: 'string' }, owner: { type: 'string' }, title: { type: 'string' }, turns: { type: 'integer' }, createdAt: { type: 'string' }, updatedAt: { type: 'string' } },
  additionalProperties: false,
} as const;

const turnSchema = {
  type: 'object',
  required: ['seq', 'question', 'asOf', 'status'],
  properties: {
    seq: { type: 'integer' },
    question: { type: 'string' },
    asOf: { type: 'string' },
    status: { type: 'string' },
    engine: { type: ['string', 'null'] },
    explanation: { type: ['string', 'null'] },
    sql: { type: ['string', 'null'] },
    query: { anyOf: [understoodQuerySchema, { type: 'null' }] },
    choice: { anyOf: [choicePickSchema, { type: 'null' }] },
    rowCount: { type: ['integer', 'null'] },
    auditId: { type: ['string', 'null'] },
    followsAuditId: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
  additionalProperties: false,
} as const;

/**
 * Threads (the Ask page's history): the signed-in user's own conversations, listed and searched,
 * opened with their questions in order, and re-run on today's data. Whoever may ask has threads.
 */
export const threadRoutes: FastifyPluginAsync = async (app) => {
  const { store } = app.deps;
  app.get(
    '/api/threads',
    {
      preHandler: requirePermission('ask'),
      schema: {
        tags: ['ask'],
        summary: 'Your threads, latest first; q searches titles and questions',
        querystring: {
          type: 'object',
          properties: { q: { type: 'string', maxLength: 200 }, limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, offset: { type: 'integer', minimum: 0, maximum: 100000, default: 0 } },
          additionalProperties: false,
        },
        response: { 200: { type: 'array', items: summarySchema }, ...errors },
      },
    },
    async (req) => {
      const q = req.query as { q?: string; limit?: number; offset?: number };
      return listThreads(store, { owner: req.user!.username, search: q.q, limit: q.limit, offset: q.offset });
    },
  );
  app.get(
    '/api/threads/:id',
    {
      preHandler: requirePermission('ask'),
      schema: { tags: ['ask'], summary: 'One of your threads, with its questions in order', params: idParams, response: { 200: { type: 'object', required: [...summarySchema.required, 'items'], properties: { ...summarySchema.properties, items: { type: 'array', items: turnSchema } }, additionalProperties: false }, ...errors } },
    },
    async (req) => getThread(store, (req.params as { id: string }).id, req.user!.username),
  );
  app.post(
    '/api/threads/:id/rerun',
    {
      preHandler: requirePermission('ask'),
      schema: { tags: ['ask'], summary: "Every question of one of your threads asked again on today's data, in order", params: idParams, response: { 200: { type: 'array', items: askAnswerSchema }, ...errors } },
    },
    async (req) => {
      const { copilot, model } = await app.deps.answering.require();
      const answers = await rerunThread(store, copilot, { owner: req.user!.username, threadId: (req.params as { id: string }).id, today: app.deps.today() });
      // formatted like any answer (labels with units, decimals, codes in words)
      return answers.map((a) => (a.columns ? { ...a, columnFormats: describeColumns(a.columns, a.understood, model) } : a));
    },
  );
};
