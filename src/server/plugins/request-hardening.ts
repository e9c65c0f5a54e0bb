import fp from 'fastify-plugin';
import { unauthenticated } from '../../auth/index.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The only /api routes that take a body from someone not signed in. */
const ANONYMOUS_BODIES = new Set(['/api/auth/login', '/api/auth/logout']);

/**
 * Two rules for every /api route, registered after the session plugin:
 * - a request with a body is refused (401) before its body is read unless it is signed in, so
 *   an anonymous client cannot make the server read megabytes (the training import takes 20 MB);
 *   routes check their permission in onRequest as well where their bodies are large;
 * - answers are never stored by a browser or a proxy (`Cache-Control: no-store`): they hold
 *   the bank's data (answers, CSV/XLSX downloads, audit exports), unless a route set its own.
 */
export const requestHardeningPlugin = fp(
  async (app) => {
    app.addHook('onRequest', async (req) => {
      if (!BODY_METHODS.has(req.method) || req.user) return;
      const path = req.url.split('?')[0] ?? '';
      if (path.startsWith('/api/') && !ANONYMOUS_BODIES.has(path)) throw unauthenticated();
    });
    app.addHook('onSend', async (req, reply, payload) => {
      if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
      return payload;
    });
  },
  { name: 'otc-request-hardening', dependencies: ['otc-session'] },
);
