import type { FastifyPluginAsync } from 'fastify';
import { forbidden } from '../../auth/index.js';
import { OtcError } from '../../shared/errors.js';
import { recordFeedback } from '../../training/index.js';
import { errors } from '../schemas.js';
import { requirePermission } from '../session.js';

/** Thumbs up/down on an answer, with an optional corrected SQL: stored as a training candidate, audited. */
export const feedbackRoutes: FastifyPluginAsync = async (app) => {
  app.post(
    '/api/feedback',
    {
      preHandler: requirePermission('ask'),
      schema: {
        tags: ['ask'],
        summary: 'Rate an answer; a thumbs up, or a thumbs down with the right SQL, becomes a training candidate',
        body: {
          type: 'object',
          required: ['auditId', 'verdict'],
          properties: {
            auditId: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' },
            verdict: { type: 'string', enum: ['up', 'down'] },
            correctedSql: { type: 'string', minLength: 1, maxLength: 20_000 },
          },
          additionalProperties: false,
        },
        response: {
          201: { type: 'object', required: ['id', 'status'], properties: { id: { type: 'string' }, status: { type: 'string', enum: ['candidate', 'audited'] } }, additionalProperties: false },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { auditId, verdict, correctedSql } = req.body as { auditId: string; verdict: 'up' | 'down'; correctedSql?: string };
      const user = req.user!;
      // By the answer's id (exact, indexed), never a text search that other records could match.
      const records = await app.audit.search({ correlationId: auditId, limit: 100 });
      const asked = records.find((r) => r.kind === 'question');
      if (!asked?.question) throw new OtcError('OTC_ERR_ANSWER_NOT_FOUND', 'No question with this id to give feedback on.', { status: 404 });
      if (asked.actor !== user.username && user.role !== 'admin') throw forbidden('rating answers of other users');
      const sql = records.find((r) => r.kind === 'query_run' && r.sql && !r.details?.tieCheck)?.sql ?? records.find((r) => r.sql)?.sql;
      const corrected = correctedSql?.trim() || undefined;
      if ((verdict === 'up' && sql) || corrected) {
        // A training candidate: a right answer's SQL, or the SQL the user says is right.
        const version = typeof asked.details?.trainingVersion === 'string' ? asked.details.trainingVersion : undefined;
        const known = version ? await app.deps.store.db.selectFrom('training_versions').select('id').where('id', '=', version).executeTakeFirst() : undefined;
        const c = await recordFeedback(
          app.deps.store,
          { question: asked.question, verdict, sql, correctedSql: corrected, userId: user.id, actor: user.username, auditId, trainingVersionId: known?.id, ...(typeof asked.details?.today === 'string' ? { asOf: asked.details.today } : {}) },
          app.audit,
        );
        return reply.status(201).send({ id: c.id, status: 'candidate' });
      }
      // Nothing a training example could be made of (a thumbs down without the right SQL, or an answer without SQL): kept in the audit trail.
      const rec = await app.audit.append({ kind: 'feedback', actor: user.username, outcome: 'ok', question: asked.question, correlationId: auditId, details: { verdict, candidate: false } });
      return reply.status(201).send({ id: rec.id, status: 'audited' });
    },
  );
};
