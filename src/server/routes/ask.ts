import type { FastifyPluginAsync } from 'fastify';
import { describeColumns, type ChoicePick } from '../../nl2sql/index.js';
import { askInThread } from '../../threads/index.js';
import { askAnswerSchema, choicePickSchema, errors } from '../schemas.js';
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
          properties: {
            question: { type: 'string', minLength: 1, maxLength: 1000 },
            /** the thread the question continues (a follow-up of its last answer); a new thread when absent */
            threadId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
            /** a "which one?" option picked for this question */
            choice: choicePickSchema,
          },
          additionalProperties: false,
        },
        response: { 200: askAnswerSchema, ...errors },
      },
    },
    async (req) => {
      const { question, threadId, choice } = req.body as { question: string; threadId?: string; choice?: ChoicePick };
      // The mandatory gate: only an active training version answers (OTC_ERR_NOT_TRAINED otherwise).
      const { copilot, model } = await app.deps.answering.require();
      // each question is kept in the asker's thread (history), with the thread's last answer as its context
      const a = await askInThread(app.deps.store, copilot, { owner: req.user!.username, threadId, question: question.trim(), today: app.deps.today(), choice });
      return a.columns ? { ...a, columnFormats: describeColumns(a.columns, a.understood, model) } : a;
    },
  );
};
