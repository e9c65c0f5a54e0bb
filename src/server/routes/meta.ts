import type { FastifyPluginAsync } from 'fastify';
import { errors } from '../schemas.js';
import { requireUser } from '../session.js';

/** What the header of the web app shows: the datasource, the active training version, data as of, example questions. */
export const metaRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/api/meta',
    {
      preHandler: requireUser,
      schema: {
        tags: ['ask'],
        summary: 'The datasource, its dialect, the active training version, the as-of date and example questions',
        response: {
          200: {
            type: 'object',
            required: ['datasource', 'dialect', 'profile', 'trainingVersion', 'dataAsOf', 'examples'],
            properties: {
              datasource: { type: 'string' },
              dialect: { type: 'string' },
              profile: { type: 'string' },
              profileDescription: { type: 'string' },
              trainingVersion: { type: ['string', 'null'] },
              trainedAt: { type: 'string' },
              dataAsOf: { type: 'string' },
              maxRows: { type: 'integer' },
              examples: { type: 'array', items: { type: 'string' } },
            },
            additionalProperties: false,
          },
          ...errors,
        },
      },
    },
    async () => {
      const { datasource, model, trainingVersion, today, settings } = app.deps;
      return {
        datasource: datasource.description,
        dialect: datasource.dialect.displayName,
        profile: model.profile.name,
        profileDescription: model.profile.description,
        trainingVersion: trainingVersion ?? null,
        trainedAt: model.trainedAt,
        dataAsOf: today(),
        maxRows: settings.maxRows,
        examples: model.profile.examples.map((e) => e.question),
      };
    },
  );
};
