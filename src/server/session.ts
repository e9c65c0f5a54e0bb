import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { can, forbidden, unauthenticated, type Permission } from '../auth/index.js';

export const SESSION_COOKIE = 'otc_session';

/** Resolves the session cookie into request.user on every request (after the cookie plugin). */
export const sessionPlugin = fp(
  async (app) => {
    app.addHook('onRequest', async (req) => {
      const token = req.cookies?.[SESSION_COOKIE];
      if (!token) return;
      req.sessionToken = token;
      req.user = (await app.auth.userForSession(token)) ?? null;
    });
  },
  { name: 'otc-session', dependencies: ['otc-context', '@fastify/cookie'] },
);

export function cookieOptions(publicUrl: string | undefined, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: publicUrl?.startsWith('https:') ?? false,
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

/** preHandler: 401 without a session. */
export const requireUser: preHandlerAsyncHookHandler = async (req: FastifyRequest, _reply: FastifyReply) => {
  if (!req.user) throw unauthenticated();
};

const WHAT: Record<Permission, string> = {
  ask: 'asking questions',
  view: 'viewing this',
  save_widgets: 'saving widgets',
  save_reports: 'saving reports',
  manage_training: 'managing training',
  manage_users: 'managing users',
  manage_datasources: 'managing datasources',
  read_audit: 'reading the audit trail',
  export_audit: 'exporting the audit trail',
  manage_schedules: 'managing schedules',
};

/** preHandler: 401 without a session, 403 when the user's role lacks the permission. */
export function requirePermission(permission: Permission): preHandlerAsyncHookHandler {
  return async (req) => {
    if (!req.user) throw unauthenticated();
    if (!can(req.user.role, permission)) throw forbidden(WHAT[permission]);
  };
}
