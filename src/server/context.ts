import fp from 'fastify-plugin';
import type { AuditLog } from '../audit/index.js';
import type { AuthService, AuthUser } from '../auth/index.js';
import type { DashboardService } from '../dashboards/index.js';
import type { ServerDeps } from './deps.js';

declare module 'fastify' {
  interface FastifyInstance {
    deps: ServerDeps;
    auth: AuthService;
    audit: AuditLog;
    dashboards: DashboardService;
  }
  interface FastifyRequest {
    /** The signed-in user, resolved from the session cookie; null when signed out. */
    user: AuthUser | null;
    /** The raw session token of the request, if any. */
    sessionToken: string | null;
  }
}

/** Decorates the instance with the opened modules (store, audit, copilot, config) for every route. */
export const contextPlugin = fp<{ deps: ServerDeps; auth: AuthService }>(
  async (app, opts) => {
    app.decorate('deps', opts.deps);
    app.decorate('auth', opts.auth);
    app.decorate('audit', opts.deps.audit);
    app.decorateRequest('user', null);
    app.decorateRequest('sessionToken', null);
  },
  { name: 'otc-context', fastify: '5.x' },
);
