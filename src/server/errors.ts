import type { FastifyError, FastifyInstance } from 'fastify';
import { isOtcError } from '../shared/errors.js';

export interface ErrorBody {
  code: string;
  message: string;
  hint?: string;
}

/** The one JSON error shape of every /api route, as a JSON schema. */
export const errorSchema = {
  $id: 'ErrorResponse',
  type: 'object',
  required: ['code', 'message'],
  properties: { code: { type: 'string' }, message: { type: 'string' }, hint: { type: 'string' } },
  additionalProperties: false,
} as const;

/** What a client sees for any thrown error: a stable code and a message; 5xx never show internals. */
export function toErrorBody(err: unknown): { status: number; body: ErrorBody } {
  if (isOtcError(err)) {
    const status = err.status >= 400 && err.status < 600 ? err.status : 400;
    if (status >= 500 && err.status !== 503) return { status, body: { code: err.code, message: err.message } };
    return { status, body: { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) } };
  }
  const e = err as FastifyError & { validation?: unknown };
  if (e && e.validation) return { status: 400, body: { code: 'OTC_ERR_BAD_REQUEST', message: e.message } };
  if (e?.code?.startsWith('FST_CSRF')) {
    return { status: 403, body: { code: 'OTC_ERR_CSRF', message: 'The request has no valid security token. Reload the page and try again.' } };
  }
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status === 429) return { status, body: { code: 'OTC_ERR_RATE_LIMITED', message: e.message || 'Too many requests. Wait a moment and try again.' } };
  if (status >= 400 && status < 500) return { status, body: { code: 'OTC_ERR_BAD_REQUEST', message: e.message } };
  return { status: 500, body: { code: 'OTC_ERR_INTERNAL', message: 'Something went wrong on the server. The error has been logged.' } };
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const { status, body } = toErrorBody(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: body.code, status }, 'request refused');
    void reply.status(status).type('application/json').send(body);
  });
}
