/**
 * Follow-ups and "which one?" over a demo database of its own seed (not the follow-up case set):
 * each follow-up changes the previous typed query as said, and what it answers equals SQL written
 * here; a follow-up that cannot apply abstains; shared names and measure words offer choices.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoDatabase } from '../../../demo/index.js';
import { openDatasource, type Datasource } from '../../../datasource/index.js';
import { loadProfile, trainModel, type TrainedModel } from '../../../training/index.js';
import { createSemanticEngine, type SemanticEngine, type TypedQuery, type Understood } from '../index.js';
import { buildEngineModel } from '../model.js';
import { createFollowUpOps } from './ops.js';
import { readCues } from './cues.js';

const TODAY = '2026-06-17'; // a Wednesday: this week 06-15..17, last week 06-08..14
let dir: string;
let ds: Datasource;
let model: TrainedModel;
let engine: SemanticEngine;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-followup-'));
  const out = join(dir, 'demo.db');
  await buildDemoDatabase({ out, trades: 2500, seed: 23, asOf: TODAY });
  ds = await openDatasource(`sqlite:${out}`);
  model = await trainModel(loadProfile('profiles/otc-ops'), ds);
  engine = createSemanticEngine(model);
}, 120_000);
afterAll(async () => {
  await ds?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const first = (q: string): TypedQuery => {
  const u = engine.understand(q, TODAY);
  if (u.status) throw new Error(`${q}: ${u.status} ${'reason' in u ? u.reason : ''}`);
  return u.query;
};
const follow = (prev: string, q: string): Understood => engine.understand(q, TODAY, { previous: first(prev) });
const rows = async (u: Understood) => {
  if (u.status) throw new Error(`not a query: ${u.status} ${'reason' in u ? u.reason : ''}`);
  const r = await ds.query(engine.compile(u.query, ds.dialect).sql, { maxRows: 100000 });
  return r.rows.map((x) => x.map((v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v)));
};
const gold = async (sql: string) => (await ds.query(sql, { maxRows: 100000 })).rows.map((x) => x.map((v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v)));
const sorted = (r: unknown[][]) => r.map((x) => JSON.stringify(x)).sort();

describe('follow-ups', () => {
  it('adds a breakdown and says so', async () => {
    const u = follow('How many live trades?', 'and by desk?');
    expect(u.status).toBeUndefined();
    if (!u.status) expect(u.changes).toEqual(['broken down by desk']);
    expect(sorted(await rows(u))).toEqual(sorted(await gold("SELECT b.desk, COUNT(*) FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.status = 'Live' GROUP BY b.desk")));
  });

  it('replaces a breakdown ("now by", "instead"), keeps the filters', async () => {
    const u = follow('Open exceptions by severity', 'by exception type instead');
    if (u.status) throw new Error(u.status);
    expect(u.changes?.[0]).toMatch(/instead of severity/);
    expect(u.query.groupBy.map((g) => g.label)).toEqual(['exception type']);
    expect(sorted(await rows(u))).toEqual(sorted(await gold("SELECT exception_type, COUNT(*) FROM exceptions WHERE status IN ('Open','In Progress','Escalated') GROUP BY exception_type")));
  });

  it('narrows with a value, and swaps a value that contradicts the previous one', async () => {
    const narrowed = follow('How many failed settlements this month?', 'only USD');
    expect(await rows(narrowed)).toEqual(await gold("SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND currency = 'USD' AND value_date BETWEEN '2026-06-01' AND '2026-06-17'"));
    const swapped = follow('Live notional of cleared trades', 'what about bilateral?');
    if (swapped.status) throw new Error(swapped.status);
    expect(swapped.changes?.[0]).toMatch(/instead of cleared/);
    expect(await rows(swapped)).toEqual(await gold("SELECT SUM(notional_usd) FROM trades WHERE status = 'Live' AND is_cleared = 0"));
  });

  it('replaces the period on the same date', async () => {
    const u = follow('How many trades were booked this week?', 'same for last week');
    expect(await rows(u)).toEqual(await gold("SELECT COUNT(*) FROM trades WHERE status <> 'Cancelled' AND trade_date BETWEEN '2026-06-08' AND '2026-06-14'"));
  });

  it('ranks the groups ("top 3 of those"), turns a count into its rate, lists the rows behind a count', async () => {
    const top = follow('Live notional by desk', 'top 3 of those');
    expect(await rows(top)).toEqual(await gold("SELECT b.desk, SUM(t.notional_usd) AS n FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.status = 'Live' GROUP BY b.desk ORDER BY n DESC LIMIT 3"));
    const rate = follow('Failed settlements by currency last month', 'as a percentage');
    expect(sorted(await rows(rate))).toEqual(sorted(await gold("SELECT currency, 100.0 * SUM(CASE WHEN status = 'Failed' THEN 1 ELSE 0 END) / COUNT(*) FROM settlements WHERE status IN ('Settled','Failed') AND value_date BETWEEN '2026-05-01' AND '2026-05-31' GROUP BY currency")));
    const list = follow('How many failed settlements this month?', 'show me them');
    if (list.status) throw new Error(list.status);
    expect(list.query.shape).toBe('list');
    expect((await rows(list)).length).toBe(Number((await gold("SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN '2026-06-01' AND '2026-06-17'"))[0]![0]));
  });

  it('changes the measure and keeps the rows ("what is the total amount?"), in a named currency', async () => {
    const u = follow('How many settlements are due next week?', 'what is the total amount in EUR?');
    expect(await rows(u)).toEqual(await gold("SELECT SUM(amount) FROM settlements WHERE status <> 'Cancelled' AND currency = 'EUR' AND value_date BETWEEN '2026-06-22' AND '2026-06-28'"));
  });

  it('abstains when the follow-up cannot be applied, refuses a write, and answers a new question as new', () => {
    expect(follow('Live notional by desk', 'and the weather?').status).toBe('abstained');
    expect(follow('Live notional by desk', 'top 3 of those').status).toBeUndefined();
    expect(follow('How many live trades?', 'top 3 of those').status).toBe('abstained'); // nothing to rank
    expect(follow('Open exceptions by severity', 'delete the Low ones').status).toBe('refused');
    const fresh = follow('Live notional by desk', 'How many margin calls were issued this month?');
    if (fresh.status) throw new Error(fresh.status);
    expect(fresh.query.entity).toBe('margin_calls');
    expect(fresh.changes).toBeUndefined();
    // a question with its own period is new too, even when it names its rows only through a measure
    const own = follow('Live notional by desk', 'Number of trades booked per month this year');
    if (own.status) throw new Error(own.status);
    expect(own.query.groupBy.map((g) => g.kind)).toEqual(['bucket']);
    // refers back to an answer that has no query: nothing to refine
    expect(engine.understand('only the EUR ones', TODAY, { inThread: true }).status).toBe('abstained');
  });

  it('reads the follow-up words', () => {
    expect(readCues('and by currency?')).toMatchObject({ rest: 'by currency', anaphoric: true, add: true });
    expect(readCues('by owner team instead')).toMatchObject({ rest: 'by owner team', replace: true });
    expect(readCues('How many trades were booked today?').anaphoric).toBe(false);
  });
});

describe('report order and ties in follow-ups', () => {
  const figures = (r: unknown[][], i: number) => r.map((x) => Number(x[i]));
  const desc = (xs: number[]) => [...xs].sort((a, b) => b - a);

  it('a breakdown added or replaced comes largest first, as the question before it', async () => {
    const byBook = follow('Total notional of live trades by currency', 'now by book');
    expect(byBook.status).toBeUndefined();
    const r1 = await rows(byBook);
    expect(r1.length).toBeGreaterThan(3);
    expect(figures(r1, 1)).toEqual(desc(figures(r1, 1)));
    const both = follow('Number of failed settlements by counterparty', 'and by currency?');
    expect(both.status).toBeUndefined();
    if (!both.status) expect(both.query.groupBy.length).toBe(2);
    const r2 = await rows(both);
    expect(r2.length).toBeGreaterThan(3);
    expect(figures(r2, 2)).toEqual(desc(figures(r2, 2)));
    // over time, the periods keep their own order
    const monthly = follow('Number of trades booked this year by desk', 'by month instead');
    expect(monthly.status, 'reason' in monthly ? monthly.reason : '').toBeUndefined();
    if (!monthly.status) expect(monthly.query.groupBy.map((g) => g.kind)).toEqual(['bucket']);
    const months = (await rows(monthly)).map((x) => String(x[0]));
    expect(months.length).toBeGreaterThan(2);
    expect(months).toEqual([...months].sort());
  });

  it('"include ties" after a top N answers every group tied with the Nth (RANK), and says so', async () => {
    const all = await gold("SELECT c.short_name, COUNT(*) AS n FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' GROUP BY c.short_name ORDER BY n DESC");
    const n = all.findIndex((x, i) => i > 0 && all[i + 1]?.[1] === x[1]) + 1;
    expect(n).toBeGreaterThan(1);
    const prev = `Top ${n} counterparties by number of live trades`;
    for (const words of ['include ties', 'and the ties?', 'show me the tied ones too', 'with ties']) {
      const u = follow(prev, words);
      expect(u.status, words).toBeUndefined();
      if (u.status) continue;
      expect(u.query.withTies).toBe(true);
      expect(u.changes).toEqual([`every counterparty tied with the last of the top ${n} included`]);
      const got = await rows(u);
      expect(figures(got, 1)).toEqual(figures(all, 1).filter((x) => x >= Number(all[n - 1]![1])));
      expect(got.length).toBeGreaterThan(n);
      expect(engine.compile(u.query, ds.dialect).explanation).toMatch(new RegExp(`top ${n} with any tied at the last place`));
    }
    // then "top 3 of those" is a plain top 3 again
    const again = engine.understand('top 3 of those', TODAY, { previous: (follow(prev, 'include ties') as { query: TypedQuery }).query });
    expect(again.status).toBeUndefined();
    if (!again.status) expect([again.query.limit, again.query.withTies]).toEqual([3, undefined]);
  });

  it('"include ties" abstains when the answer before it is not a top N of groups', () => {
    const u = follow('Number of live trades by desk', 'include ties');
    expect(u.status).toBe('abstained');
    if (u.status === 'abstained') expect(u.reason).toMatch(/not a top N of groups/);
    expect(engine.understand('include ties', TODAY, { inThread: true }).status).toBe('abstained');
    expect(readCues('include the ties').ties).toBe(true);
    expect(readCues('ties by reason').ties).toBe(false);
  });
});

describe('follow-up operations on a typed query', () => {
  it('a condition on the same column narrows when both can hold, and replaces when they cannot', () => {
    const m = buildEngineModel(model);
    const ops = createFollowUpOps(m);
    const col = { table: 'trades', column: 'product_type' };
    const q = first('How many live trades?');
    const a = ops.filter({ ...q, where: [...q.where, { cond: { kind: 'in', col, values: ['IRS', 'OIS', 'CDS'] }, label: 'three' }] }, { cond: { kind: 'cmp', col, op: '=', value: 'OIS' }, label: 'OIS' });
    expect('query' in a && a.query.where.filter((w) => w.cond.kind !== 'cmp' || w.cond.col.column === 'product_type').length).toBe(2);
    const b = ops.filter({ ...q, where: [...q.where, { cond: { kind: 'cmp', col, op: '=', value: 'IRS' }, label: 'IRS' }] }, { cond: { kind: 'cmp', col, op: '=', value: 'OIS' }, label: 'OIS' });
    expect('query' in b && b.query.where.map((w) => w.label)).toEqual([...q.where.map((w) => w.label), 'OIS']);
    expect('query' in b && b.change).toBe('OIS instead of IRS');
    expect(ops.top(q, { dir: 'desc', n: 5 })).toEqual({ fail: '"top" needs a breakdown to rank' });
  });
});

describe('follow-ups that take something off, pick the first, or read a percentage', () => {
  const q = (u: Understood): TypedQuery => {
    if (u.status) throw new Error(`not a query: ${u.status} ${'reason' in u ? u.reason : ''}`);
    return u.query;
  };

  it('"show me all of them" after a top N takes the limit off; after a figure it lists the rows', async () => {
    const u = follow('Top 2 desks by live notional', 'show me all of them');
    expect(q(u).limit).toBeUndefined();
    expect(sorted(await rows(u))).toEqual(sorted(await gold("SELECT b.desk, SUM(t.notional_usd) FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.status = 'Live' GROUP BY b.desk")));
    expect(q(follow('How many live trades?', 'show them all')).shape).toBe('list');
    expect(q(follow('How many fails last week?', 'the full list')).shape).toBe('list');
  });

  it('"which one is the lowest?" keeps the first group in that order', async () => {
    const u = follow('Match rate by platform last month', 'which one is the lowest?');
    expect(q(u).limit).toBe(1);
    expect(await rows(u)).toEqual(
      await gold("SELECT platform, 100.0 * SUM(CASE WHEN status = 'Matched' THEN 1 ELSE 0 END) / COUNT(*) AS r FROM confirmations WHERE status <> 'Cancelled' AND sent_date BETWEEN '2026-05-01' AND '2026-05-31' GROUP BY platform ORDER BY r ASC LIMIT 1"),
    );
  });

  it('"across all currencies" takes the condition off instead of breaking the answer down', async () => {
    const u = follow('How many live trades in GBP?', 'across all currencies');
    expect(q(u).groupBy).toEqual([]);
    expect(await rows(u)).toEqual(await gold("SELECT COUNT(*) FROM trades WHERE status = 'Live'"));
    // amounts were in the currency the answer was limited to; across all of them they are in USD again
    const w = follow('Total notional of live trades in JPY', 'over every currency');
    expect(await rows(w)).toEqual(await gold("SELECT ROUND(SUM(notional_usd), 2) FROM trades WHERE status = 'Live'"));
    // "every one of them by sector" after a top N: a new breakdown, not a condition taken off
    expect(q(follow('Top 5 counterparties by live notional', 'all of them by sector')).groupBy.map((g) => g.label)).toEqual(['sector']);
    const [cpty] = (await gold("SELECT c.short_name FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Failed' GROUP BY c.short_name ORDER BY COUNT(*) DESC LIMIT 1"))[0] as string[];
    const v = follow(`How many fails with ${cpty} this year?`, 'and for every counterparty?');
    expect(await rows(v)).toEqual(await gold("SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN '2026-01-01' AND '2026-06-17'"));
  });

  it('"leave out Rates" excludes a value; dropping a table is still refused', async () => {
    const u = follow('Live notional by asset class', 'leave out Rates');
    expect(sorted(await rows(u))).toEqual(sorted(await gold("SELECT asset_class, SUM(notional_usd) FROM trades WHERE status = 'Live' AND asset_class <> 'Rates' GROUP BY asset_class")));
    expect(follow('Live notional by asset class', 'drop the trades table').status).toBe('refused');
  });

  it('"break it down by", "... in place of the count": only what is asked is read', async () => {
    const u = follow('How many open exceptions?', 'break it down by severity');
    expect(sorted(await rows(u))).toEqual(sorted(await gold("SELECT severity, COUNT(*) FROM exceptions WHERE status IN ('Open','In Progress','Escalated') GROUP BY severity")));
    const v = follow('Fails by currency last month', 'the total amount in place of the count');
    expect(sorted(await rows(v))).toEqual(sorted(await gold("SELECT currency, SUM(amount_usd) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN '2026-05-01' AND '2026-05-31' GROUP BY currency")));
  });

  it('"as a percentage" with no rate to turn into: shares of a breakdown, or the condition asked as a share of all', async () => {
    const u = follow('Confirmations sent last month by platform', 'as a percentage');
    const shares = (await rows(u)).map((r) => Number(r[r.length - 1]));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);
    const v = follow('How many bilateral trades were booked last month?', 'as a percent of all of them');
    expect(await rows(v)).toEqual(await gold("SELECT ROUND(100.0 * SUM(CASE WHEN is_cleared = 0 THEN 1 ELSE 0 END) / COUNT(*), 2) FROM trades WHERE status <> 'Cancelled' AND trade_date BETWEEN '2026-05-01' AND '2026-05-31'"));
  });

  it('"due to be settled" says "due"', async () => {
    expect(await rows(engine.understand('Total amount due to be settled tomorrow', TODAY))).toEqual(
      await gold("SELECT ROUND(SUM(amount_usd), 2) FROM settlements WHERE status <> 'Cancelled' AND value_date = '2026-06-18'"),
    );
  });

  it('a listing of rows picked by an amount shows that amount', () => {
    const u = q(engine.understand('List the live trades above 300m', TODAY));
    expect(u.listColumns.map((c) => c.col.column)).toContain('notional_usd');
  });
});

describe('which one?', () => {
  it('offers the names that share the word asked about, and the pick answers with that one', async () => {
    const names = (await gold('SELECT short_name FROM counterparties')).map((r) => String(r[0]));
    const counts = new Map<string, string[]>();
    for (const n of names) for (const w of n.split(' ').slice(1)) if (w.length >= 5) counts.set(w, [...(counts.get(w) ?? []), n]);
    const [word, owners] = [...counts].find(([, o]) => o.length >= 2 && o.length <= 6)!;
    const u = engine.understand(`How many live trades with ${word}?`, TODAY);
    if (u.status !== 'choose') throw new Error(`expected a choice, got ${u.status}`);
    expect(u.options.map((o) => o.label).sort()).toEqual(expect.arrayContaining([...owners].sort()));
    const pick = u.options.find((o) => o.label === owners[0])!;
    const a = engine.understand(`How many live trades with ${word}?`, TODAY, { choice: pick.pick });
    expect(await rows(a)).toEqual(await gold(`SELECT COUNT(*) FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' AND c.short_name = '${owners[0]!.replace(/'/g, "''")}'`));
  });

  it('asks which rows a word means when it names two kinds, and which measure a partial phrase means', () => {
    const rowsTie = engine.understand('Breaks by counterparty this month', TODAY);
    expect(rowsTie.status).toBe('choose');
    if (rowsTie.status === 'choose') expect(rowsTie.options.length).toBe(2);
    const measure = engine.understand('Volume by desk this year', TODAY);
    expect(measure.status).toBe('choose');
    if (measure.status === 'choose') expect(new Set(measure.options.map((o) => o.pick.sense.kind))).toEqual(new Set(['measure']));
  });

  it('every name for "the X ones"; no choice offered where no pick would answer', async () => {
    const names = (await gold('SELECT short_name FROM counterparties')).map((r) => String(r[0]));
    const counts = new Map<string, string[]>();
    for (const n of names) for (const w of n.split(' ').slice(1)) if (w.length >= 5) counts.set(w, [...(counts.get(w) ?? []), n]);
    const [word, owners] = [...counts].find(([, o]) => o.length >= 2 && o.length <= 6)!;
    const u = follow('Live notional by counterparty', `only the ${word} ones please`);
    if (u.status) throw new Error(`expected an answer, got ${u.status}`);
    expect(sorted(await rows(u))).toEqual(
      sorted(await gold(`SELECT c.short_name, SUM(t.notional_usd) FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.status = 'Live' AND c.short_name IN (${owners.map((o) => `'${o.replace(/'/g, "''")}'`).join(',')}) GROUP BY c.short_name`)),
    );
    // "frobnicated" reads with none of the names: a choice would only lead to "I can't answer that"
    expect(engine.understand(`How many trades with ${word} got frobnicated?`, TODAY).status).toBe('abstained');
  });

  it('"disputes" alone names margin disputes or disputed confirmations', () => {
    const u = engine.understand('How many disputes this quarter?', TODAY);
    if (u.status !== 'choose') throw new Error(`expected a choice, got ${u.status}`);
    expect(u.options.map((o) => o.means).sort()).toEqual([expect.stringMatching(/^confirmations/), expect.stringMatching(/^margin calls/)]);
    expect(new Set(u.options.map((o) => o.label)).size).toBe(2);
  });

  it('a pick that does not fit the question abstains', () => {
    expect(engine.understand('Live trades', TODAY, { choice: { phrase: 'nowhere', sense: { kind: 'value', dimension: 'counterparty', value: 'X' } } }).status).toBe('abstained');
  });
});
