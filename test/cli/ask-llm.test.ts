/**
 * `otc-copilot ask` end to end through the LLM path: the semantic engine abstains on a question
 * outside its model, the bank's model (an OpenAI-compatible server started here on loopback)
 * writes the SQL, the guard admits it, the read-only datasource runs it, and the audit trail
 * holds the question, the model call and the run, with an intact chain.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditLog } from '../../src/audit/index.js';
import { chatCompletion, startScriptedServer, type ScriptedServer } from '../../src/llm/testing/scripted-server.js';
import { sharedFile } from '../support/shared.js';

const root = new URL('../../', import.meta.url).pathname;
// The semantic engine answers "have both X and Y" itself (EXISTS); this wording it cannot read.
const QUESTION = 'How many counterparties show up both among settlement fails and among margin disputes?';
const MODEL_SQL =
  "SELECT COUNT(DISTINCT s.counterparty_id) AS counterparties FROM settlements s WHERE s.status = 'Failed' AND s.counterparty_id IN (SELECT m.counterparty_id FROM margin_calls m WHERE m.status = 'Disputed')";

let dir: string;
let db: string;

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const clean: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OTC_')) clean[k] = v;
    const child = spawn(process.execPath, [join(root, 'bin/otc-copilot.js'), ...args], { env: { ...clean, OTC_DATA_DIR: join(dir, 'data'), ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/cli/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm ci does it)');
  dir = mkdtempSync(join(tmpdir(), 'otc-ask-llm-'));
  db = join(dir, 'ops.db');
  copyFileSync(sharedFile('benchmark/ops-dev.db'), db);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('otc-copilot ask with a configured model', () => {
  let server: ScriptedServer;
  afterAll(async () => server?.close());

  it('answers a question outside the semantic model through the LLM engine, audited', async () => {
    server = await startScriptedServer([chatCompletion(JSON.stringify({ sql: MODEL_SQL, explanation: 'Counting counterparties with failed settlements and disputed margin calls.', cannot_answer: false }))]);
    const auditUrl = `sqlite:${join(dir, 'audit.db')}`;
    const before = new Database(db, { readonly: true }).prepare('SELECT COUNT(*) AS n FROM settlements').get() as { n: number };

    const r = await run(['ask', QUESTION, '--db', `sqlite:${db}`, '--today', '2026-11-20', '--format', 'json', '--audit', auditUrl], {
      OTC_LLM_PROVIDER: 'gateway',
      OTC_LLM_BASE_URL: `${server.origin}/v1`,
      OTC_LLM_MODEL: 'bank-model',
      OTC_LLM_API_KEY: 'test-key-not-a-secret',
    });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.out);
    expect(answer.status).toBe('answered');
    expect(answer.engine).toBe('llm');

    // the rows are those of the model's SQL, run on the database
    const expected = new Database(db, { readonly: true }).prepare(MODEL_SQL).raw(true).all() as unknown[][];
    expect(answer.rows).toEqual(expected);
    expect(answer.sql).toContain('LIMIT'); // the guard's row cap

    // the model was asked once, with the question and today's date, never with a key in the body
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body).toContain('counterparties show up both among settlement fails');
    expect(server.requests[0]!.body).toContain('2026-11-20');
    expect(server.requests[0]!.body).not.toContain('test-key-not-a-secret');

    const after = new Database(db, { readonly: true }).prepare('SELECT COUNT(*) AS n FROM settlements').get() as { n: number };
    expect(after.n).toBe(before.n);

    const log = await openAuditLog(auditUrl);
    try {
      const records = await log.search({ limit: 100 });
      const kinds = records.map((x) => x.kind);
      expect(kinds).toContain('question');
      expect(kinds).toContain('llm_call');
      expect(kinds).toContain('query_run');
      const ids = new Set(records.map((x) => x.correlationId));
      expect(ids.size).toBe(1); // one question, one correlation id
      expect(JSON.stringify(records)).not.toContain('test-key-not-a-secret');
      const v = await log.verify();
      expect(v.ok).toBe(true);
    } finally {
      await log.close();
    }
  });

  it('without a configured model the same question abstains', async () => {
    const r = await run(['ask', QUESTION, '--db', `sqlite:${db}`, '--today', '2026-11-20', '--format', 'json'], {});
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.out);
    expect(answer.status).toBe('abstained');
    expect(answer.engine).toBe('semantic');
  });
});
