import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoDatabase, CLOSED_LISTS, OPS_SCHEMA_INDEXES_SQL, OPS_SCHEMA_TABLES_SQL, OPS_TABLE_NAMES, type BuildDemoResult } from './index.js';

const AS_OF = '2026-11-25';
const TRADES = 4000;
const SHARED_SCHEMA = process.env.OTC_OPS_SCHEMA ?? `${process.env.OTC_SHARED_DIR}/ops-schema/otc_ops.sql`;

let dir: string;
let main: BuildDemoResult;
let db: Database.Database;

function contentHash(path: string): string {
  const d = new Database(path, { readonly: true });
  try {
    const h = createHash('sha256');
    for (const t of OPS_TABLE_NAMES) {
      h.update(`#${t}\n`);
      for (const row of d.prepare(`SELECT * FROM ${t} ORDER BY 1`).raw().iterate()) h.update(JSON.stringify(row) + '\n');
    }
    return h.digest('hex');
  } finally {
    d.close();
  }
}

const count = (sql: string, ...params: unknown[]): number => (db.prepare(sql).raw().get(...params) as [number])[0];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otc-demo-test-'));
  main = await buildDemoDatabase({ out: join(dir, 'main.db'), trades: TRADES, seed: 7, asOf: AS_OF });
  db = new Database(join(dir, 'main.db'), { readonly: true });
});

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('demo database: shape', () => {
  it('reports what it wrote, and the counts are the rows in the file', () => {
    expect(main.kind).toBe('sqlite');
    for (const t of OPS_TABLE_NAMES) expect(count(`SELECT COUNT(*) FROM ${t}`), t).toBe(main.counts[t]);
    expect(main.counts.trades).toBe(TRADES);
    expect(main.counts.confirmations).toBe(TRADES);
    expect(main.counts.counterparties).toBeGreaterThanOrEqual(30);
    expect(main.counts.books).toBeGreaterThanOrEqual(30);
    expect(main.counts.books).toBeLessThanOrEqual(60);
    expect(main.counts.settlements / TRADES).toBeGreaterThan(1.8);
    expect(main.counts.settlements / TRADES).toBeLessThan(3.5);
    for (const t of ['payment_netting', 'exceptions', 'margin_calls'] as const) expect(main.counts[t], t).toBeGreaterThan(0);
  });

  it('has exactly the schema of otc_ops.sql: tables, columns, types, order, keys and indexes', () => {
    const refSql = existsSync(SHARED_SCHEMA) ? readFileSync(SHARED_SCHEMA, 'utf8') : `${OPS_SCHEMA_TABLES_SQL}\n${OPS_SCHEMA_INDEXES_SQL.join('\n')}`;
    const ref = new Database(':memory:');
    ref.exec(refSql);
    const describeDb = (d: Database.Database): unknown => {
      const tables = (d.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").raw().all() as [string][]).map((r) => r[0]);
      return tables.map((t) => ({
        t,
        columns: d.prepare(`PRAGMA table_info(${t})`).all(),
        fks: d.prepare(`PRAGMA foreign_key_list(${t})`).all(),
        indexes: (d.prepare(`PRAGMA index_list(${t})`).all() as { name: string; unique: number; origin: string }[])
          .map((i) => ({ unique: i.unique, origin: i.origin, name: i.origin === 'c' ? i.name : '(auto)', cols: d.prepare(`PRAGMA index_info(${i.name})`).all() }))
          .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      }));
    };
    expect(describeDb(db)).toEqual(describeDb(ref));
    ref.close();
  });

  it.runIf(existsSync(SHARED_SCHEMA))('embeds the shared otc_ops.sql text verbatim', () => {
    const shared = readFileSync(SHARED_SCHEMA, 'utf8');
    expect(shared.startsWith(OPS_SCHEMA_TABLES_SQL.trimEnd())).toBe(true);
    for (const ix of OPS_SCHEMA_INDEXES_SQL) expect(shared).toContain(ix);
  });
});

describe('demo database: values', () => {
  it('uses only the spellings of the closed value lists', () => {
    for (const [table, cols] of Object.entries(CLOSED_LISTS)) {
      for (const [col, allowed] of Object.entries(cols)) {
        const values = (db.prepare(`SELECT DISTINCT ${col} FROM ${table} WHERE ${col} IS NOT NULL`).raw().all() as [unknown][]).map((r) => r[0]);
        expect(values.length, `${table}.${col} has values`).toBeGreaterThan(0);
        const bad = values.filter((v) => !allowed.includes(v as string | number));
        expect(bad, `${table}.${col}`).toEqual([]);
      }
    }
  });

  it('writes ISO dates and timestamps, unique 20-character LEIs and unique short names', () => {
    const dateCols: Record<string, string[]> = {
      counterparties: ['onboarded_date'],
      trades: ['trade_date', 'effective_date', 'maturity_date'],
      confirmations: ['sent_date', 'matched_date'],
      settlements: ['value_date', 'settled_date'],
      payment_netting: ['value_date'],
      exceptions: ['raised_date', 'resolved_date'],
      margin_calls: ['call_date', 'settled_date'],
    };
    for (const [t, cols] of Object.entries(dateCols)) {
      for (const c of cols) {
        expect(count(`SELECT COUNT(*) FROM ${t} WHERE ${c} IS NOT NULL AND (${c} NOT GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' OR date(${c}) IS NOT ${c})`), `${t}.${c}`).toBe(0);
      }
    }
    expect(count("SELECT COUNT(*) FROM trades WHERE created_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]' OR substr(created_at, 1, 10) <> trade_date")).toBe(0);
    expect(count('SELECT COUNT(*) FROM counterparties WHERE length(lei) <> 20')).toBe(0);
    expect(count('SELECT COUNT(DISTINCT lei) FROM counterparties')).toBe(main.counts.counterparties);
    expect(count('SELECT COUNT(DISTINCT short_name) FROM counterparties')).toBe(main.counts.counterparties);
    expect(count("SELECT COUNT(*) FROM books WHERE book_code NOT GLOB '[A-Z]*-[A-Z][A-Z][A-Z]-[0-9][0-9]'")).toBe(0);
  });

  it('keeps books, trades and products consistent', () => {
    const deskClass: Record<string, string> = {
      'G10 Rates': 'Rates', 'EM Rates': 'Rates', 'Credit Trading': 'Credit', 'FX Forwards': 'FX', 'FX Options': 'FX', 'Equity Derivatives': 'Equity', Commodities: 'Commodity',
    };
    for (const [desk, ac] of Object.entries(deskClass)) expect(count('SELECT COUNT(*) FROM books WHERE desk = ? AND asset_class <> ?', desk, ac), desk).toBe(0);
    const entity: Record<string, string[]> = { EMEA: ['Bank PLC', 'Bank AG'], AMER: ['Bank Inc'], APAC: ['Bank Japan KK', 'Bank PLC'] };
    for (const [region, les] of Object.entries(entity)) {
      expect(count(`SELECT COUNT(*) FROM books WHERE region = ? AND legal_entity NOT IN (${les.map(() => '?').join(',')})`, region, ...les), region).toBe(0);
    }
    expect(count('SELECT COUNT(*) FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.asset_class <> b.asset_class')).toBe(0);
    const products: Record<string, string[]> = {
      Rates: ['Interest Rate Swap', 'OIS', 'Cross Currency Swap', 'FRA', 'Swaption', 'Cap/Floor'],
      Credit: ['CDS Single Name', 'CDS Index'],
      FX: ['FX Forward', 'FX Swap', 'FX Option', 'NDF'],
      Equity: ['Equity Swap', 'Equity Option'],
      Commodity: ['Commodity Swap', 'Commodity Option'],
    };
    for (const [ac, ps] of Object.entries(products)) {
      expect(count(`SELECT COUNT(*) FROM trades WHERE asset_class = ? AND product_type NOT IN (${ps.map(() => '?').join(',')})`, ac, ...ps), ac).toBe(0);
    }
    const optionOrFx = "('Swaption','Cap/Floor','FX Option','Equity Option','Commodity Option','FX Forward','FX Swap','NDF')";
    expect(count(`SELECT COUNT(*) FROM trades WHERE product_type IN ${optionOrFx} AND direction NOT IN ('Buy','Sell')`)).toBe(0);
    expect(count(`SELECT COUNT(*) FROM trades WHERE product_type NOT IN ${optionOrFx} AND direction NOT IN ('Pay','Receive')`)).toBe(0);
    expect(count("SELECT COUNT(*) FROM trades WHERE asset_class = 'FX' AND fixed_rate IS NOT NULL")).toBe(0);
    expect(count("SELECT COUNT(*) FROM trades WHERE product_type IN ('Interest Rate Swap','OIS','FRA') AND fixed_rate IS NULL")).toBe(0);
    expect(count('SELECT COUNT(*) FROM trades WHERE (ccp IS NULL) <> (is_cleared = 0)')).toBe(0);
    expect(count('SELECT COUNT(*) FROM trades WHERE effective_date < trade_date OR maturity_date <= effective_date')).toBe(0);
    expect(count('SELECT COUNT(*) FROM trades WHERE trade_date > ?', AS_OF)).toBe(0);
    expect(count("SELECT COUNT(*) FROM trades WHERE status = 'Matured' AND maturity_date >= ?", AS_OF)).toBe(0);
    expect(count("SELECT COUNT(*) FROM trades WHERE status = 'Live' AND maturity_date < ?", AS_OF)).toBe(0);
    expect(count('SELECT COUNT(*) FROM trades t JOIN counterparties c USING (counterparty_id) WHERE t.trade_date < c.onboarded_date')).toBe(0);
    expect(count('SELECT COUNT(*) FROM trades WHERE ABS(notional_usd - notional * (CASE currency ' +
      "WHEN 'USD' THEN 1 WHEN 'EUR' THEN 1.08 WHEN 'GBP' THEN 1.27 WHEN 'JPY' THEN 0.0067 WHEN 'CHF' THEN 1.13 WHEN 'AUD' THEN 0.66 WHEN 'CAD' THEN 0.73 ELSE 0.75 END)) > 0.01")).toBe(0);
  });

  it('keeps confirmations consistent', () => {
    expect(count('SELECT COUNT(*) FROM (SELECT trade_id FROM confirmations GROUP BY trade_id HAVING COUNT(*) <> 1)')).toBe(0);
    expect(count("SELECT COUNT(*) FROM confirmations WHERE (status = 'Matched') <> (matched_date IS NOT NULL)")).toBe(0);
    expect(count('SELECT COUNT(*) FROM confirmations WHERE matched_date < sent_date OR matched_date > ? OR sent_date > ?', AS_OF, AS_OF)).toBe(0);
    expect(count("SELECT COUNT(*) FROM confirmations WHERE (break_reason IS NOT NULL) <> (status IN ('Unmatched','Disputed'))")).toBe(0);
    expect(count("SELECT COUNT(*) FROM confirmations c JOIN trades t USING (trade_id) WHERE (c.status = 'Cancelled') <> (t.status = 'Cancelled')")).toBe(0);
    expect(count('SELECT COUNT(*) FROM confirmations c JOIN trades t USING (trade_id) WHERE c.sent_date < t.trade_date')).toBe(0);
    expect(count("SELECT COUNT(*) FROM confirmations WHERE status IN ('Pending','Unmatched','Disputed')")).toBeGreaterThan(0);
  });

  it('keeps settlements consistent', () => {
    expect(count("SELECT COUNT(*) FROM settlements WHERE (status = 'Settled') <> (settled_date IS NOT NULL)")).toBe(0);
    expect(count('SELECT COUNT(*) FROM settlements WHERE settled_date < value_date OR settled_date > ?', AS_OF)).toBe(0);
    expect(count("SELECT COUNT(*) FROM settlements WHERE (fail_reason IS NOT NULL) <> (status = 'Failed')")).toBe(0);
    expect(count("SELECT COUNT(*) FROM settlements WHERE status IN ('Settled','Failed') AND value_date > ?", AS_OF)).toBe(0);
    expect(count("SELECT COUNT(*) FROM settlements WHERE status = 'Pending' AND value_date < ?", AS_OF)).toBe(0);
    expect(count('SELECT COUNT(*) FROM settlements WHERE amount <= 0 OR amount_usd <= 0')).toBe(0);
    expect(count('SELECT COUNT(*) FROM settlements s JOIN trades t USING (trade_id) WHERE s.counterparty_id <> t.counterparty_id')).toBe(0);
    expect(count("SELECT COUNT(*) FROM settlements s JOIN trades t USING (trade_id) WHERE (s.method = 'CCP') <> (t.is_cleared = 1)")).toBe(0);
    expect(count("SELECT COUNT(*) FROM settlements WHERE method = 'CLS' AND cashflow_type NOT IN ('Principal','Final Exchange')")).toBe(0);
    expect(count("SELECT COUNT(*) FROM settlements WHERE status = 'Settled' AND settled_date > value_date")).toBeGreaterThan(0);
  });

  it('keeps payment netting consistent', () => {
    expect(count('SELECT COUNT(*) FROM payment_netting WHERE ABS(net_amount - (gross_receive - gross_pay)) > 0.005')).toBe(0);
    expect(count("SELECT COUNT(*) FROM payment_netting WHERE status = 'Pending' AND (counterparty_net_amount IS NOT NULL OR break_amount <> 0)")).toBe(0);
    expect(count("SELECT COUNT(*) FROM payment_netting WHERE status = 'Agreed' AND (counterparty_net_amount IS NOT net_amount OR break_amount <> 0)")).toBe(0);
    expect(count("SELECT COUNT(*) FROM payment_netting WHERE status = 'Mismatch' AND (counterparty_net_amount IS NULL OR break_amount <= 0 OR ABS(break_amount - ABS(net_amount - counterparty_net_amount)) > 0.005)")).toBe(0);
    expect(count('SELECT COUNT(*) FROM payment_netting WHERE payments_count < 1')).toBe(0);
    expect(count("SELECT COUNT(*) FROM payment_netting WHERE status = 'Mismatch'")).toBeGreaterThan(0);
    // Each group is the sum of the netted settlements of that counterparty, currency and value date.
    const mismatched = db
      .prepare(
        `SELECT COUNT(*) FROM payment_netting n WHERE n.payments_count <> (SELECT COUNT(*) FROM settlements s WHERE s.method = 'Netted' AND s.status <> 'Cancelled'
           AND s.counterparty_id = n.counterparty_id AND s.currency = n.currency AND s.value_date = n.value_date)`,
      )
      .raw()
      .get() as [number];
    expect(mismatched[0]).toBe(0);
  });

  it('keeps exceptions consistent', () => {
    expect(count("SELECT COUNT(*) FROM exceptions WHERE (status = 'Resolved') <> (resolved_date IS NOT NULL)")).toBe(0);
    expect(count('SELECT COUNT(*) FROM exceptions WHERE resolved_date < raised_date OR raised_date > ? OR resolved_date > ?', AS_OF, AS_OF)).toBe(0);
    const team: Record<string, string[]> = {
      'Settlement Fail': ['Settlements'], 'Netting Mismatch': ['Settlements'], 'Missing SSI': ['Settlements'], 'Collateral Dispute': ['Collateral Ops'],
      'Confirmation Break': ['Rates Ops', 'Credit Ops', 'FX Ops', 'Equity Ops'], 'Reconciliation Break': ['Rates Ops', 'Credit Ops', 'FX Ops', 'Equity Ops'],
      'Trade Capture Error': ['Rates Ops', 'Credit Ops', 'FX Ops', 'Equity Ops'],
    };
    for (const [type, teams] of Object.entries(team)) {
      expect(count(`SELECT COUNT(*) FROM exceptions WHERE exception_type = ? AND owner_team NOT IN (${teams.map(() => '?').join(',')})`, type, ...teams), type).toBe(0);
    }
    expect(count("SELECT COUNT(*) FROM exceptions WHERE (trade_id IS NULL) <> (exception_type IN ('Missing SSI','Collateral Dispute','Netting Mismatch'))")).toBe(0);
    expect(count('SELECT COUNT(*) FROM exceptions e JOIN trades t USING (trade_id) WHERE e.counterparty_id <> t.counterparty_id')).toBe(0);
    expect(count("SELECT COUNT(*) FROM exceptions WHERE status <> 'Resolved' AND raised_date < date(?, '-30 days')", AS_OF)).toBeGreaterThan(0);
    expect(count('SELECT COUNT(*) FROM exceptions WHERE amount_usd IS NULL')).toBeGreaterThan(0);
    expect(count("SELECT COUNT(*) FROM exceptions WHERE length(description) < 10 OR length(description) > 400")).toBe(0);
  });

  it('keeps margin calls consistent', () => {
    expect(count("SELECT COUNT(*) FROM margin_calls WHERE (agreed_amount_usd IS NULL) <> (status = 'Pending')")).toBe(0);
    expect(count("SELECT COUNT(*) FROM margin_calls WHERE (dispute_reason IS NOT NULL) <> (status = 'Disputed')")).toBe(0);
    expect(count("SELECT COUNT(*) FROM margin_calls WHERE status = 'Disputed' AND agreed_amount_usd >= call_amount_usd")).toBe(0);
    expect(count("SELECT COUNT(*) FROM margin_calls WHERE (settled_date IS NOT NULL) <> (status = 'Settled')")).toBe(0);
    expect(count('SELECT COUNT(*) FROM margin_calls WHERE settled_date < call_date OR call_date > ? OR settled_date > ?', AS_OF, AS_OF)).toBe(0);
    expect(count('SELECT COUNT(*) FROM margin_calls m JOIN counterparties c USING (counterparty_id) WHERE c.is_active = 0')).toBe(0);
    expect(count("SELECT COUNT(*) FROM margin_calls WHERE status = 'Disputed'")).toBeGreaterThan(0);
  });

  it('has every foreign key resolving', () => {
    const fk = new Database(join(dir, 'main.db'), { readonly: true });
    expect(fk.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    fk.close();
    expect(count('SELECT COUNT(*) FROM exceptions e LEFT JOIN trades t USING (trade_id) WHERE e.trade_id IS NOT NULL AND t.trade_id IS NULL')).toBe(0);
  });
});

describe('demo database: realistic structure', () => {
  it('concentrates settlement fails in a few counterparties', () => {
    const perCpty = (db.prepare("SELECT COUNT(*) FROM settlements WHERE status = 'Failed' GROUP BY counterparty_id ORDER BY 1 DESC").raw().all() as [number][]).map((r) => r[0]);
    const total = perCpty.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(20);
    const top = perCpty.slice(0, Math.ceil(main.counts.counterparties * 0.2)).reduce((a, b) => a + b, 0);
    expect(top / total).toBeGreaterThan(0.4);
  });

  it('has activity on the as-of date, in the days before and after it', () => {
    expect(count('SELECT COUNT(*) FROM trades WHERE trade_date = ?', AS_OF)).toBeGreaterThan(0);
    expect(count("SELECT COUNT(DISTINCT trade_date) FROM trades WHERE trade_date >= date(?, '-7 days')", AS_OF)).toBeGreaterThanOrEqual(5);
    expect(count('SELECT COUNT(*) FROM settlements WHERE value_date = ?', AS_OF)).toBeGreaterThan(0);
    expect(count("SELECT COUNT(DISTINCT value_date) FROM settlements WHERE value_date > ? AND value_date <= date(?, '+14 days') AND status = 'Pending'", AS_OF, AS_OF)).toBeGreaterThanOrEqual(8);
    expect(count("SELECT COUNT(*) FROM payment_netting WHERE value_date > ?", AS_OF)).toBeGreaterThan(0);
    expect(count("SELECT COUNT(*) FROM margin_calls WHERE call_date = ?", AS_OF)).toBeGreaterThan(0);
    const first = (db.prepare('SELECT MIN(trade_date) FROM trades').raw().get() as [string])[0];
    expect(first < '2024-01-01').toBe(true);
  });

  it('has large trades with a heavy tail, and more recent trades than old ones', () => {
    expect(count('SELECT COUNT(*) FROM trades WHERE notional_usd >= 100000000')).toBeGreaterThan(0);
    expect(count('SELECT COUNT(*) FROM trades WHERE notional_usd >= 100000000')).toBeLessThan(TRADES * 0.25);
    const recent = count("SELECT COUNT(*) FROM trades WHERE trade_date > date(?, '-365 days')", AS_OF);
    const old = count("SELECT COUNT(*) FROM trades WHERE trade_date <= date(?, '-730 days')", AS_OF);
    expect(recent).toBeGreaterThan(old * 1.3);
    expect(count("SELECT COUNT(*) FROM trades WHERE status = 'Live'")).toBeGreaterThan(TRADES * 0.2);
    for (const s of ['Matured', 'Terminated', 'Cancelled', 'Novated']) expect(count('SELECT COUNT(*) FROM trades WHERE status = ?', s), s).toBeGreaterThan(0);
    expect(count('SELECT COUNT(*) FROM counterparties WHERE is_active = 0')).toBeGreaterThan(0);
    expect(count('SELECT COUNT(DISTINCT trader) FROM trades')).toBeGreaterThanOrEqual(30);
  });
});

describe('demo database: determinism and safety', () => {
  it('gives the same content for the same seed, and different content for another seed', async () => {
    const a = join(dir, 'a.db');
    const b = join(dir, 'b.db');
    const c = join(dir, 'c.db');
    await buildDemoDatabase({ out: a, trades: 1500, seed: 99, asOf: AS_OF });
    await buildDemoDatabase({ out: b, trades: 1500, seed: 99, asOf: AS_OF });
    await buildDemoDatabase({ out: c, trades: 1500, seed: 100, asOf: AS_OF });
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash(a)).not.toBe(contentHash(c));
  });

  it('gives the same content whether half of the history is built in a worker thread or not', async () => {
    const a = join(dir, 'par-a.db');
    const b = join(dir, 'par-b.db');
    await buildDemoDatabase({ out: a, trades: 1500, seed: 99, asOf: AS_OF, parallel: true });
    await buildDemoDatabase({ out: b, trades: 1500, seed: 99, asOf: AS_OF, parallel: false });
    expect(contentHash(a)).toBe(contentHash(b));
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('refuses to overwrite an existing file without force, and replaces it with force', async () => {
    const out = join(dir, 'existing.db');
    writeFileSync(out, 'precious');
    await expect(buildDemoDatabase({ out, trades: 500, seed: 1, asOf: AS_OF })).rejects.toMatchObject({ code: 'OTC_ERR_DEMO_EXISTS' });
    expect(readFileSync(out, 'utf8')).toBe('precious');
    const r = await buildDemoDatabase({ out, trades: 500, seed: 1, asOf: AS_OF, force: true });
    expect(r.counts.trades).toBe(500);
    const d = new Database(out, { readonly: true });
    expect((d.prepare('SELECT COUNT(*) FROM trades').raw().get() as [number])[0]).toBe(500);
    d.close();
  });

  it('leaves nothing at --out, and no temporary file, when the build is interrupted', async () => {
    const sub = mkdtempSync(join(dir, 'abort-'));
    const out = join(sub, 'demo.db');
    const ctl = new AbortController();
    await expect(
      buildDemoDatabase({ out, trades: 3000, seed: 3, asOf: AS_OF, signal: ctl.signal, onProgress: (t) => t === 'trades' && ctl.abort() }),
    ).rejects.toMatchObject({ code: 'OTC_ERR_DEMO_ABORTED' });
    expect(readdirSync(sub)).toEqual([]);
  });

  it('leaves nothing at --out when the build fails, and keeps an existing file it was asked to replace', async () => {
    const sub = mkdtempSync(join(dir, 'fail-'));
    const out = join(sub, 'demo.db');
    const boom = (t: string): void => {
      if (t === 'settlements') throw new Error('disk on fire');
    };
    await expect(buildDemoDatabase({ out, trades: 2000, seed: 3, asOf: AS_OF, onProgress: boom })).rejects.toThrow(/disk on fire/);
    expect(readdirSync(sub)).toEqual([]);
    writeFileSync(out, 'old demo');
    await expect(buildDemoDatabase({ out, trades: 2000, seed: 3, asOf: AS_OF, force: true, onProgress: boom })).rejects.toThrow(/disk on fire/);
    expect(readdirSync(sub)).toEqual(['demo.db']);
    expect(readFileSync(out, 'utf8')).toBe('old demo');
  });

  it('rejects bad options with a usage error', async () => {
    const out = join(dir, 'never.db');
    await expect(buildDemoDatabase({ out, trades: 0, seed: 1, asOf: AS_OF })).rejects.toMatchObject({ code: 'OTC_ERR_USAGE' });
    await expect(buildDemoDatabase({ out, trades: 10, seed: -1, asOf: AS_OF })).rejects.toMatchObject({ code: 'OTC_ERR_USAGE' });
    await expect(buildDemoDatabase({ out, trades: 10, seed: 1, asOf: '2026-02-30' })).rejects.toMatchObject({ code: 'OTC_ERR_USAGE' });
    await expect(buildDemoDatabase({ out: ' ', trades: 10, seed: 1, asOf: AS_OF })).rejects.toMatchObject({ code: 'OTC_ERR_USAGE' });
    expect(existsSync(out)).toBe(false);
  });

  it('puts trades on the as-of date even when it falls on a weekend', async () => {
    const out = join(dir, 'weekend.db');
    await buildDemoDatabase({ out, trades: 800, seed: 5, asOf: '2026-11-28' });
    const d = new Database(out, { readonly: true });
    expect((d.prepare("SELECT COUNT(*) FROM trades WHERE trade_date = '2026-11-28'").raw().get() as [number])[0]).toBeGreaterThan(0);
    expect((d.prepare("SELECT COUNT(*) FROM trades WHERE trade_date = '2026-11-22'").raw().get() as [number])[0]).toBe(0);
    d.close();
  });
});
