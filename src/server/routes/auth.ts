import type { FastifyPluginAsync } from 'fastify';
import type { Redis } from 'ioredis';
import { MIN_PASSWORD_LENGTH, ROLE_PERMISSIONS, unauthenticated } from '../../auth/index.js';
import { errors, meSchema } from '../schemas.js';
import { createLoginLimiter, createSharedLoginLimiter } from '../login-limiter.js';
import { cookieOptions, csrfUserInfo, csrfUserInfoOfToken, requireUser, SESSION_COOKIE } from '../session.js';

/** Sign in, sign out, who am I, and the CSRF token the SPA sends in the x-csrf-token header. */
export const authRoutes: FastifyPluginAsync<{ sharedLimits?: { redis: Redis; prefix: string } | undefined }> = async (app, opts) => {
  const { settings } = app.deps;
  // Per user name as well as per address (the route's rateLimit): see login-limiter.ts. With
  // Redis (several API processes) the failures are counted across all of them.
  const limits = { maxFailures: settings.loginFailuresPerUser ?? 10, windowMs: 15 * 60_000 };
  const perUser = opts.sharedLimits
    ? createSharedLoginLimiter(opts.sharedLimits.redis, opts.sharedLimits.prefix, { ...limits, onError: (e) => app.log.warn({ err: e.message }, 'sign-in limit per user name: Redis cannot be reached; each process counts on its own until it is back') })
    : createLoginLimiter(limits);

  app.get(
    '/api/auth/csrf',
    {
      schema: {
        tags: ['auth'],
        summary: 'A CSRF token for state-changing requests (send it as the x-csrf-token header)',
        response: { 200: { type: 'object', required: ['csrfToken'], properties: { csrfToken: { type: 'string' } }, additionalProperties: false }, ...errors },
      },
    },
    async (req, reply) => ({ csrfToken: reply.generateCsrf({ userInfo: csrfUserInfo(req) }) }),
  );

  app.post(
    '/api/auth/login',
    {
      config: { rateLimit: { max: settings.loginPerMinute ?? 10, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with a user name and password; sets the session cookie',
        body: {
          type: 'object',
          required: ['username', 'password'],
          properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 256 } },
          additionalProperties: false,
        },
        response: { 200: meSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body as { username: string; password: string };
      await perUser.check(username);
      let s;
      try {
        s = await app.auth.signIn({ kind: 'password', username, password }, { ip: req.ip });
      } catch (e) {
        if ((e as { code?: string }).code === 'OTC_ERR_BAD_CREDENTIALS') await perUser.failed(username);
        throw e;
      }
      await perUser.succeeded(username);
      const ttl = Math.round((Date.parse(s.expiresAt) - Date.now()) / 1000);
      void reply.setCookie(SESSION_COOKIE, s.token, cookieOptions(settings.publicUrl, ttl));
      return { user: s.user, permissions: [...ROLE_PERMISSIONS[s.user.role]], csrfToken: reply.generateCsrf({ userInfo: csrfUserInfoOfToken(s.token) }) };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign out: ends the session',
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (req, reply) => {
      if (req.sessionToken) await app.auth.signOut(req.sessionToken, req.user?.username);
      void reply.clearCookie(SESSION_COOKIE, cookieOptions(settings.publicUrl));
      return reply.status(204).send();
    },
  );

  app.post(
    '/api/auth/password',
    {
      preHandler: requireUser,
      config: { rateLimit: { max: settings.loginPerMinute ?? 10, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Change your own password (required after an administrator set it)',
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 256 }, newPassword: { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: 256 } },
          additionalProperties: false,
        },
        response: { 200: meSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { currentPassword, newPassword } = req.body as { currentPassword: string; newPassword: string };
      const user = await app.auth.changeOwnPassword(req.user!.id, currentPassword, newPassword);
      return { user, permissions: [...ROLE_PERMISSIONS[user.role]], csrfToken: reply.generateCsrf({ userInfo: csrfUserInfo(req) }) };
    },
  );

  app.get(
    '/api/auth/me',
    { preHandler: requireUser, schema: { tags: ['auth'], summary: 'The signed-in user, their permissions and a CSRF token', response: { 200: meSchema, ...errors } } },
    async (req, reply) => {
      if (!req.user) throw unauthenticated();
      return { user: req.user, permissions: [...ROLE_PERMISSIONS[req.user.role]], csrfToken: reply.generateCsrf({ userInfo: csrfUserInfo(req) }) };
    },
  );
};
