import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { AUDIT_KINDS } from '../../audit/index.js';
import { auditRecordSchema, errors } from '../schemas.js';
import { requirePermission } from '../session.js';

const KINDS = [...AUDIT_KINDS];
const day = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T[0-9:.]+Z?)?$' };

/** The audit trail for auditors and admins: search, and verification of the hash chain. */
export const auditRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/api/audit',
    {
      preHandler: requirePermission('read_audit'),
      schema: {
        tags: ['audit'],
        summary: 'Search the audit trail (newest first)',
        querystring: {
          type: 'object',
          properties: {
            from: day,
            to: day,
            kind: { type: 'string', enum: KINDS },
            actor: { type: 'string', maxLength: 100 },
            text: { type: 'string', maxLength: 200 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            offset: { type: 'integer', minimum: 0, default: 0 },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'object', required: ['records'], properties: { records: { type: 'array', items: auditRecordSchema } }, additionalProperties: false }, ...errors },
      },
    },
    async (req) => {
      const q = req.query as Parameters<typeof app.audit.search>[0];
      return { records: await app.audit.search(q) };
    },
  );

  app.get(
    '/api/audit/verify',
    {
      preHandler: requirePermission('read_audit'),
      schema: {
        tags: ['audit'],
        summary: 'Verify the hash chain of the audit trail',
        response: {
          200: {
            type: 'object',
            required: ['ok', 'count'],
            properties: {
              ok: { type: 'boolean' },
              count: { type: 'integer' },
              headSeq: { type: 'integer' },
              headHash: { type: 'string' },
              brokenAt: { type: 'object', additionalProperties: true },
            },
            additionalProperties: false,
          },
          ...errors,
        },
      },
    },
    async () => app.audit.verify(),
  );

  app.get(
    '/api/audit/export',
    {
      preHandler: requirePermission('export_audit'),
      schema: {
        tags: ['audit'],
        summary: 'Export the audit records of a date range (with their hashes) as CSV or JSON lines',
        querystring: {
          type: 'object',
          properties: { format: { type: 'string', enum: ['csv', 'jsonl'], default: 'csv' }, from: day, to: day },
          additionalProperties: false,
        },
        response: { 200: { type: 'string', description: 'text/csv or application/x-ndjson' }, ...errors },
      },
    },
    async (req, reply) => {
      const q = req.query as { format: 'csv' | 'jsonl'; from?: string; to?: string };
      const out = new PassThrough();
      app.audit.exportRange({ from: q.from, to: q.to }, q.format, out).then(
        () => out.end(),
        (e: unknown) => out.destroy(e as Error),
      );
      const name = `audit-${q.from ?? 'start'}-${q.to ?? 'now'}.${q.format}`;
      void reply.type(q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson').header('content-disposition', `attachment; filename="${name}"`);
      return reply.send(out);
    },
  );
};
