import { PassThrough } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { AUDIT_KINDS, AuditErrorCode, type AuditLog } from '../../audit/index.js';
import { activeHecSink } from '../../logging/hec.js';
import { OtcError } from '../../shared/errors.js';
import { auditRecordSchema, errors } from '../schemas.js';
import { requirePermission } from '../session.js';

const KINDS = [...AUDIT_KINDS];
const OUTCOMES = ['ok', 'refused', 'abstained', 'error', 'started', 'completed'];

/** The last chain verification, per server: shown on the Audit page. */
const lastVerification = new WeakMap<object, { at: string; result: Awaited<ReturnType<AuditLog['verify']>> }>();

const checkpointSchema = {
  type: 'object',
  properties: { seq: { type: 'integer' }, hash: { type: 'string' }, ts: { type: 'string' }, keyId: { type: 'string' }, source: { type: 'string' } },
  additionalProperties: false,
};
const verifyProperties = {
  ok: { type: 'boolean' },
  count: { type: 'integer' },
  headSeq: { type: 'integer' },
  headHash: { type: 'string' },
  brokenAt: { type: 'object', additionalProperties: true },
  lastCheckpoint: checkpointSchema,
  unsignedAfter: { type: 'integer' },
  prunedThrough: { type: 'integer' },
};
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
            outcome: { type: 'string', enum: OUTCOMES },
            datasource: { type: 'string', maxLength: 200, description: 'the engine / datasource that answered (exact)' },
            correlationId: { type: 'string', maxLength: 200 },
            text: { type: 'string', maxLength: 200, description: 'substring of the question, the SQL or the details; or an exact record or correlation id' },
            before: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'keyset paging: records older than this seq (the nextBefore of the previous page)' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            offset: { type: 'integer', minimum: 0, maximum: 1_000_000_000, default: 0 },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            required: ['records'],
            properties: { records: { type: 'array', items: auditRecordSchema }, nextBefore: { type: 'integer', description: 'pass as `before` for the next page (absent on the last page)' } },
            additionalProperties: false,
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const { datasource, before, ...rest } = req.query as Parameters<typeof app.audit.search>[0] & { datasource?: string; before?: number };
      const q = { ...rest, ...(datasource ? { engine: datasource } : {}), ...(before ? { beforeSeq: before } : {}) };
      const records = await app.audit.search(q);
      const limit = q.limit ?? 100;
      return { records, ...(records.length === limit ? { nextBefore: records[records.length - 1]!.seq } : {}) };
    },
  );

  app.get(
    '/api/audit/records/:seq',
    {
      preHandler: requirePermission('read_audit'),
      schema: {
        tags: ['audit'],
        summary: 'One audit record with its linked records (same correlation id: question, understanding, SQL, run, export or delivery)',
        params: { type: 'object', required: ['seq'], properties: { seq: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } }, additionalProperties: false },
        response: {
          200: {
            type: 'object',
            required: ['record', 'linked'],
            properties: { record: auditRecordSchema, linked: { type: 'array', items: auditRecordSchema } },
            additionalProperties: false,
          },
          ...errors,
        },
      },
    },
    async (req) => {
      const { seq } = req.params as { seq: number };
      const record = await app.audit.at(seq);
      if (!record) throw new OtcError(AuditErrorCode.NotFound, `there is no audit record #${seq} (or it was pruned)`, { status: 404 });
      const linked = record.correlationId ? await app.audit.search({ correlationId: record.correlationId, order: 'asc', limit: 1000 }) : [record];
      return { record, linked };
    },
  );

  app.get(
    '/api/audit/status',
    {
      preHandler: requirePermission('read_audit'),
      schema: {
        tags: ['audit'],
        summary: 'The last verification of the chain made by this server (null before the first)',
        response: {
          200: {
            type: 'object',
            required: ['lastVerification'],
            properties: {
              logSink: {
                type: 'object',
                description: 'the Splunk HEC sink, when configured: events sent, held, dropped (buffer full while the collector was down)',
                properties: { buffered: { type: 'integer' }, sent: { type: 'integer' }, dropped: { type: 'integer' }, failedRequests: { type: 'integer' }, lastError: { type: ['string', 'null'] } },
                additionalProperties: false,
              },
              lastVerification: {
                anyOf: [{ type: 'null' }, { type: 'object', required: ['at', 'result'], properties: { at: { type: 'string' }, result: { type: 'object', properties: verifyProperties, additionalProperties: false } }, additionalProperties: false }],
              },
            },
            additionalProperties: false,
          },
          ...errors,
        },
      },
    },
    async () => {
      const sink = activeHecSink();
      return { lastVerification: lastVerification.get(app.audit) ?? null, ...(sink ? { logSink: sink.stats() } : {}) };
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
            properties: verifyProperties,
            additionalProperties: false,
          },
          ...errors,
        },
      },
    },
    async () => {
      const result = await app.audit.verify();
      lastVerification.set(app.audit, { at: new Date().toISOString(), result });
      return result;
    },
  );

  app.get(
    '/api/audit/export',
    {
      preHandler: requirePermission('export_audit'),
      schema: {
        tags: ['audit'],
        summary: 'Export the audit records of a date range (with their hashes) as CSV or JSON lines, with the same filters as the search',
        querystring: {
          type: 'object',
          properties: {
            format: { type: 'string', enum: ['csv', 'jsonl'], default: 'csv' },
            from: day,
            to: day,
            kind: { type: 'string', enum: KINDS },
            actor: { type: 'string', maxLength: 100 },
            outcome: { type: 'string', enum: OUTCOMES },
            datasource: { type: 'string', maxLength: 200, description: 'the engine / datasource that answered (exact)' },
            text: { type: 'string', maxLength: 200, description: 'substring of the question, the SQL or the details; or an exact record or correlation id' },
          },
          additionalProperties: false,
        },
        response: { 200: { type: 'string', description: 'text/csv or application/x-ndjson' }, ...errors },
      },
    },
    async (req, reply) => {
      const q = req.query as { format: 'csv' | 'jsonl'; from?: string; to?: string; kind?: string; actor?: string; outcome?: string; datasource?: string; text?: string };
      const out = new PassThrough();
      const range = {
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.outcome ? { outcome: q.outcome } : {}),
        ...(q.datasource ? { engine: q.datasource } : {}),
        ...(q.text ? { text: q.text } : {}),
      };
      const actor = req.user?.username ?? 'unknown';
      // An export is an audit record itself (appended once the file is written).
      app.audit.exportWithSummary(range, q.format, out).then(
        (s) => {
          out.end();
          return app.audit.append({ kind: 'audit_export', actor, outcome: 'completed', details: { file: null, via: 'api', format: q.format, range, count: s.count, first_seq: s.firstSeq, last_seq: s.lastSeq, last_hash: s.lastHash } });
        },
        (e: unknown) => out.destroy(e as Error),
      ).catch((e: unknown) => req.log.error({ err: e }, 'the audit export could not be recorded'));
      const name = `audit-${q.from ?? 'start'}-${q.to ?? 'now'}.${q.format}`;
      void reply.type(q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson').header('content-disposition', `attachment; filename="${name}"`);
      return reply.send(out);
    },
  );
};
