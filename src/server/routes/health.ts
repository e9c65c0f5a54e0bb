import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { errors } from '../schemas.js';

const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

/** Liveness (no auth, for load balancers) and the product version. */
export const healthRoutes: FastifyPluginAsync = async (app) => {
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
