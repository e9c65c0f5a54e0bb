/**
 * Audit details whose keys hold escapes read back as written on every Node version. V8's
 * JSON.parse (Node 22 to 26, nodejs/node#63785) can return a `"` or `\n` key as a backslash once an
 * object of the same shape with a `\\` key was parsed; found on the Node 24 leg by the property
 * test in well-formed.test.ts ("record 107 was modified"). The sequence below is the issue's
 * trigger; on Node 20 it never broke.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeRecordHash, openAuditLog } from '../../src/audit/index.js';
import { parseJsonText } from '../../src/shared/json-text.js';

const dir = mkdtempSync(join(tmpdir(), 'otc-audit-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('keys with escapes', () => {
  it('parseJsonText reads them as written after the trigger', () => {
    parseJsonText('{"h":[],"\\\\":0}');
    expect(Object.keys(parseJsonText('{"h":1,"\\"":2}') as object)).toEqual(['h', '"']);
    parseJsonText('{"g":[],"\\\\":0}');
    expect(Object.keys(parseJsonText('{"g":1,"\\n":2}') as object)).toEqual(['g', '\n']);
    // texts without an escaped key are the native parser's, values with escapes included
    expect(parseJsonText('{"sql":"select 1\\nfrom t","n":[1,2.5,null]}')).toEqual({ sql: 'select 1\nfrom t', n: [1, 2.5, null] });
  });

  it('the audit chain stays intact and each record reads back with its own keys', async () => {
    const log = await openAuditLog(`sqlite:${join(dir, 'audit.db')}`);
    try {
      await log.append({ kind: 'question', actor: 'a', outcome: 'ok', details: { h: [], '\\': 0 } });
      await log.append({ kind: 'question', actor: 'b', outcome: 'ok', details: { h: 1, '"': 2 } });
      await log.append({ kind: 'question', actor: 'c', outcome: 'ok', details: { h: 2, '\n': 3 } });
      expect(await log.verify()).toMatchObject({ ok: true, count: 3 });
      const records = await log.search({ kind: 'question' });
      const byActor = new Map(records.map((r) => [r.actor, r]));
      expect(Object.keys(byActor.get('b')!.details!)).toEqual(['"', 'h']);
      expect(Object.keys(byActor.get('c')!.details!)).toEqual(['\n', 'h']);
      for (const r of records) expect(computeRecordHash(r)).toBe(r.hash);
    } finally {
      await log.close();
    }
  });
});
