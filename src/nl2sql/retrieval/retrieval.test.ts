import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatasource } from '../../datasource/index.js';
import { createLlmClient } from '../../llm/index.js';
import { startScriptedServer, type RecordedRequest, type ScriptedReply } from '../../llm/testing/scripted-server.js';
import { loadProfile, trainModel, type TrainedModel } from '../../training/index.js';
import { renderContext, estimateTokens } from '../llm/index.js';
import { buildIndex, createRetriever, embedderFromClient, indexKey, indexPath, openIndex, openRetriever, ruleChunks, sqlRefs, type Embedder, type RetrievedContext } from './index.js';

const DEV_DB = `${process.env.OTC_SHARED_DIR}/benchmark/ops-dev.db`;
let dir: string;
let model: TrainedModel;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-retrieval-'));
  copyFileSync(DEV_DB, join(dir, 'ops.db'));
  const ds = await openDatasource(`sqlite:${join(dir, 'ops.db')}`);
  try {
    model = await trainModel(loadProfile('profiles/otc-ops'), ds);
  } finally {
    await ds.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const columnsOf = (r: RetrievedContext) => new Set(r.context.tables.flatMap((t) => t.columns.map((c) => `${t.name}.${c.name}`)));
const tablesOf = (r: RetrievedContext) => r.context.tables.map((t) => t.name);

describe('schema linking', () => {
  it('resolves a counterparty named by one word and brings in its table, column and the join', async () => {
    const retriever = createRetriever(model, await buildIndex(model));
    const r = await retriever.retrieve('How many live trades do we have with Northbridge?');
    expect(tablesOf(r)).toEqual(expect.arrayContaining(['trades', 'counterparties']));
    expect(r.context.resolvedValues).toContainEqual({ text: 'Northbridge', table: 'counterparties', column: 'short_name', value: 'Northbridge Capital' });
    expect(r.context.joins).toContainEqual({ from: 'trades.counterparty_id', to: 'counterparties.counterparty_id' });
    for (const c of ['trades.status', 'trades.counterparty_id', 'counterparties.counterparty_id', 'counterparties.short_name']) expect(columnsOf(r).has(c)).toBe(true);
  });

  it('resolves a code such as a CCP to its column', async () => {
    const retriever = createRetriever(model, await buildIndex(model));
    const r = await retriever.retrieve('How many live trades are cleared at LCH?');
    expect(r.context.resolvedValues).toContainEqual({ text: 'LCH', table: 'trades', column: 'ccp', value: 'LCH' });
    expect(tablesOf(r)).toEqual(['trades']);
  });

  it('a margin question brings margin_calls, not trades', async () => {
    const retriever = createRetriever(model, await buildIndex(model));
    const r = await retriever.retrieve('Total disputed amount on margin calls');
    expect(r.tables[0]).toBe('margin_calls');
    expect(tablesOf(r)).not.toContain('trades');
    for (const c of ['margin_calls.call_amount_usd', 'margin_calls.agreed_amount_usd', 'margin_calls.status']) expect(columnsOf(r).has(c)).toBe(true);
    expect(r.context.businessRules).toMatch(/disputed amount/);
  });

  it('joins through the tables in between (settlements -> trades -> books) with their keys only', async () => {
    const retriever = createRetriever(model, await buildIndex(model));
    const r = await retriever.retrieve('Failed settlement amount by desk this month');
    expect(tablesOf(r)).toEqual(expect.arrayContaining(['settlements', 'books', 'trades']));
    expect(r.bridges).toContain('trades');
    const trades = r.context.tables.find((t) => t.name === 'trades')!;
    expect(trades.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['trade_id', 'book_id']));
    expect(trades.columns.length).toBeLessThan(8);
    expect(r.context.resolvedValues).toContainEqual(expect.objectContaining({ table: 'settlements', column: 'status', value: 'Failed' }));
  });

  it('profile words never resolve to values that merely contain them ("counterparty" is not Counterparty Late)', async () => {
    const retriever = createRetriever(model, await buildIndex(model));
    const r = await retriever.retrieve('Settlement fails by counterparty this month');
    expect(r.context.resolvedValues.some((v) => v.value === 'Counterparty Late')).toBe(false);
    expect(tablesOf(r)).toEqual(expect.arrayContaining(['settlements', 'counterparties']));
    expect(tablesOf(r)).not.toContain('exceptions');
  });

  it('keeps the rendered context within the token budget and reports its size', async () => {
    const retriever = createRetriever(model, await buildIndex(model));
    const r = await retriever.retrieve('Top 5 counterparties by number of settlement fails in the last 30 days', { maxTokens: 900 });
    expect(r.tokens).toBe(estimateTokens(renderContext(r.context)));
    const wide = await retriever.retrieve('Top 5 counterparties by number of settlement fails in the last 30 days', { maxTokens: 10_000 });
    expect(r.tokens).toBeLessThan(wide.tokens);
    // shrinking keeps the keys that join the tables
    expect(columnsOf(r).has('settlements.counterparty_id')).toBe(true);
    expect(columnsOf(r).has('counterparties.short_name')).toBe(true);
  });
});

describe('persistence', () => {
  const questions = ['How many live trades do we have with Northbridge?', 'Open confirmations by platform', 'Total break amount of netting mismatches by currency', 'Average age of open exceptions owned by FX Ops'];

  it('saves the index under its content hash, loads it back and ranks identically', async () => {
    const cacheDir = join(dir, 'cache-roundtrip');
    const first = await openIndex(model, { cacheDir });
    expect(first.loaded).toBe(false);
    expect(readdirSync(cacheDir)).toEqual([`retrieval-${indexKey(model)}.json`]);
    const second = await openIndex(model, { cacheDir });
    expect(second.loaded).toBe(true);
    expect(second.key).toBe(first.key);
    for (const q of questions) {
      const a = await first.search(q);
      const b = await second.search(q);
      expect(b.map((h) => [h.doc.id, h.score])).toEqual(a.map((h) => [h.doc.id, h.score]));
      expect(await createRetriever(model, second).retrieve(q)).toEqual(await createRetriever(model, first).retrieve(q));
    }
  });

  it('rebuilds an unreadable index file, and keys another training version apart', async () => {
    const cacheDir = join(dir, 'cache-corrupt');
    const built = await openIndex(model, { cacheDir });
    writeFileSync(indexPath(cacheDir, built.key), '{"format": "otc-copilot/retrieval-index@1", "trunc');
    const again = await openIndex(model, { cacheDir });
    expect(again.loaded).toBe(false);
    expect((await again.search(questions[0]!)).map((h) => h.doc.id)).toEqual((await built.search(questions[0]!)).map((h) => h.doc.id));
    expect((await openIndex(model, { cacheDir })).loaded).toBe(true);

    const changed: TrainedModel = { ...model, profile: { ...model.profile, examples: [...model.profile.examples, { question: 'How many trades are novated?', sql: "SELECT COUNT(*) FROM trades WHERE status = 'Novated'" }] } };
    expect(indexKey(changed)).not.toBe(indexKey(model));
    expect((await openIndex(changed, { cacheDir })).loaded).toBe(false);
  });
});

/** A deterministic embedding: hashed bag of words, so similar texts get similar vectors. */
function bagOfWords(text: string): number[] {
  const v = new Array<number>(64).fill(0);
  for (const w of text.toLowerCase().match(/[a-z]+/g) ?? []) {
    let h = 0;
    for (const ch of w.slice(0, 6)) h = (h * 31 + ch.charCodeAt(0)) % 64;
    v[h]! += 1;
  }
  return v;
}

describe('unwritable cache folder', () => {
  it('still answers from an index built in memory, with a warning', async () => {
    const idx = await openIndex(model, { cacheDir: join(dir, 'ops.db', 'retrieval') }); // under a file: cannot be created
    expect(idx.loaded).toBe(false);
    expect(idx.warnings.join(' ')).toMatch(/could not be saved/);
    expect((await createRetriever(model, idx).retrieve('Open exceptions by severity')).tables).toEqual(['exceptions']);
  });
});

describe('vectors', () => {
  it('fuses embeddings from the endpoint with the lexical ranking and persists them', async () => {
    const embedReply = (req: RecordedRequest): ScriptedReply => ({
      status: 200,
      body: { data: (req.json.input as string[]).map((t, index) => ({ index, embedding: bagOfWords(t) })), usage: { prompt_tokens: 10, total_tokens: 10 } },
    });
    const server = await startScriptedServer(Array.from({ length: 30 }, () => embedReply));
    try {
      const client = createLlmClient({ provider: 'gateway', baseUrl: `${server.origin}/v1`, model: 'chat', embeddingModel: 'embed-test', maxRetries: 0 });
      const embedder = embedderFromClient(client, 'embed-test');
      const cacheDir = join(dir, 'cache-vectors');
      const r1 = await openRetriever(model, { cacheDir, embedder });
      expect(r1.index.vectors).toBe(true);
      expect(server.requests.every((q) => q.url === '/v1/embeddings')).toBe(true);
      const batches = server.requests.length;
      expect(batches).toBeGreaterThan(1);
      const hits = await r1.index.search('Disputed margin calls by dispute reason');
      expect(hits[0]!.vector).toBeTypeOf('number');
      expect(hits.slice(0, 5).some((h) => h.doc.tables.includes('margin_calls'))).toBe(true);
      const ctx = await r1.retrieve('Disputed margin calls by dispute reason');
      expect(ctx.tables[0]).toBe('margin_calls');
      expect(ctx.context.tables.map((t) => t.name)).not.toContain('trades'); // fused scores do not flood the table choice
      expect(ctx.tokens).toBeLessThanOrEqual(1800);

      const r2 = await openRetriever(model, { cacheDir, embedder });
      expect(r2.loaded).toBe(true);
      expect(r2.index.vectors).toBe(true);
      expect(server.requests.length).toBe(batches + 2); // no re-embedding of the documents, one call per question
      const again = await r2.index.search('Disputed margin calls by dispute reason');
      expect(again.map((h) => h.doc.id)).toEqual(hits.map((h) => h.doc.id));
      expect(indexKey(model, embedder.id)).not.toBe(indexKey(model));
    } finally {
      await server.close();
    }
  });

  it('falls back to lexical ranking when the embeddings endpoint fails', async () => {
    const failing: Embedder = { id: 'broken', embed: async () => Promise.reject(new Error('endpoint down')) };
    const idx = await buildIndex(model, { embedder: failing });
    expect(idx.vectors).toBe(false);
    expect(idx.warnings[0]).toMatch(/endpoint down/);
    expect((await idx.search('margin calls'))[0]!.doc.tables).toContain('margin_calls');
  });
});

describe('helpers', () => {
  it('reads tables and columns of SQL against the schema, through aliases, ignoring literals', () => {
    const r = sqlRefs(
      "SELECT c.short_name, COUNT(*) AS n FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' AND product_type = 'trade_date' GROUP BY c.short_name",
      model.snapshot,
    );
    expect(r.tables).toEqual(['trades', 'counterparties']);
    expect(new Set(r.columns)).toEqual(new Set(['counterparties.short_name', 'counterparties.counterparty_id', 'trades.counterparty_id', 'trades.status', 'trades.product_type']));
  });

  it('splits business rules by heading and bullet, continuation lines included', () => {
    const chunks = ruleChunks('# Rules\n\nIntro text.\n\n## Trades\n- "Live" trades: status = Live.\n- A "large" trade has notional_usd\n  of 100 million or more.\n\n## Margin calls\n- VM is variation margin.\n');
    expect(chunks).toEqual([
      { path: ['Rules'], text: 'Intro text.' },
      { path: ['Trades'], text: '"Live" trades: status = Live.' },
      { path: ['Trades'], text: 'A "large" trade has notional_usd of 100 million or more.' },
      { path: ['Margin calls'], text: 'VM is variation margin.' },
    ]);
  });
});
