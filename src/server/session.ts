import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { can, forbidden, passwordChangeRequired, sessionIdOf, unauthenticated, type Permission } from '../auth/index.js';


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

/**
 * What a CSRF token is bound to: the session (the SHA-256 of its cookie, as the store keys it),
 * or 'anonymous' before sign-in. A token made for one session is refused with another, so a
 * CSRF cookie planted by someone else (a sibling subdomain) is worth nothing.
 */
export function csrfUserInfo(req: FastifyRequest): string {
  const token = req.cookies?.[SESSION_COOKIE];
  return token ? `session:${sessionIdOf(token)}` : 'anonymous';
}
/** With a token made for a new session (sign-in). */
export function csrfUserInfoOfToken(sessionToken: string): string {
  return `session:${sessionIdOf(sessionToken)}`;
}
/**
 * The HMAC key @fastify/csrf-protection needs to bind tokens to `csrfUserInfo`. It need not be
 * secret: what an attacker lacks is the session id it is computed over (an httpOnly cookie) and
 * the CSRF secret cookie. Being a constant, every replica verifies every other's tokens.
 */
export const CSRF_HMAC_KEY = 'otc-copilot/csrf-session-binding/v1';

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

/**
 * preHandler: 401 without a session, 403 when the user's role lacks the permission, 403
 * OTC_ERR_PASSWORD_CHANGE_REQUIRED while an administrator's password has not been replaced.
 */
export function requirePermission(permission: Permission): preHandlerAsyncHookHandler {
  return async (req) => {
    if (!req.user) throw unauthenticated();
    if (req.user.mustChangePassword) throw passwordChangeRequired();
    if (!can(req.user.role, permission)) throw forbidden(WHAT[permission]);
  };
}
