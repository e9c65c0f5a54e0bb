import fp from 'fastify-plugin';
import { OtcError } from '../../shared/errors.js';
import { findIllFormedText } from '../../shared/well-formed.js';

/**
 * Text entering over HTTP must be well-formed Unicode: a body, query or path parameter holding a
 * lone UTF-16 surrogate (a JSON `\ud800` escape) or a NUL is refused with 400 before any route
 * sees it. No such text is ever legitimate, and no UTF-8 database would store it unchanged
 * (the audit log also makes it well-formed on its own; see src/audit/log.ts).
 */
export const wellFormedInputPlugin = fp(
  async (app) => {
    app.addHook('preValidation', async (req) => {
      const where =
        findIllFormedText(req.params, 'path') ?? findIllFormedText(req.query, 'query') ?? findIllFormedText(req.body, 'body');
      if (where) {
        throw new OtcError('OTC_ERR_BAD_TEXT', `The request holds text that is not well-formed Unicode (a lone surrogate or a NUL character) in ${where}.`, {
          status: 400,
        });
      }
    });
  },
  { name: 'otc-well-formed-input' },
);
