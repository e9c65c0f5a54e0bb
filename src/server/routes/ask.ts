import type { FastifyPluginAsync } from 'fastify';
import { describeColumns } from '../../nl2sql/index.js';
import { askAnswerSchema, errors } from '../schemas.js';
import { requirePermission } from '../session.js';

/** A question in plain English -> the answer (SQL, rows, explanation) or an abstention with suggestions. */
export const askRoutes: FastifyPluginAsync = async (app) => {
  const { settings } = app.deps;
  app.post(
    '/api/ask',
    {
      preHandler: requirePermission('ask'),
      config: {
        rateLimit: {
          max: settings.askPerMinute ?? 60,
          timeWindow: 60_000,
          keyGenerator: (req) => (req.user ? `user:${req.user.id}` : `ip:${req.ip}`),
        },
      },
      schema: {
        tags: ['ask'],
        summary: 'Ask a question in plain English',
        body: {
          type: 'object',
          required: ['question'],
          properties: { question: { type: 'string', minLength: 1, maxLength: 1000 } },
          additionalProperties: false,
        },
        response: { 200: askAnswerSchema, ...errors },
      },
    },
    async (req) => {
      const { question } = req.body as { question: string };
      // The mandatory gate: only an active training version answers (OTC_ERR_NOT_TRAINED otherwise).
      const { copilot, model } = await app.deps.answering.require();
      const a = await copilot.ask({ question: question.trim(), today: app.deps.today(), actor: req.user!.username });
      return a.columns ? { ...a, columnFormats: describeColumns(a.columns, a.understood, model) } : a;
    },
  );
};
