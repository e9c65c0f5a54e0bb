/**
 * Issue 14, item 2: nothing from the data reaches the model through database errors. A hostile
 * (or confused) model writes SQL whose error message would carry table rows — PostgreSQL's
 * `invalid input syntax for type integer: "<every name and LEI>"` — and the repair round sends
 * the error back. The model must get the error's class and position, never its text.
 * Real SQL guard, real datasources (SQLite file, PostgreSQL), the loopback model server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';
import { openDatasource, type Datasource } from '../../src/datasource/index.js';
import { guardSql, type GuardPolicy } from '../../src/guard/index.js';
import { createLlmClient } from '../../src/llm/index.js';
import { chatCompletion, startScriptedServer, type ScriptedServer } from '../../src/llm/testing/scripted-server.js';
import { createLlmEngine, type LlmContext, type LlmEngineOptions } from '../../src/nl2sql/llm/index.js';

const TODAY = '2026-11-20';
/** Values that exist only in the data: none may ever be sent to the model. */
const SECRETS = ['Northbridge Capital', 'LEI5493001KJTIIGC8Y1R', 'Kestrel Asset', 'LEI213800D1EI4B9WTWWD'];

const policy: GuardPolicy = {
  maxRows: 100,
  allowedTables: new Map([['counterparties', new Set(['counterparty_id', 'name', 'lei', 'rating'])]]),
};

const context: LlmContext = {
  tables: [
    {
      name: 'counterparties',
      rowCount: 2,
      columns: [
        { name: 'counterparty_id', type: 'integer', primaryKey: true },
        { name: 'name', type: 'text', sampleValues: ['Northbridge Capital'] },
        { name: 'lei', type: 'text', sampleValues: ['LEI5493001KJTIIGC8Y1R'] },
        { name: 'rating', type: 'text' },
      ],
    },
  ],
  joins: [],
  glossary: [],
  examples: [],
  resolvedValues: [{ text: 'Northbridge', table: 'counterparties', column: 'name', value: 'Northbridge Capital' }],
};

/** Attacks whose database error would quote the data, per dialect. */
const ATTACKS: Record<'sqlite' | 'postgres', string[]> = {
  postgres: [
    "SELECT CAST(string_agg(name || ':' || lei, ',') AS integer) FROM counterparties",
    'SELECT CAST(min(lei) AS date) FROM counterparties',
    "SELECT to_date(string_agg(name, ','), 'YYYY-MM-DD') FROM counterparties",
    "SELECT make_date(2026, 1, CAST(max(name || lei) AS integer)) FROM counterparties",
    'SELECT CAST(max(name) AS numeric) + 1 FROM counterparties',
  ],
  // SQLite's messages with the functions the guard allows do not quote values; these reach the
  // database and fail there over the secret columns all the same.
  sqlite: [
    "SELECT substr(group_concat(name || ':' || lei, ',')) FROM counterparties",
    'SELECT sum(9223372036854775807) FROM counterparties WHERE lei IN (SELECT lei FROM counterparties)',
    'SELECT (SELECT name, lei FROM counterparties) FROM counterparties',
    'SELECT count(*) FROM counterparties GROUP BY count(lei)',
  ],
};

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(ds: Datasource, dialect: 'sqlite' | 'postgres', attack: string, opts: Partial<LlmEngineOptions> = {}, guardPolicy: GuardPolicy = policy) {
  const reply = chatCompletion(JSON.stringify({ sql: attack, explanation: 'x', cannot_answer: false, reason: '' }));
  server = await startScriptedServer([reply, reply, reply]);
  const client = createLlmClient({ provider: 'openai', baseUrl: `${server.origin}/v1`, apiKey: 'sk-test', model: 'm', timeoutMs: 5_000, sleep: async () => {} });
  const engine = createLlmEngine({ client, ...opts });
  const result = await engine.generate({
    question: 'List the counterparties',
    today: TODAY,
    dialect: { name: dialect },
    context,
    guard: (sql) => guardSql(sql, dialect, guardPolicy),
    execute: (sql) => ds.query(sql, { maxRows: 100, timeoutMs: 10_000 }),
  });
  return { result, requests: server.requests };
}

/** Every repair message the model received (the last user message of rounds 2..n). */
function repairMessages(requests: { json: any }[]): string[] {
  return requests.slice(1).map((r) => (r.json.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').at(-1)!.content);
}

const dirs: string[] = [];
const pgDbs: TempPgDatabase[] = [];
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  for (const d of pgDbs) await d.drop();
});

const SEED = `CREATE TABLE counterparties (counterparty_id integer PRIMARY KEY, name text NOT NULL, lei text NOT NULL, rating text);
INSERT INTO counterparties VALUES (1, 'Northbridge Capital', 'LEI5493001KJTIIGC8Y1R', 'A'), (2, 'Kestrel Asset', 'LEI213800D1EI4B9WTWWD', 'BBB');`;

const stores: { dialect: 'sqlite' | 'postgres'; open(): Promise<Datasource | undefined> }[] = [
  {
    dialect: 'sqlite',
    async open() {
      const d = mkdtempSync(join(tmpdir(), 'otc-leak-'));
      dirs.push(d);
      const db = new Database(join(d, 'ops.db'));
      db.exec(SEED);
      db.close();
      return openDatasource(`sqlite:${join(d, 'ops.db')}`);
    },
  },
  {
    dialect: 'postgres',
    async open() {
      if (!(await postgresAvailable())) return undefined;
      const t = await createTempPgDatabase('otc_leak');
      pgDbs.push(t);
      const c = new pg.Client({ connectionString: t.url });
      await c.connect();
      await c.query(SEED);
      await c.end();
      return openDatasource(t.url);
    },
  },
];

describe.each(stores)('database errors sent back to the model ($dialect)', ({ dialect, open }) => {
  let ds: Datasource | undefined;
  beforeAll(async () => {
    ds = await open();
  });
  afterAll(async () => {
    await ds?.close();
  });

  it.each(ATTACKS[dialect])('no value of the data reaches the model: %s', async (attack) => {
    if (!ds) return;
    const { result, requests } = await run(ds, dialect, attack, { promptData: 'none' });
    expect(result.status).toBe('abstained');
    expect(result.attempts.map((a) => a.outcome)).toEqual(['db_error', 'db_error', 'db_error']);
    const sent = JSON.stringify(requests.map((r) => r.json));
    for (const s of SECRETS) expect(sent, `"${s}" was sent to the model`).not.toContain(s);
    // The model is told the class of the error and where in its SQL, in our words.
    for (const m of repairMessages(requests)) expect(m).toMatch(/The database rejected that SQL \(error class [a-z_]+/);
    // What the user reads is the same sanitised description.
    if (result.status === 'abstained') for (const s of SECRETS) expect(result.reason).not.toContain(s);
  });

  it('a misspelt column is named back (it is the model\'s own text), with its position', async () => {
    if (!ds) return;
    // no column allow-list here, so the misspelt column reaches the database
    const { requests } = await run(ds, dialect, 'SELECT nmae FROM counterparties', {}, { maxRows: 100 });
    const [m] = repairMessages(requests);
    expect(m).toContain('error class undefined_column');
    expect(m).toContain('"nmae"');
    expect(m).toMatch(/at character 8\b/);
  });
});

describe('OTC_LLM_PROMPT_DATA: what of the data goes into prompts', () => {
  const noDb = { query: async () => ({ columns: ['n'], rows: [[1]], rowCount: 1, truncated: false, ms: 1 }) } as unknown as Datasource;
  const promptOf = async (promptData: LlmEngineOptions['promptData']) => {
    const { requests } = await run(noDb, 'sqlite', 'SELECT count(*) AS n FROM counterparties', promptData ? { promptData } : {});
    return (requests[0]!.json.messages as { content: string }[]).map((m) => m.content).join('\n');
  };

  it('none: tables and columns, no sample value, no matched value, no row count', async () => {
    const p = await promptOf('none');
    expect(p).toContain('counterparties');
    expect(p).toContain('lei text');
    for (const s of SECRETS) expect(p).not.toContain(s);
    expect(p).not.toContain('~2 rows');
    expect(p).not.toContain('"Northbridge" ->');
  });

  it('columns: which column a word matched, not the stored value', async () => {
    const p = await promptOf('columns');
    expect(p).toContain('"Northbridge" -> counterparties.name');
    for (const s of SECRETS) expect(p).not.toContain(s);
  });

  it('samples (the default): sample values and matched values as stored', async () => {
    const p = await promptOf(undefined);
    expect(p).toContain('"Northbridge" -> counterparties.name = "Northbridge Capital"');
    expect(p).toContain('LEI5493001KJTIIGC8Y1R');
  });

  it('the setting is read from OTC_LLM_PROMPT_DATA (default samples) and refuses other values', async () => {
    const { loadConfig } = await import('../../src/config/index.js');
    expect(loadConfig({ env: {} }).llmPromptData).toBe('samples');
    expect(loadConfig({ env: { OTC_LLM_PROMPT_DATA: 'none' } }).llmPromptData).toBe('none');
    expect(() => loadConfig({ env: { OTC_LLM_PROMPT_DATA: 'rows' } })).toThrow(/OTC_LLM_PROMPT_DATA/);
  });
});

describe('model replies have a size limit', () => {
  it('a reply body over the limit is not read: OTC_ERR_LLM_BAD_RESPONSE, no retry with it', async () => {
    const huge = chatCompletion(JSON.stringify({ sql: 'SELECT 1', explanation: 'x'.repeat(600_000), cannot_answer: false }));
    server = await startScriptedServer([huge, huge, huge]);
    const client = createLlmClient({ provider: 'openai', baseUrl: `${server.origin}/v1`, apiKey: 'sk-test', model: 'm', timeoutMs: 5_000, sleep: async () => {} });
    await expect(client.chat({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ code: 'OTC_ERR_LLM_BAD_RESPONSE' });
    const small = createLlmClient({ provider: 'openai', baseUrl: `${server.origin}/v1`, apiKey: 'sk-test', model: 'm', maxResponseBytes: 1_000_000 });
    await expect(small.chat({ messages: [{ role: 'user', content: 'hi' }] })).resolves.toMatchObject({ model: 'm' });
  });
});
