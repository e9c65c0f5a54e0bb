import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { isOtcError } from '../../shared/errors.js';
import { errors } from '../schemas.js';
import { requireUser } from '../session.js';

/** GET /api/meta's answer (its route and the dashboard page drawn on the server, which inlines it). */
export const metaSchema = {
  type: 'object',
  required: ['datasource', 'dialect', 'profile', 'trainingVersion', 'trained', 'validated', 'dataAsOf', 'examples'],
  properties: {
    datasource: { type: 'string' },
    dialect: { type: 'string' },
    profile: { type: ['string', 'null'] },
    profileDescription: { type: 'string' },
    trainingVersion: { type: ['string', 'null'], description: 'label of what answers, e.g. "otc-ops v2"' },
    trainingVersionId: { type: ['string', 'null'] },
    trained: { type: 'boolean', description: 'false: asking is refused with OTC_ERR_NOT_TRAINED' },
    validated: { type: 'boolean', description: 'true when a stored, validated version answers' },
    notTrained: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      additionalProperties: false,
    },
    trainedAt: { type: 'string' },
    dataAsOf: { type: 'string' },
    maxRows: { type: 'integer' },
    examples: { type: 'array', items: { type: 'string' } },
  },
  additionalProperties: false,
} as const;

/** What the top bar shows, as GET /api/meta answers it. */
export async function readMeta(deps: FastifyInstance['deps']) {
  const { datasource, today, settings, answering } = deps;
  const base = { datasource: datasource.description, dialect: datasource.dialect.displayName, dataAsOf: today(), maxRows: settings.maxRows };
  try {
    const a = await answering.require();
    return {
      ...base,
      profile: a.model.profile.name,
      profileDescription: a.model.profile.description,
      trainingVersion: a.label,
      trainingVersionId: a.version?.id ?? null,
      trained: true,
      validated: a.version !== null,
      trainedAt: a.model.trainedAt,
      examples: a.model.profile.examples.map((e) => e.question),
    };
  } catch (e) {
    if (!isOtcError(e) || e.code !== 'OTC_ERR_NOT_TRAINED') throw e;
    return { ...base, profile: null, trainingVersion: null, trainingVersionId: null, trained: false, validated: false, notTrained: { code: e.code, message: e.message }, examples: [] };
  }
}

/**
 * What the header of the web app shows: the datasource, the active training version, data as of,
 * example questions; when nothing is trained, why and what to do (every signed-in user may read it).
 */
export const metaRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/api/meta',
    {
      preHandler: requireUser,
      schema: {
        tags: ['ask'],
        summary: 'The datasource, its dialect, the active training version, the as-of date and example questions',
        response: {
          200: metaSchema,
          ...errors,
        },
      },
    },
    async () => readMeta(app.deps),
  );
};
