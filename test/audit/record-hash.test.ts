/**
 * A record is hashed once per append in the writer thread, with its details spliced in as the
 * canonical text they were just made into (issue 14 item 7: no parse and second walk of them).
 * The property: the row built is exactly the one the slow path made (details made well-formed
 * through a parse), and its hash is the hash verify computes from the stored row.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { buildRow, rowToJson } from '../../src/audit/append.js';
import { canonicalize } from '../../src/audit/canonical.js';
import { computeRecordHash } from '../../src/audit/chain.js';
import { toWellFormedJson } from '../../src/shared/well-formed.js';

const unit = fc.oneof(
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), // lone surrogates
  fc.constantFrom('\u0000', '\ufffd', '"', '\\', '\\ud800', '\\u0000', '\n', 'é', '😀', '__proto__'),
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
);
const text = fc.array(unit, { maxLength: 8 }).map((a) => a.join(''));
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(text, tie('v'), { maxKeys: 4 })),
})).v;

it('hashes a record with its canonical details spliced in exactly as computeRecordHash does from the stored row', () => {
  fc.assert(
    fc.property(fc.dictionary(text, value, { maxKeys: 6 }), text, (details, question) => {
      const row = buildRow({ kind: 'query_run', actor: 'a', outcome: 'completed', question, details }, { seq: 6, hash: 'f'.repeat(64) }, 'id-7', '2026-11-20T10:00:00.000Z');
      expect(row.details).toBe(canonicalize(toWellFormedJson(JSON.parse(canonicalize(details)) as unknown)));
      expect(row.hash).toBe(computeRecordHash(rowToJson(row)));
    }),
    { numRuns: 400 },
  );
});
