import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { sql } from 'kysely';
import { isOtcError } from '../../shared/errors.js';
import { errors } from '../schemas.js';

/** How long one readiness check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 5000;

async function check(what: () => Promise<unknown>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([what(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS)))]);
    return 'ok';
  } catch (e) {
    // Only a code: the probe is unauthenticated, and messages can name hosts and users.
    return isOtcError(e) ? `error: ${e.code}` : (e as Error).message === 'timeout' ? 'error: timeout' : 'error';
  } finally {
    clearTimeout(timer);
  }
}

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

/**
 * Liveness (/healthz: the process answers), readiness (/readyz: the app store, the audit store
 * and the datasource answer; 503 otherwise and while shutting down), no auth, for load balancers
 * and orchestrators; and the product version.
 */
export const healthRoutes: FastifyPluginAsync = async (app) => {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  const ready = {
    schema: {
      tags: ['system'],
      summary: 'Readiness probe: the app store, the audit store and the datasource answer (503 when one does not, or while shutting down)',
      response: {
        '2xx': {
          type: 'object',
          required: ['status', 'checks'],
          properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'string' } } },
          additionalProperties: false,
        },
        503: {
          type: 'object',
          required: ['status', 'checks'],
          properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: { type: 'string' } } },
          additionalProperties: false,
        },
      },
    },
  };
  const readiness = async (_req: unknown, reply: FastifyReply) => {
    if (closing) return reply.status(503).send({ status: 'shutting_down', checks: {} });
    const { store, audit, datasource } = app.deps;
    const [s, a, d] = await Promise.all([
      check(() => sql`select 1`.execute(store.db)),
      check(() => audit.search({ limit: 1 })),
      check(() => datasource.query('SELECT 1', { maxRows: 1, timeoutMs: CHECK_TIMEOUT_MS })),
    ]);
    const checks = { store: s, audit: a, datasource: d };
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
  };
  app.get('/readyz', ready, readiness);
  app.get('/api/readyz', ready, readiness);
  const health = {
    schema: {
      tags: ['system'],
      summary: 'Liveness probe',
      response: { 200: { type: 'object', required: ['status'], properties: { status: { type: 'string' } }, additionalProperties: false }, ...errors },
    },
  };
  app.get('/healthz', health, async () => ({ status: 'ok' }));
  app.get('/api/healthz', health, async () => ({ status: 'ok' }));
  app.get(
    '/api/version',
    {
      schema: {
        tags: ['system'],
        summary: 'Product name and version',
        response: {
          200: { type: 'object', required: ['name', 'version', 'node'], properties: { name: { type: 'string' }, version: { type: 'string' }, node: { type: 'string' } }, additionalProperties: false },
          ...errors,
        },
      },
    },
    async () => ({ name: pkg.name, version: pkg.version, node: process.versions.node }),
  );
};
