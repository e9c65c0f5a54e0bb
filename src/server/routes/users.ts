import type { FastifyPluginAsync } from 'fastify';
import { MIN_PASSWORD_LENGTH, ROLES } from '../../auth/index.js';
import { errors, userSchema } from '../schemas.js';
import { requirePermission } from '../session.js';

/** User administration (admins). */
export const userRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/api/users',
    {
      preHandler: requirePermission('manage_users'),
      schema: { tags: ['users'], summary: 'List users', response: { 200: { type: 'object', required: ['users'], properties: { users: { type: 'array', items: userSchema } }, additionalProperties: false }, ...errors } },
    },
    async () => ({ users: await app.auth.listUsers() }),
  );
  app.post(
    '/api/users',
    {
      preHandler: requirePermission('manage_users'),
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
};
