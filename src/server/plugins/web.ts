import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Serves the built single-page app and falls back to its index.html for client-side routes
 * (GET, not /api, accepting HTML). Unknown /api paths get the JSON 404.
 */
export const webPlugin = fp<{ root?: string }>(
  async (app, opts) => {
    const root = opts.root && existsSync(join(opts.root, 'index.html')) ? opts.root : undefined;
    if (root) {
      await app.register(fastifyStatic, { root, prefix: '/', wildcard: true, index: ['index.html'], cacheControl: false, setHeaders: (res, path) => {
        res.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
      } });
    }
    app.setNotFoundHandler(
      {},
      async (req, reply) => {
        const path = req.url.split('?')[0] ?? '/';
        const wantsPage = req.method === 'GET' && !path.startsWith('/api/') && path !== '/api' && (req.headers.accept ?? '').includes('text/html');
        if (wantsPage && root) return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').sendFile('index.html', root);
        if (wantsPage) return reply.status(503).type('text/plain; charset=utf-8').send('The web app is not built. Run `npm run build` and restart the server.');
        return reply.status(404).send({ code: 'OTC_ERR_NOT_FOUND', message: `No such endpoint: ${req.method} ${path}` });
      },
    );
  },
  { name: 'otc-web' },
);

export type WebPlugin = FastifyPluginAsync<{ root?: string }>;
