import type { FastifyPluginAsync } from 'fastify';
import { MIN_PASSWORD_LENGTH, ROLES, type Role } from '../../auth/index.js';
import { errors, userSchema } from '../schemas.js';
import { requirePermission } from '../session.js';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } }, additionalProperties: false } as const;

/** User administration (admins): list, create, edit (role, name, disabled), reset a password, delete one the audit never names. */
export const userRoutes: FastifyPluginAsync = async (app) => {
  const admin = { preHandler: requirePermission('manage_users') };
  app.get(
    '/api/users',
    {
      ...admin,
      schema: { tags: ['users'], summary: 'List users', response: { 200: { type: 'object', required: ['users'], properties: { users: { type: 'array', items: userSchema } }, additionalProperties: false }, ...errors } },
    },
    async () => ({ users: await app.auth.listUsers() }),
  );
  app.post(
    '/api/users',
    {
      ...admin,
      schema: {
        tags: ['users'],
        summary: 'Create a local user',
        body: {
          type: 'object',
          required: ['username', 'password', 'role'],
          properties: {
            username: { type: 'string', minLength: 2, maxLength: 64 },
            password: { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: 256 },
            role: { type: 'string', enum: [...ROLES] },
            displayName: { type: 'string', maxLength: 120 },
          },
          additionalProperties: false,
        },
        response: { 201: userSchema, ...errors },
      },
    },
    async (req, reply) => {
      const body = req.body as { username: string; password: string; role: (typeof ROLES)[number]; displayName?: string };
      const user = await app.auth.createUser(body, req.user!.username);
      return reply.status(201).send(user);
    },
  );
  app.patch(
    '/api/users/:id',
    {
      ...admin,
      schema: {
        tags: ['users'],
        summary: "Change a user's role, display name or whether the account is disabled (the last enabled admin stays)",
        params: idParams,
        body: {
          type: 'object',
          minProperties: 1,
          properties: { role: { type: 'string', enum: [...ROLES] }, displayName: { type: ['string', 'null'], maxLength: 120 }, disabled: { type: 'boolean' } },
          additionalProperties: false,
        },
        response: { 200: userSchema, ...errors },
      },
    },
    async (req) => app.auth.updateUser((req.params as { id: string }).id, req.body as { role?: Role; displayName?: string | null; disabled?: boolean }, req.user!.username),
  );
  app.post(
    '/api/users/:id/password',
    {
      ...admin,
      schema: {
        tags: ['users'],
        summary: "Set a user's password (generated when none is given, shown once); by default they must choose their own at the next sign-in",
        params: idParams,
        body: {
          type: 'object',
          properties: { password: { type: 'string', minLength: MIN_PASSWORD_LENGTH, maxLength: 256 }, mustChange: { type: 'boolean', default: true } },
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', required: ['user', 'generated'], properties: { user: userSchema, generated: { type: 'boolean' }, password: { type: 'string', description: 'The generated password, shown once' } }, additionalProperties: false },
          ...errors,
        },
      },
    },
    async (req) => {
      const body = (req.body ?? {}) as { password?: string; mustChange?: boolean };
      const r = await app.auth.resetPassword((req.params as { id: string }).id, body, req.user!.username);
      return { user: r.user, generated: r.generated, ...(r.generated ? { password: r.password } : {}) };
    },
  );
  app.delete(
    '/api/users/:id',
    {
      ...admin,
      schema: {
        tags: ['users'],
        summary: 'Delete a user the audit trail never names as the actor (409 OTC_ERR_USER_IN_AUDIT otherwise: disable them instead)',
        params: idParams,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (req, reply) => {
      await app.auth.deleteUser((req.params as { id: string }).id, req.user!.username, async (username) => (await app.audit.search({ actor: username, limit: 1 })).length);
      return reply.status(204).send();
    },
  );
};
