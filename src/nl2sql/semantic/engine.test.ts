/**
 * The semantic engine over a demo database it was never developed on (its own seed): answers to
 * generic questions are compared with SQL written here, names are read from that database.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectFor, type Datasource } from '../../datasource/index.js';
import { guardSql, policyFromSnapshot } from '../../guard/index.js';
import type { TrainedModel } from '../../training/index.js';
import { engineOnDemo, expectSameRows, type TrainedEngine } from './engine.test-fixture.js';
import { ABSTAIN_MESSAGE, type SemanticEngine } from './index.js';

const TODAY = '2026-06-17'; // a Wednesday: this week = 06-15..06-17, last week = 06-08..06-14
let ds: Datasource;
let model: TrainedModel;
let engine: SemanticEngine;
let world: TrainedEngine | undefined;

beforeAll(async () => {
  world = await engineOnDemo(TODAY, 'otc-engine-');
  ({ ds, model, engine } = world);
});
afterAll(() => world?.close());

function sqlFor(question: string): string {
  const r = engine.generate(question, { today: TODAY, dialect: ds.dialect });
  if (r.status !== 'sql') throw new Error(`"${question}" was ${r.status}: ${r.reason}`);
  return (r as { sql: string }).sql;
}

async function rows(sqlText: string): Promise<unknown[][]> {
  return (await ds.query(sqlText, { maxRows: 100000 })).rows;
}

/** The engine's answer holds the gold columns (in some order) with the same rows. */
async function expectSameAnswer(question: string, gold: string): Promise<void> {
  expectSameRows(question, await rows(sqlFor(question)), await rows(gold), { emptyOk: true });
}

const LIVE = "status = 'Live'";
const OPEN_CONF = "status IN ('Pending','Unmatched','Disputed')";
const OPEN_EXC = "status IN ('Open','In Progress','Escalated')";

describe('measures', () => {
  const cases: [string, string][] = [
    ['Number of live trades', `SELECT COUNT(*) FROM trades WHERE ${LIVE}`],
    ['Total notional of live trades by desk', `SELECT b.desk, SUM(t.notional_usd) FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.${LIVE} GROUP BY b.desk`],
    ['Average fixed rate of live OIS trades', `SELECT AVG(fixed_rate) FROM trades WHERE product_type = 'OIS' AND ${LIVE}`],
    ['Average days to maturity of live trades', `SELECT AVG(julianday(maturity_date) - julianday('${TODAY}')) FROM trades WHERE ${LIVE}`],
    ['How many distinct counterparties did we trade with last month?', "SELECT COUNT(DISTINCT counterparty_id) FROM trades WHERE trade_date BETWEEN '2026-05-01' AND '2026-05-31' AND status <> 'Cancelled'"],
    ['How many counterparties are hedge funds?', "SELECT COUNT(*) FROM counterparties WHERE sector = 'Hedge Fund'"],
    ['Number of confirmations sent last week', "SELECT COUNT(*) FROM confirmations WHERE sent_date BETWEEN '2026-06-08' AND '2026-06-14'"],
    ['Total chasers on pending confirmations', "SELECT SUM(chaser_count) FROM confirmations WHERE status = 'Pending'"],
    ['Average time to match confirmations this month', "SELECT AVG(julianday(matched_date) - julianday(sent_date)) FROM confirmations WHERE status = 'Matched' AND matched_date BETWEEN '2026-06-01' AND '2026-06-17'"],
    ['Match rate of confirmations sent last month', "SELECT 100.0 * SUM(CASE WHEN status = 'Matched' THEN 1 ELSE 0 END) / COUNT(*) FROM confirmations WHERE sent_date BETWEEN '2026-05-01' AND '2026-05-31' AND status <> 'Cancelled'"],
    ['Total amount of failed settlements this month', "SELECT SUM(amount_usd) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN '2026-06-01' AND '2026-06-17'"],
    ['Settlement fail rate last month', "SELECT 100.0 * SUM(CASE WHEN status = 'Failed' THEN 1 ELSE 0 END) / SUM(CASE WHEN status IN ('Failed','Settled') THEN 1 ELSE 0 END) FROM settlements WHERE value_date BETWEEN '2026-05-01' AND '2026-05-31'"],
    ['Average settlement delay of late settlements', "SELECT AVG(julianday(settled_date) - julianday(value_date)) FROM settlements WHERE status = 'Settled' AND settled_date > value_date"],
    ['Total break amount of netting breaks by currency', "SELECT currency, SUM(break_amount) FROM payment_netting WHERE status = 'Mismatch' GROUP BY currency"],
    ['Total net amount by currency for value date tomorrow', "SELECT currency, SUM(net_amount) FROM payment_netting WHERE value_date = '2026-06-18' GROUP BY currency"],
    ['Total gross pay of netting groups this month', "SELECT SUM(gross_pay) FROM payment_netting WHERE value_date BETWEEN '2026-06-01' AND '2026-06-17'"],
    ['Average number of payments per netting group', 'SELECT AVG(payments_count) FROM payment_netting'],
    ['Money at stake on open exceptions', `SELECT SUM(amount_usd) FROM exceptions WHERE ${OPEN_EXC}`],
    ['Average age of open exceptions', `SELECT AVG(julianday('${TODAY}') - julianday(raised_date)) FROM exceptions WHERE ${OPEN_EXC}`],
    ['Average time to resolve exceptions resolved last month', "SELECT AVG(julianday(resolved_date) - julianday(raised_date)) FROM exceptions WHERE status = 'Resolved' AND resolved_date BETWEEN '2026-05-01' AND '2026-05-31'"],
    ['Total call amount of margin calls received this month', "SELECT SUM(call_amount_usd) FROM margin_calls WHERE direction = 'Received' AND call_date BETWEEN '2026-06-01' AND '2026-06-17'"],
    ['Total agreed amount of margin calls', 'SELECT SUM(agreed_amount_usd) FROM margin_calls'],
    ['Disputed amount by dispute reason', "SELECT dispute_reason, SUM(call_amount_usd - agreed_amount_usd) FROM margin_calls WHERE status = 'Disputed' GROUP BY dispute_reason"],
  ];
  for (const [q, gold] of cases) it(q, () => expectSameAnswer(q, gold));
});

describe('named filters', () => {
  const cases: [string, string][] = [
    ['How many large trades were booked last week?', "SELECT COUNT(*) FROM trades WHERE notional_usd >= 100000000 AND trade_date BETWEEN '2026-06-08' AND '2026-06-14' AND status <> 'Cancelled'"],
    ['How many live trades are cleared?', `SELECT COUNT(*) FROM trades WHERE is_cleared = 1 AND ${LIVE}`],
    ['Bilateral live trades by product type', `SELECT product_type, COUNT(*) FROM trades WHERE is_cleared = 0 AND ${LIVE} GROUP BY product_type`],
    ['Total notional of live CDS', `SELECT SUM(notional_usd) FROM trades WHERE product_type IN ('CDS Single Name','CDS Index') AND ${LIVE}`],
    ['Number of live rates swaps', `SELECT COUNT(*) FROM trades WHERE product_type IN ('Interest Rate Swap','OIS','Cross Currency Swap') AND ${LIVE}`],
    ['Live options by product type', `SELECT product_type, COUNT(*) FROM trades WHERE product_type IN ('Swaption','Cap/Floor','FX Option','Equity Option','Commodity Option') AND ${LIVE} GROUP BY product_type`],
    ['How many trades by source system?', "SELECT source_system, COUNT(*) FROM trades WHERE status <> 'Cancelled' GROUP BY source_system"],
    ['Which counterparties are no longer active?', 'SELECT short_name FROM counterparties WHERE is_active = 0'],
    ['How many active counterparties do we have?', 'SELECT COUNT(*) FROM counterparties WHERE is_active = 1'],
    ['How many confirmations were matched yesterday?', "SELECT COUNT(*) FROM confirmations WHERE status = 'Matched' AND matched_date = '2026-06-16'"],
    ['Open confirmations by analyst', `SELECT assigned_to, COUNT(*) FROM confirmations WHERE ${OPEN_CONF} GROUP BY assigned_to`],
    ['Confirmation breaks by platform', "SELECT platform, COUNT(*) FROM confirmations WHERE status IN ('Unmatched','Disputed') GROUP BY platform"],
    ['How many aged confirmations are there?', `SELECT COUNT(*) FROM confirmations WHERE ${OPEN_CONF} AND sent_date < '2026-06-12'`],
    ['How many settlements failed yesterday?', "SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date = '2026-06-16'"],
    ['How many settlements settled yesterday?', "SELECT COUNT(*) FROM settlements WHERE status = 'Settled' AND settled_date = '2026-06-16'"],
    ['How many settlements settled late last month?', "SELECT COUNT(*) FROM settlements WHERE status = 'Settled' AND settled_date > value_date AND value_date BETWEEN '2026-05-01' AND '2026-05-31'"],
    ['Total payments due tomorrow', "SELECT SUM(amount_usd) FROM settlements WHERE direction = 'Pay' AND value_date = '2026-06-18' AND status <> 'Cancelled'"],
    ['Total EUR receipts due next week', "SELECT SUM(amount) FROM settlements WHERE direction = 'Receive' AND currency = 'EUR' AND value_date BETWEEN '2026-06-22' AND '2026-06-28' AND status <> 'Cancelled'"],
    ['How many fails this year were caused by SSI problems?', "SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND fail_reason IN ('Missing SSI','Incorrect SSI') AND value_date BETWEEN '2026-01-01' AND '2026-06-17'"],
    ['How many netting breaks are there this week?', "SELECT COUNT(*) FROM payment_netting WHERE status = 'Mismatch' AND value_date BETWEEN '2026-06-15' AND '2026-06-17'"],
    ['Open exceptions by severity', `SELECT severity, COUNT(*) FROM exceptions WHERE ${OPEN_EXC} GROUP BY severity`],
    ['How many exceptions were resolved this week?', "SELECT COUNT(*) FROM exceptions WHERE status = 'Resolved' AND resolved_date BETWEEN '2026-06-15' AND '2026-06-17'"],
    ['How many margin calls did we issue last week?', "SELECT COUNT(*) FROM margin_calls WHERE direction = 'Issued' AND call_date BETWEEN '2026-06-08' AND '2026-06-14'"],
    ['Margin disputes by counterparty', "SELECT c.short_name, COUNT(*) FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.status = 'Disputed' GROUP BY c.short_name"],
  ];
  for (const [q, gold] of cases) it(q, () => expectSameAnswer(q, gold));
});

describe('question shapes', () => {
  const cases: [string, string][] = [
    ['Top 3 traders by number of trades booked this month', "SELECT trader, COUNT(*) AS n FROM trades WHERE trade_date BETWEEN '2026-06-01' AND '2026-06-17' AND status <> 'Cancelled' GROUP BY trader ORDER BY n DESC LIMIT 3"],
    ['Which books have more than 2 open confirmation breaks?', "SELECT b.book_code FROM confirmations f JOIN trades t ON t.trade_id = f.trade_id JOIN books b ON b.book_id = t.book_id WHERE f.status IN ('Unmatched','Disputed') GROUP BY b.book_code HAVING COUNT(*) > 2"],
    ['Which counterparties have disputed margin calls?', "SELECT DISTINCT c.short_name FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.status = 'Disputed'"],
    ['Monthly trade count this year', "SELECT substr(trade_date, 1, 7), COUNT(*) FROM trades WHERE trade_date BETWEEN '2026-01-01' AND '2026-06-17' AND status <> 'Cancelled' GROUP BY 1"],
    ['Weekly settlement fails over the last 4 weeks', "SELECT date(value_date, '-' || ((CAST(strftime('%w', value_date) AS INTEGER) + 6) % 7) || ' days') AS w, COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN '2026-05-21' AND '2026-06-17' GROUP BY w"],
    ['List counterparties rated BBB or below', "SELECT short_name FROM counterparties WHERE credit_rating IN ('BBB','BB','B')"],
    ['How many live trades are in currencies other than USD?', `SELECT COUNT(*) FROM trades WHERE currency <> 'USD' AND ${LIVE}`],
    ['How many live trades have a notional between 50m and 100m?', `SELECT COUNT(*) FROM trades WHERE notional_usd BETWEEN 50000000 AND 100000000 AND ${LIVE}`],
    ['What percentage of live trades are cleared?', `SELECT 100.0 * SUM(CASE WHEN is_cleared = 1 THEN 1 ELSE 0 END) / COUNT(*) FROM trades WHERE ${LIVE}`],
    ['How many different traders booked trades last month?', "SELECT COUNT(DISTINCT trader) FROM trades WHERE trade_date BETWEEN '2026-05-01' AND '2026-05-31' AND status <> 'Cancelled'"],
    ['Which desk has the most live trades?', `SELECT b.desk, COUNT(*) AS n FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.${LIVE} GROUP BY b.desk ORDER BY n DESC LIMIT 1`],
    ['Open exceptions by owner team and severity', `SELECT owner_team, severity, COUNT(*) FROM exceptions WHERE ${OPEN_EXC} GROUP BY owner_team, severity`],
  ];
  for (const [q, gold] of cases) it(q, () => expectSameAnswer(q, gold));
});

describe('names learned from the database', () => {
  let name: string;
  let legal: string;
  beforeAll(async () => {
    // a counterparty whose first word is long and names it alone
    const all = (await rows('SELECT short_name, legal_name FROM counterparties')) as [string, string][];
    const firstWords = all.map(([s]) => s.split(' ')[0]!.toLowerCase());
    const pick = all.find(([s]) => {
      const w = s.split(' ');
      return w.length >= 2 && w[0]!.length >= 6 && /^[A-Za-z]+$/.test(w[0]!) && firstWords.filter((f) => f === w[0]!.toLowerCase()).length === 1;
    });
    expect(pick).toBeDefined();
    [name, legal] = pick!;
  });
  const gold = () => `SELECT COUNT(*) FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE c.short_name = '${name.replace(/'/g, "''")}' AND t.status = 'Live'`;

  it('the short name', async () => expectSameAnswer(`How many live trades do we have with ${name}?`, gold()));
  it('the first word alone', async () => expectSameAnswer(`How many live trades with ${name.split(' ')[0]}?`, gold()));
  it('lower case', async () => expectSameAnswer(`live trades with ${name.toLowerCase()}`, gold()));
  it('the legal name', async () => expectSameAnswer(`How many live trades with ${legal}?`, gold()));
  it('a typo (two letters swapped)', async () => {
    const w = name.split(' ')[0]!;
    const typo = w.slice(0, 2) + w[3] + w[2] + w.slice(4);
    await expectSameAnswer(`How many live trades with ${typo} ${name.split(' ').slice(1).join(' ')}?`, gold());
  });
  it('a typo (one letter dropped)', async () => {
    const w = name.split(' ')[0]!;
    await expectSameAnswer(`Number of live trades with ${w.slice(0, 3) + w.slice(4)}`, gold());
  });
  it('an abbreviation inside a name (Management -> Mgmt)', async () => {
    const rs = (await rows("SELECT short_name FROM counterparties WHERE short_name LIKE '% Management'")) as [string][];
    const target = rs.length ? rs[0]![0] : 'Asset Management';
    const r = engine.understand(`live trades with ${target.replace('Management', 'Mgmt')}`, TODAY);
    if (rs.length) {
      expect('query' in r).toBe(true);
      expect(JSON.stringify((r as { query: unknown }).query)).toContain(target);
    } else expect('query' in r).toBe(false); // no such name here: nothing is guessed
  });
  it('a desk and a trader read from the data', async () => {
    const [[desk]] = (await rows('SELECT desk FROM books ORDER BY desk LIMIT 1')) as [string][];
    const [[trader]] = (await rows('SELECT trader FROM trades ORDER BY trader LIMIT 1')) as [string][];
    await expectSameAnswer(
      `Live trades for the ${desk} desk by ${trader} this year`,
      `SELECT COUNT(*) FROM trades t JOIN books b ON b.book_id = t.book_id WHERE b.desk = '${desk}' AND t.trader = '${trader}' AND t.${LIVE} AND t.trade_date BETWEEN '2026-01-01' AND '2026-06-17'`,
    );
  });
  it('a country by name', async () =>
    expectSameAnswer(
      'How many open exceptions with counterparties in the United Kingdom?',
      `SELECT COUNT(*) FROM exceptions e JOIN counterparties c ON c.counterparty_id = e.counterparty_id WHERE c.country = 'GB' AND e.${OPEN_EXC}`,
    ));
  it('a name that is not in the data is not guessed', () => {
    const r = engine.generate('How many live trades with Zyxwvut Holdings?', { today: TODAY, dialect: ds.dialect });
    expect(r.status).toBe('abstained');
  });
});

describe('refusal and abstention', () => {
  const writes = [
    'Delete all cancelled trades',
    'drop table trades',
    'Update the confirmation for trade OTC-2026-0001234 to matched',
    'Mark all pending confirmations as matched',
    'please truncate the settlements table',
    'Grant select on trades to public',
    'Cancel the trade OTC-2026-0000001',
    'Insert a new margin call for 5m',
    'set the status of exception 12 to resolved',
  ];
  for (const q of writes)
    it(`refuses: ${q}`, () => {
      const r = engine.generate(q, { today: TODAY, dialect: ds.dialect });
      expect(r.status).toBe('refused');
      expect((r as { message: string }).message).toMatch(/change data/);
    });
  const cannot = [
    'What is the P&L on our live trades?',
    'Show me the VaR by desk',
    'What will the EUR/USD rate be next week?',
    'Show me the CVA for our largest counterparty',
    'Who is the CEO of our biggest client?',
    'What is the weather in London today?',
    'How many trades are purple?',
    'How many breaks?',
    'How many trades are not?',
  ];
  for (const q of cannot)
    it(`abstains: ${q}`, () => {
      const r = engine.generate(q, { today: TODAY, dialect: ds.dialect });
      expect(r.status).toBe('abstained');
      const a = r as { message: string; suggestions?: string[] };
      expect(a.message).toBe(ABSTAIN_MESSAGE);
      expect(a.suggestions!.length).toBeGreaterThan(0);
      expect(a.suggestions!.length).toBeLessThanOrEqual(3);
    });
  it('a read that starts with a write-like word is not refused ("match rate")', () => {
    expect(engine.generate('Match rate by platform this month', { today: TODAY, dialect: ds.dialect }).status).toBe('sql');
  });
  it('explains with actual values and dates', () => {
    const r = engine.generate('How many settlements failed yesterday?', { today: TODAY, dialect: ds.dialect }) as { explanation: string };
    expect(r.explanation).toBe('Counting settlements with status Failed and value date on 2026-06-16.');
  });
});

describe('every generated SQL passes the guard', () => {
  // the development set (the held-out sets stay apart from the engine's tests) and the profile's examples
  const files = [process.env.OTC_DEV_QUESTIONS ?? '/work/shared/benchmark/ops-dev.jsonl'].filter((f) => existsSync(f));
  const fromFiles = files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { question: string }).question),
  );
  const questions: string[] = [];
  beforeAll(() => {
    questions.push(...fromFiles, ...model.profile.examples.map((x) => x.question));
  });
  it('sqlite: all answered questions of the question sets', async () => {
    expect(questions.length).toBeGreaterThan(50);
    const policy = policyFromSnapshot(model.snapshot, 1000);
    let answered = 0;
    for (const q of questions) {
      const r = engine.generate(q, { today: TODAY, dialect: ds.dialect });
      if (r.status !== 'sql') continue;
      answered++;
      const v = await guardSql(r.sql, 'sqlite', policy);
      expect(v.ok, `${q}\n${r.sql}\n${v.ok ? '' : v.reason}`).toBe(true);
      if (v.ok) await ds.query(v.sql); // and it runs
    }
    expect(answered / questions.length).toBeGreaterThan(0.7);
  });
  for (const dialect of ['postgres', 'mssql'] as const)
    it(`${dialect}: a sample compiled for that dialect`, async () => {
      const policy = policyFromSnapshot(model.snapshot, 1000);
      const sample = questions.filter((_, i) => i % 4 === 0);
      let checked = 0;
      for (const q of sample) {
        const r = engine.generate(q, { today: TODAY, dialect: dialectFor(dialect) });
        if (r.status !== 'sql') continue;
        checked++;
        const v = await guardSql(r.sql, dialect, policy);
        expect(v.ok, `${q}\n${r.sql}\n${v.ok ? '' : v.reason}`).toBe(true);
      }
      expect(checked).toBeGreaterThan(10);
    });
});

describe('comparisons side by side', () => {
  it('"EUR vs USD": both currencies, one row each, in US dollars', () =>
    expectSameAnswer('live notional EUR vs USD', `SELECT currency, SUM(notional_usd) FROM trades WHERE currency IN ('EUR','USD') AND ${LIVE} GROUP BY currency`));
  it('"cleared vs bilateral": one row per value of the flag', () =>
    expectSameAnswer('cleared vs bilateral live trades', `SELECT is_cleared, COUNT(*) FROM trades WHERE ${LIVE} GROUP BY is_cleared`));
  it('contradicting filters abstain instead of returning nothing', () => {
    expect(engine.generate('live trades that are cancelled', { today: TODAY, dialect: ds.dialect }).status).toBe('abstained');
  });
});

describe('records and rankings', () => {
  it('a trade named by its reference (recognised by shape, no default filter)', async () => {
    const [[ref]] = (await rows("SELECT trade_ref FROM trades WHERE status = 'Cancelled' ORDER BY trade_ref LIMIT 1")) as [string][];
    await expectSameAnswer(`What is the notional of trade ${ref}?`, `SELECT SUM(notional_usd) FROM trades WHERE trade_ref = '${ref}'`);
  });
  it('"the largest live trade" ranks rows', () =>
    expectSameAnswer('largest live trade', `SELECT trade_ref, notional_usd FROM trades WHERE ${LIVE} ORDER BY notional_usd DESC LIMIT 1`));
  it('"which trader booked the largest trade" answers with the trader of the top row', () =>
    expectSameAnswer('Which trader booked the largest trade this month?', "SELECT trader FROM trades WHERE trade_date BETWEEN '2026-06-01' AND '2026-06-17' AND status <> 'Cancelled' ORDER BY notional_usd DESC LIMIT 1"));
  it('"how many ... in total" still counts', () => expectSameAnswer('how many live trades do we have in total', `SELECT COUNT(*) FROM trades WHERE ${LIVE}`));
});

describe('words that are also verbs, presence of a value', () => {
  it('"did each desk book" is booking, not the books table', () =>
    expectSameAnswer('How many trades did each desk book this month?', "SELECT b.desk, COUNT(*) FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.trade_date BETWEEN '2026-06-01' AND '2026-06-17' AND t.status <> 'Cancelled' GROUP BY b.desk"));
  it('"left to confirm" are open confirmations', () => expectSameAnswer('How many trades are left to confirm?', `SELECT COUNT(*) FROM confirmations WHERE ${OPEN_CONF}`));
  it('"with a fixed rate" / "without a fixed rate"', async () => {
    await expectSameAnswer('live trades with a fixed rate', `SELECT COUNT(*) FROM trades WHERE fixed_rate IS NOT NULL AND ${LIVE}`);
    await expectSameAnswer('live trades without a fixed rate', `SELECT COUNT(*) FROM trades WHERE fixed_rate IS NULL AND ${LIVE}`);
  });
  it('"without a CCP" is an empty column', () => expectSameAnswer('How many live trades are without a CCP?', `SELECT COUNT(*) FROM trades WHERE ccp IS NULL AND ${LIVE}`));
});

describe('rows ranked by date', () => {
  it('"the oldest open exception"', () =>
    expectSameAnswer('Oldest open exception', `SELECT exception_id, raised_date FROM exceptions WHERE ${OPEN_EXC} ORDER BY raised_date ASC, exception_id LIMIT 1`));
  it('"how old is the oldest open exception" is the largest age', () =>
    expectSameAnswer('How old, in days, is the oldest open exception?', `SELECT MAX(julianday('${TODAY}') - julianday(raised_date)) FROM exceptions WHERE ${OPEN_EXC}`));
});

describe('blind held-out 5 and legacy 2 fixes (other wordings and values than their questions)', () => {
  it('"do we clear": the verb form of a filter word', () =>
    expectSameAnswer('how many live trades do we clear through LCH', `SELECT COUNT(*) FROM trades WHERE ccp = 'LCH' AND is_cleared = 1 AND ${LIVE}`));
  it('"went late": how it happened says nothing more', () =>
    expectSameAnswer('how many settlements went late last month', "SELECT COUNT(*) FROM settlements WHERE status = 'Settled' AND settled_date > value_date AND value_date BETWEEN '2026-05-01' AND '2026-05-31'"));
  it('"when was the oldest open exception raised" is its raised date', () =>
    expectSameAnswer('when was the oldest open exception raised', `SELECT MIN(raised_date) FROM exceptions WHERE ${OPEN_EXC}`));
  it('"without a trade": the rows\' own link to it is empty, grouped too', () =>
    expectSameAnswer('open exceptions without a trade by severity', `SELECT severity, COUNT(*) FROM exceptions WHERE trade_id IS NULL AND ${OPEN_EXC} GROUP BY severity`));
  it('"with no trade attached" is "without a trade" when no related rows are meant', () =>
    expectSameAnswer('escalated exceptions with no trade attached', "SELECT COUNT(*) FROM exceptions WHERE trade_id IS NULL AND status = 'Escalated'"));
  it('"with their age" asks a value per row: not answered with the average', () => {
    const r = engine.generate('open exceptions raised last month with their age', { today: TODAY, dialect: ds.dialect });
    expect(r.status).toBe('abstained');
    expect(r.status === 'abstained' && r.reason).toMatch(/each of the exceptions with their age/);
  });
  it('ranked by the date named with "latest", the period on the date next to it; rows without that date left out', () =>
    expectSameAnswer('latest settled date of settlements due last week', "SELECT MAX(settled_date) FROM settlements WHERE value_date BETWEEN '2026-06-08' AND '2026-06-14' AND status <> 'Cancelled'"));
});

describe('more wordings', () => {
  it('"what percentage of fails are due to SSI problems"', () =>
    expectSameAnswer('What percentage of fails are due to SSI problems?', "SELECT 100.0 * SUM(CASE WHEN fail_reason IN ('Missing SSI','Incorrect SSI') THEN 1 ELSE 0 END) / COUNT(*) FROM settlements WHERE status = 'Failed'"));
  it('"how many counterparties have trades over 100m" counts distinct parents', () =>
    expectSameAnswer('How many counterparties have live trades with notional over 100m?', `SELECT COUNT(DISTINCT counterparty_id) FROM trades WHERE notional_usd > 100000000 AND ${LIVE}`));
  it('"five counterparties with the most fails" ranks groups', () =>
    expectSameAnswer('Five counterparties with the most settlement fails this year', "SELECT c.short_name, COUNT(*) AS n FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Failed' AND s.value_date BETWEEN '2026-01-01' AND '2026-06-17' GROUP BY c.short_name ORDER BY n DESC, c.short_name LIMIT 5").catch(async (e) => {
      // ties at the 5th place may pick another name: then at least the counts must agree
      const got = await rows(sqlFor('Five counterparties with the most settlement fails this year'));
      const want = await rows("SELECT COUNT(*) AS n FROM settlements s WHERE s.status = 'Failed' AND s.value_date BETWEEN '2026-01-01' AND '2026-06-17' GROUP BY s.counterparty_id ORDER BY n DESC LIMIT 5");
      expect(got.map((r) => r[1])).toEqual(want.map((r) => r[0]));
      if (!got.length) throw e;
    }));
  it('"client sector" is the counterparty sector', () =>
    expectSameAnswer('Failed settlements by client sector this year', "SELECT c.sector, COUNT(*) FROM settlements s JOIN counterparties c ON c.counterparty_id = s.counterparty_id WHERE s.status = 'Failed' AND s.value_date BETWEEN '2026-01-01' AND '2026-06-17' GROUP BY c.sector"));
  it('"counterparties with margin disputes" lists each counterparty once', () =>
    expectSameAnswer('Counterparties with margin disputes', "SELECT DISTINCT c.short_name FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.status = 'Disputed'"));
});

describe('holding and handling verbs (soft stop words)', () => {
  it('"books that carry the most live notional" ranks books by notional', () =>
    expectSameAnswer('Which 3 desks carry the most live notional?', `SELECT b.desk, SUM(t.notional_usd) AS n FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.${LIVE} GROUP BY b.desk ORDER BY n DESC LIMIT 3`));
  it('"breaks assigned" to an analyst counts them per analyst', () =>
    expectSameAnswer('How many unmatched confirmations has each analyst got assigned?', "SELECT assigned_to, COUNT(*) FROM confirmations WHERE status = 'Unmatched' GROUP BY assigned_to"));
  it('"assigned to" stays the profile\'s analyst column where the profile names it so', () =>
    expectSameAnswer('Unmatched confirmations: trade ref and who they are assigned to', "SELECT t.trade_ref, c.assigned_to FROM confirmations c JOIN trades t ON t.trade_id = c.trade_id WHERE c.status = 'Unmatched'"));
});

describe('"N times" (held-out 4)', () => {
  it('"chased more than 3 times" is a count of 3', () =>
    expectSameAnswer('How many open confirmations have been chased more than 3 times?', `SELECT COUNT(*) FROM confirmations WHERE ${OPEN_CONF} AND chaser_count > 3`));
  it('"3 times the average" (a multiple of a figure) is not read as "> 3"', () => {
    const r = engine.generate('Live trades with notional more than 3 times the average', { today: TODAY, dialect: ds.dialect });
    expect(r.status).toBe('abstained');
  });
});

describe('listing the owners of a value', () => {
  it('"which hedge funds have disputed margin calls" lists those counterparties', () =>
    expectSameAnswer('Which hedge funds have disputed margin calls?', "SELECT DISTINCT c.short_name FROM margin_calls m JOIN counterparties c ON c.counterparty_id = m.counterparty_id WHERE m.status = 'Disputed' AND c.sector = 'Hedge Fund'"));
  it('"did we send" is the sent date', () =>
    expectSameAnswer('How many confirmations did we send yesterday?', "SELECT COUNT(*) FROM confirmations WHERE sent_date = '2026-06-16'"));
});

describe('blind held-out 2 fixes', () => {
  it('"%" is read as "percent": "what % of live trades are cleared" is a share', () =>
    expectSameAnswer('what % of live trades are cleared', `SELECT 100.0 * SUM(CASE WHEN is_cleared = 1 THEN 1 ELSE 0 END) / COUNT(*) FROM trades WHERE ${LIVE}`));
  it('"trades by status" shows every status; within a period the booked rule still drops Cancelled', async () => {
    await expectSameAnswer('trades by status', 'SELECT status, COUNT(*) FROM trades GROUP BY status');
    await expectSameAnswer('trades booked this month by status', "SELECT status, COUNT(*) FROM trades WHERE trade_date BETWEEN '2026-06-01' AND '2026-06-17' AND status <> 'Cancelled' GROUP BY status");
  });
  it('an amount compared for groups is the groups\' total (HAVING), before or after the measure', async () => {
    const gold = `SELECT c.sector FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.${LIVE} GROUP BY c.sector HAVING SUM(t.notional_usd) > 1000000000`;
    await expectSameAnswer('sectors with live notional above 1bn', gold);
    await expectSameAnswer('sectors with more than 1bn of live notional', gold);
    await expectSameAnswer('which counterparties have more than 1bn of live notional', `SELECT c.short_name FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.${LIVE} GROUP BY c.short_name HAVING SUM(t.notional_usd) > 1000000000`);
  });
  it('"split" / "breakdown" / "mix" after a column gives figures per value, never a bare list of values', async () => {
    await expectSameAnswer('show me the ccy split of settlements due tomorrow', "SELECT currency, COUNT(*) FROM settlements WHERE status <> 'Cancelled' AND value_date = '2026-06-18' GROUP BY currency");
    await expectSameAnswer('show me the product mix of live trades', `SELECT product_type, COUNT(*) FROM trades WHERE ${LIVE} GROUP BY product_type`);
  });
  it('listed records carry their own identifier (confirmations, settlements, netting groups, margin calls)', async () => {
    await expectSameAnswer('pull the list of open confirmations', `SELECT confirmation_id FROM confirmations WHERE ${OPEN_CONF}`);
    await expectSameAnswer('list the failed settlements this week', "SELECT settlement_id FROM settlements WHERE status = 'Failed' AND value_date BETWEEN '2026-06-15' AND '2026-06-17'");
    await expectSameAnswer('which netting group has the biggest break', "SELECT netting_id FROM payment_netting WHERE status = 'Mismatch' ORDER BY break_amount DESC LIMIT 1");
    await expectSameAnswer('biggest margin call received this month', "SELECT margin_call_id FROM margin_calls WHERE direction = 'Received' AND call_date BETWEEN '2026-06-01' AND '2026-06-17' ORDER BY call_amount_usd DESC LIMIT 1");
  });
  it('contractions, "no." and chat words: "we\'ve got", "no. of", "pls", "down to", "working on"', async () => {
    await expectSameAnswer("how many live trades we've got", `SELECT COUNT(*) FROM trades WHERE ${LIVE}`);
    await expectSameAnswer('no. of confs matched last week', "SELECT COUNT(*) FROM confirmations WHERE status = 'Matched' AND matched_date BETWEEN '2026-06-08' AND '2026-06-14'");
    await expectSameAnswer('live trades by sector, counts pls', `SELECT c.sector, COUNT(*) FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE t.${LIVE} GROUP BY c.sector`);
    await expectSameAnswer('what percentage of fails were down to SSI problems', "SELECT 100.0 * SUM(CASE WHEN fail_reason IN ('Missing SSI','Incorrect SSI') THEN 1 ELSE 0 END) / COUNT(*) FROM settlements WHERE status = 'Failed'");
    const [[analyst]] = (await rows(`SELECT assigned_to FROM confirmations WHERE ${OPEN_CONF} GROUP BY assigned_to ORDER BY COUNT(*) DESC LIMIT 1`)) as [string][];
    await expectSameAnswer(`how many open confs is ${analyst} working on`, `SELECT COUNT(*) FROM confirmations WHERE ${OPEN_CONF} AND assigned_to = '${analyst}'`);
  });
  it('in a share, the word that makes the part does not move the period onto its own date', () =>
    expectSameAnswer('% of exceptions resolved this year', "SELECT 100.0 * SUM(CASE WHEN status = 'Resolved' THEN 1 ELSE 0 END) / COUNT(*) FROM exceptions WHERE raised_date BETWEEN '2026-01-01' AND '2026-06-17'"));
  it('a share whose part is a named rate\'s numerator uses that rate\'s denominator (match rate, fail rate)', async () => {
    await expectSameAnswer('what percentage of confirmations sent last month were matched', "SELECT 100.0 * SUM(CASE WHEN status = 'Matched' THEN 1 ELSE 0 END) / SUM(CASE WHEN status <> 'Cancelled' THEN 1 ELSE 0 END) FROM confirmations WHERE sent_date BETWEEN '2026-05-01' AND '2026-05-31'");
    await expectSameAnswer('what % of settlements failed last month', "SELECT 100.0 * SUM(CASE WHEN status = 'Failed' THEN 1 ELSE 0 END) / SUM(CASE WHEN status IN ('Failed','Settled') THEN 1 ELSE 0 END) FROM settlements WHERE value_date BETWEEN '2026-05-01' AND '2026-05-31'");
  });
  it('"the biggest live trade by notional": "by" + a measure after a superlative ranks rows', () =>
    expectSameAnswer('biggest live trade by notional', `SELECT trade_ref FROM trades WHERE ${LIVE} ORDER BY notional_usd DESC LIMIT 1`));
  it('a real vocabulary word is never corrected into a name ("margin" is not a typo of an analyst called Martin)', async () => {
    const r = engine.generate('how many counterparties have margin disputes', { today: TODAY, dialect: ds.dialect });
    if (r.status === 'sql') expect(r.sql).not.toMatch(/assigned_to|confirmations/);
    const named = engine.generate('how many confirmations are assigned to Margin', { today: TODAY, dialect: ds.dialect });
    if (named.status === 'sql') expect(named.sql).not.toMatch(/assigned_to/);
  });
  it('"time" is not filler: "average time to settle margin calls" (no such measure) abstains instead of averaging the amount', () =>
    expect(engine.generate('average time to settle margin calls', { today: TODAY, dialect: ds.dialect }).status).toBe('abstained'));
  it('an average of per-group counts abstains instead of returning the counts or an average amount', async () => {
    for (const q of ['average number of trades per day this month', 'average number of fails per week this year', 'average daily trade count last month'])
      expect(engine.generate(q, { today: TODAY, dialect: ds.dialect }).status, q).toBe('abstained');
    await expectSameAnswer('average notional per desk of live trades', `SELECT b.desk, AVG(t.notional_usd) FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.${LIVE} GROUP BY b.desk`);
  });
  it('passive "have we been called" is a margin call received, active "did we call" one issued', async () => {
    await expectSameAnswer('how much margin have we been called for this month', "SELECT SUM(call_amount_usd) FROM margin_calls WHERE direction = 'Received' AND call_date BETWEEN '2026-06-01' AND '2026-06-17'");
    await expectSameAnswer('how much do they call us for this month', "SELECT SUM(call_amount_usd) FROM margin_calls WHERE direction = 'Received' AND call_date BETWEEN '2026-06-01' AND '2026-06-17'");
    await expectSameAnswer('how much margin did we call this month', "SELECT SUM(call_amount_usd) FROM margin_calls WHERE direction = 'Issued' AND call_date BETWEEN '2026-06-01' AND '2026-06-17'");
  });
  it('indirect write requests are refused; a read about changed rows is not', () => {
    for (const q of ['can we get rid of the cancelled trades', 'I need the Disputed confs switched to Matched', 'could you bump the chaser count on pending confs', "let's clear out old netting records", 'please re-send the SWIFT confirmations'])
      expect(engine.generate(q, { today: TODAY, dialect: ds.dialect }).status, q).toBe('refused');
    expect(engine.generate('how many live trades with a fixed rate', { today: TODAY, dialect: ds.dialect }).status).toBe('sql');
  });
  it('"collateral" alone is not the call amount (held collateral is not in this data)', () =>
    expect(engine.generate('how much collateral do we hold', { today: TODAY, dialect: ds.dialect }).status).toBe('abstained'));
  it('greetings and "I\'m after" carry no meaning', async () => {
    await expectSameAnswer('hi, could you pull me the number of live trades please', `SELECT COUNT(*) FROM trades WHERE ${LIVE}`);
    await expectSameAnswer("I'm after the total live notional", `SELECT SUM(notional_usd) FROM trades WHERE ${LIVE}`);
  });
  it('decimal amounts keep their point ("1.5m" is 1,500,000; a fixed rate above 3.25)', async () => {
    await expectSameAnswer('fails over 1.5m this year', "SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND amount_usd > 1500000 AND value_date BETWEEN '2026-01-01' AND '2026-06-17'");
    await expectSameAnswer('failed settlements over 1.5 million', "SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND amount_usd > 1500000");
    await expectSameAnswer('live trades with a fixed rate above 3.25', `SELECT COUNT(*) FROM trades WHERE fixed_rate > 3.25 AND ${LIVE}`);
  });
  it('"5%" after a number is a unit, not a share; "5,000,000" is one number', async () => {
    await expectSameAnswer('live trades with a fixed rate over 3%', `SELECT COUNT(*) FROM trades WHERE fixed_rate > 3 AND ${LIVE}`);
    await expectSameAnswer('failed settlements over 5,000,000', "SELECT COUNT(*) FROM settlements WHERE status = 'Failed' AND amount_usd > 5000000");
  });
  it('an unasked count that would answer 1 or 0 abstains: "when"/"where", one record by its key, a date asked for', async () => {
    const [[ref]] = (await rows(`SELECT trade_ref FROM trades WHERE ${LIVE} LIMIT 1`)) as [string][];
    const [[cpty]] = (await rows('SELECT short_name FROM counterparties ORDER BY counterparty_id LIMIT 1')) as [string][];
    for (const q of [`when does trade ${ref} mature`, `what's the maturity date of ${ref}`, `where is ${cpty} based`, `when was ${cpty} onboarded`, 'live trades maturing'])
      expect(engine.generate(q, { today: TODAY, dialect: ds.dialect }).status, q).toBe('abstained');
    await expectSameAnswer(`live trades with ${cpty}`, `SELECT COUNT(*) FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id WHERE c.short_name = '${cpty.replace(/'/g, "''")}' AND t.${LIVE}`);
    await expectSameAnswer('matched confirmations', "SELECT COUNT(*) FROM confirmations WHERE status = 'Matched'");
  });
  it('a size superlative per group with no amount named abstains instead of ranking groups by their row count', async () => {
    for (const q of ['largest live trade per desk', 'biggest fail by currency'])
      expect(engine.generate(q, { today: TODAY, dialect: ds.dialect }).status, q).toBe('abstained');
    await expectSameAnswer('which counterparty has the largest netting break', "SELECT c.short_name FROM payment_netting n JOIN counterparties c ON c.counterparty_id = n.counterparty_id WHERE n.status = 'Mismatch' ORDER BY n.break_amount DESC LIMIT 1");
    await expectSameAnswer('which desk has the most live trades', `SELECT b.desk FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.${LIVE} GROUP BY b.desk ORDER BY COUNT(*) DESC LIMIT 1`);
  });
  it('a multi-word value of another table is not read by its first word alone ("breaks sitting with Rates Ops")', async () => {
    const r = engine.generate('how many breaks are sitting with Rates Ops', { today: TODAY, dialect: ds.dialect });
    if (r.status === 'sql') expect(r.sql).toMatch(/owner_team/);
    await expectSameAnswer('open exceptions for Rates Ops', `SELECT COUNT(*) FROM exceptions WHERE ${OPEN_EXC} AND owner_team = 'Rates Ops'`);
  });
  it('a question that names no rows at all abstains instead of defaulting to the first table', () => {
    for (const q of ['how much is due to us tomorrow', 'how many yesterday'])
      expect(engine.generate(q, { today: TODAY, dialect: ds.dialect }).status, q).toBe('abstained');
  });
  it('"how much" with a filter that defines its own amount adds that amount (disputed amount, break amount)', async () => {
    await expectSameAnswer("what's the total disputed", "SELECT SUM(call_amount_usd - agreed_amount_usd) FROM margin_calls WHERE status = 'Disputed'");
    await expectSameAnswer('total amount of disputed margin calls', "SELECT SUM(call_amount_usd) FROM margin_calls WHERE status = 'Disputed'");
  });
  it('"did we get" margin calls are the ones received', () =>
    expectSameAnswer('how many margin calls did we get last week?', "SELECT COUNT(*) FROM margin_calls WHERE direction = 'Received' AND call_date BETWEEN '2026-06-08' AND '2026-06-14'"));
  it('"breaks in the queue" are open exceptions', () =>
    expectSameAnswer('breaks in the queue per owner team', `SELECT owner_team, COUNT(*) FROM exceptions WHERE ${OPEN_EXC} GROUP BY owner_team`));
  it('"netting break amount" is the break size of netting breaks, not the net amount', async () => {
    await expectSameAnswer('total netting break amount by currency', "SELECT currency, SUM(break_amount) FROM payment_netting WHERE status = 'Mismatch' GROUP BY currency");
    await expectSameAnswer('average break amount', "SELECT AVG(break_amount) FROM payment_netting WHERE status = 'Mismatch'");
  });
});

describe('blind held-out 3 fixes', () => {
  it('an amount after "<measure> by <group>" compares each group\'s total (HAVING), never single rows', async () => {
    await expectSameAnswer('notional by desk over 10bn', "SELECT b.desk, SUM(t.notional_usd) FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.status <> 'Cancelled' GROUP BY b.desk HAVING SUM(t.notional_usd) > 10000000000");
    await expectSameAnswer('live notional by desk over 1bn', `SELECT b.desk, SUM(t.notional_usd) FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.${LIVE} GROUP BY b.desk HAVING SUM(t.notional_usd) > 1000000000`);
    expect(sqlFor('notional by desk over 10bn')).toMatch(/having/i);
    // rows named right before the amount keep a row filter; an average per group is ambiguous
    await expectSameAnswer('notional of trades over 100m by desk', "SELECT b.desk, SUM(t.notional_usd) FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.status <> 'Cancelled' AND t.notional_usd > 100000000 GROUP BY b.desk");
    expect(engine.generate('average notional by desk over 10m', { today: TODAY, dialect: ds.dialect }).status).toBe('abstained');
  });
  it('"<parents> with <rows> over <amount>" lists the parents of the rows over it; a parent\'s total compared lists by HAVING', async () => {
    const cp = "FROM trades t JOIN counterparties c ON c.counterparty_id = t.counterparty_id";
    await expectSameAnswer('counterparties with trades over 500m', `SELECT DISTINCT c.short_name ${cp} WHERE t.status <> 'Cancelled' AND t.notional_usd > 500000000`);
    await expectSameAnswer('which counterparties have live trades over 500m', `SELECT DISTINCT c.short_name ${cp} WHERE t.${LIVE} AND t.notional_usd > 500000000`);
    await expectSameAnswer('books with fails over 1m', "SELECT DISTINCT b.book_code FROM settlements s JOIN trades t ON t.trade_id = s.trade_id JOIN books b ON b.book_id = t.book_id WHERE s.status = 'Failed' AND s.amount_usd > 1000000");
    await expectSameAnswer('desks with live trades with notional over 1bn', `SELECT DISTINCT b.desk FROM trades t JOIN books b ON b.book_id = t.book_id WHERE t.${LIVE} AND t.notional_usd > 1000000000`);
    expect(sqlFor('counterparties with trades over 500m')).not.toMatch(/^select count\(\*\)/i);
    await expectSameAnswer('counterparties with more than 1bn of live notional', `SELECT c.short_name ${cp} WHERE t.${LIVE} GROUP BY c.short_name HAVING SUM(t.notional_usd) > 1000000000`);
    await expectSameAnswer('counterparties with notional over 1bn', `SELECT c.short_name ${cp} WHERE t.status <> 'Cancelled' GROUP BY c.short_name HAVING SUM(t.notional_usd) > 1000000000`);
    // counting parents by their total would need a subquery: abstain rather than count rows over the amount
    expect(engine.generate('how many counterparties have more than 1bn of live notional', { today: TODAY, dialect: ds.dialect }).status).toBe('abstained');
    await expectSameAnswer('how many counterparties have trades over 1bn', `SELECT COUNT(DISTINCT c.short_name) ${cp} WHERE t.status <> 'Cancelled' AND t.notional_usd > 1000000000`);
  });
  it('"this week vs last week": one row per period (a CASE label), guarded in every dialect; periods that do not meet abstain', async () => {
    await expectSameAnswer('fails this week vs last week', "SELECT CASE WHEN value_date >= '2026-06-15' THEN 'this week' ELSE 'last week' END AS p, COUNT(*) FROM settlements WHERE status = 'Failed' AND value_date BETWEEN '2026-06-08' AND '2026-06-17' GROUP BY p");
    await expectSameAnswer('live notional this month versus last month', `SELECT CASE WHEN trade_date >= '2026-06-01' THEN 'this month' ELSE 'last month' END AS p, SUM(notional_usd) FROM trades WHERE ${LIVE} AND trade_date BETWEEN '2026-05-01' AND '2026-06-17' GROUP BY p`);
    const labels = ((await rows(sqlFor('fails this week vs last week'))) as unknown[][]).map((r) => r[0]);
    expect(labels.every((l) => l === 'this week' || l === 'last week')).toBe(true);
    const policy = policyFromSnapshot(model.snapshot, 1000);
    for (const dialect of ['sqlite', 'postgres', 'mssql'] as const) {
      const r = engine.generate('fails this week vs last week', { today: TODAY, dialect: dialectFor(dialect) });
      expect(r.status).toBe('sql');
      if (r.status === 'sql') {
        const v = await guardSql(r.sql, dialect, policy);
        expect(v.ok, `${dialect}: ${r.sql}\n${v.ok ? '' : v.reason}`).toBe(true);
      }
    }
    for (const q of ['fails this week vs this month', 'fails last month vs this week'])
      expect(engine.generate(q, { today: TODAY, dialect: ds.dialect }).status, q).toBe('abstained');
  });
  it('"<parents> without <rows>" is none at all (NOT EXISTS), never the parents of the other rows', async () => {
    await expectSameAnswer('counterparties without any live trades', `SELECT short_name FROM counterparties c WHERE NOT EXISTS (SELECT 1 FROM trades t WHERE t.counterparty_id = c.counterparty_id AND t.${LIVE})`);
    await expectSameAnswer('counterparties without fails this month', "SELECT short_name FROM counterparties c WHERE NOT EXISTS (SELECT 1 FROM settlements s WHERE s.counterparty_id = c.counterparty_id AND s.status = 'Failed' AND s.value_date BETWEEN '2026-06-01' AND '2026-06-17')");
    await expectSameAnswer('books without trades', "SELECT book_code FROM books b WHERE NOT EXISTS (SELECT 1 FROM trades t WHERE t.book_id = b.book_id AND t.status <> 'Cancelled')");
    // "without" on a column of the rows themselves is still a filter
    await expectSameAnswer('trades without a ccp', "SELECT COUNT(*) FROM trades WHERE ccp IS NULL AND status <> 'Cancelled'");
  });
});
