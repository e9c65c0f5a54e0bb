import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { OtcError } from '../../shared/errors.js';
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
        summary: 'Rate an answer (and optionally give the right SQL)',
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
          201: { type: 'object', required: ['id', 'status'], properties: { id: { type: 'string' }, status: { type: 'string' } }, additionalProperties: false },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { auditId, verdict, correctedSql } = req.body as { auditId: string; verdict: 'up' | 'down'; correctedSql?: string };
      const user = req.user!;
      const records = (await app.audit.search({ text: auditId, limit: 50 })).filter((r) => r.correlationId === auditId);
      const asked = records.find((r) => r.kind === 'question');
      if (!asked?.question) throw new OtcError('OTC_ERR_ANSWER_NOT_FOUND', 'No question with this id to give feedback on.', { status: 404 });
      const sql = records.find((r) => r.kind === 'query_run' && r.sql)?.sql ?? records.find((r) => r.sql)?.sql ?? null;
      const version = typeof asked.details?.trainingVersion === 'string' ? asked.details.trainingVersion : undefined;
      const known = version ? await app.deps.store.db.selectFrom('training_versions').select('id').where('id', '=', version).executeTakeFirst() : undefined;
      const id = randomUUID();
      await app.deps.store.db
        .insertInto('feedback')
        .values({
          id,
          question: asked.question,
          sql,
          corrected_sql: correctedSql?.trim() || null,
          verdict,
          user_id: user.id,
          audit_id: auditId,
          training_version_id: known?.id ?? null,
          created_at: new Date().toISOString(),
        })
        .execute();
      await app.audit.append({
        kind: 'feedback',
        actor: user.username,
        outcome: 'ok',
        question: asked.question,
        correlationId: auditId,
        ...(correctedSql ? { sql: correctedSql } : {}),
        details: { verdict, feedbackId: id, corrected: Boolean(correctedSql) },
      });
      return reply.status(201).send({ id, status: 'candidate' });
    },
  );
};
