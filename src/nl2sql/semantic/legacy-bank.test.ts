/**
 * The same engine over a second bank's warehouse (shared/legacy-bank: upper-case abbreviated names,
 * coded values, Y/N flags, a product lookup table), trained with profiles/legacy-bank and nothing
 * else. Answers are compared with SQL written here over that warehouse; counterparty names are
 * read from the database, as the product learns them.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datasource } from '../../datasource/index.js';
import type { TrainedModel } from '../../training/index.js';
import { engineOnCopy, expectSameRows, type TrainedEngine } from './engine.test-fixture.js';
import { ABSTAIN_MESSAGE, type SemanticEngine } from './index.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const DB = [join(ROOT, '..', 'shared', 'legacy-bank', 'legacy-dev.db'), '/work/shared/legacy-bank/legacy-dev.db'].find((p) => existsSync(p));
const TODAY = '2026-11-20'; // a Friday: this week = 11-16..11-20, last week = 11-09..11-15
let ds: Datasource;
let engine: SemanticEngine;
let model: TrainedModel;
let world: TrainedEngine | undefined;

function sqlFor(question: string): string {
  const r = engine.generate(question, { today: TODAY, dialect: ds.dialect });
  if (r.status !== 'sql') throw new Error(`"${question}" was ${r.status}: ${r.reason}`);
  return r.sql;
}

function explanationOf(question: string): string {
  const r = engine.generate(question, { today: TODAY, dialect: ds.dialect });
  if (r.status !== 'sql') throw new Error(`"${question}" was ${r.status}: ${r.reason}`);
  return r.explanation;
}

async function rows(sqlText: string): Promise<unknown[][]> {
  return (await ds.query(sqlText, { maxRows: 100000 })).rows;
}

/** The engine's answer holds the expected columns (in some order, extra columns allowed) with the same rows. */
async function expectSameAnswer(question: string, expected: string): Promise<void> {
  expectSameRows(question, await rows(sqlFor(question)), await rows(expected));
}

const NOT_CANC = "DEAL_STS_CD <> 'CANC'";
const OPEN_EXC = "EXC_STS_CD IN ('OPEN','WIP','ESCL')";

describe.skipIf(!DB)('a second bank trained with its own profile (legacy-bank)', () => {
  if (!DB) console.log('skipped: shared/legacy-bank/legacy-dev.db not found next to the repository or in /work/shared');
  let cpty = '';

  beforeAll(async () => {
    world = await engineOnCopy(DB!, join(ROOT, 'profiles', 'legacy-bank'), 'otc-legacy-');
    ({ ds, model, engine } = world);
    // a counterparty with trades this year, as the value index learns it
    const r = await rows(`SELECT c.CPTY_SHRT_NM FROM REF_CPTY c JOIN TRD_DEAL t ON t.CPTY_ID = c.CPTY_ID WHERE t.TRD_DT >= '2026-01-01' GROUP BY c.CPTY_SHRT_NM ORDER BY COUNT(*) DESC LIMIT 1`);
    cpty = String(r[0]![0]);
  });

  afterAll(() => world?.close());

  const cases: [string, string][] = [
    // asset class is the product's, through the lookup table
    ['Live notional by asset class', "SELECT p.ASSET_CLS_CD, SUM(t.NTNL_USD_AMT) FROM TRD_DEAL t JOIN REF_PRD p ON p.PRD_CD = t.PRD_CD WHERE t.DEAL_STS_CD = 'LIVE' GROUP BY p.ASSET_CLS_CD"],
    ['How many credit trades were booked last month?', `SELECT COUNT(*) FROM TRD_DEAL t JOIN REF_PRD p ON p.PRD_CD = t.PRD_CD WHERE p.ASSET_CLS_CD = 'CR' AND t.TRD_DT BETWEEN '2026-10-01' AND '2026-10-31' AND t.${NOT_CANC}`],
    // Y/N flags
    ['How many cleared trades did we book last week?', `SELECT COUNT(*) FROM TRD_DEAL WHERE CLRD_FLG = 'Y' AND TRD_DT BETWEEN '2026-11-09' AND '2026-11-15' AND ${NOT_CANC}`],
    ['Which counterparties are off-boarded?', "SELECT CPTY_SHRT_NM FROM REF_CPTY WHERE ACTV_FLG = 'N'"],
    // codes named by their meaning
    ['Number of live trades per desk', "SELECT b.DESK_CD, COUNT(*) FROM TRD_DEAL t JOIN REF_BOOK b ON b.BOOK_ID = t.BOOK_ID WHERE t.DEAL_STS_CD = 'LIVE' GROUP BY b.DESK_CD"],
    ['How many NDFs were traded this month?', `SELECT COUNT(*) FROM TRD_DEAL WHERE PRD_CD = 'NDF' AND TRD_DT BETWEEN '2026-11-01' AND '2026-11-20' AND ${NOT_CANC}`],
    ['Live notional booked in Bank AG', "SELECT SUM(t.NTNL_USD_AMT) FROM TRD_DEAL t JOIN REF_BOOK b ON b.BOOK_ID = t.BOOK_ID WHERE b.LGL_ENT_CD = 'DE01' AND t.DEAL_STS_CD = 'LIVE'"],
    ['How many counterparties are insurers?', "SELECT COUNT(*) FROM REF_CPTY WHERE CPTY_SEG_CD = 'INS'"],
    ['Total EUR notional of live FX forwards', "SELECT SUM(NTNL_AMT) FROM TRD_DEAL WHERE PRD_CD = 'FXFWD' AND NTNL_CCY_CD = 'EUR' AND DEAL_STS_CD = 'LIVE'"],
    // settlements: the direction word keeps its meaning next to "failed"
    ['How many failed payments were there this month?', "SELECT COUNT(*) FROM OPS_STL_INSTR WHERE STL_STS_CD = 'FAIL' AND PAY_RCV_IND = 'P' AND VAL_DT BETWEEN '2026-11-01' AND '2026-11-20'"],
    ['Failed receipts by currency last month', "SELECT STL_CCY_CD, COUNT(*) FROM OPS_STL_INSTR WHERE STL_STS_CD = 'FAIL' AND PAY_RCV_IND = 'R' AND VAL_DT BETWEEN '2026-10-01' AND '2026-10-31' GROUP BY STL_CCY_CD"],
    ['Settlement fail rate by counterparty sector this year', "SELECT c.CPTY_SEG_CD, 100.0 * SUM(s.STL_STS_CD = 'FAIL') / SUM(s.STL_STS_CD IN ('FAIL','STLD')) FROM OPS_STL_INSTR s JOIN REF_CPTY c ON c.CPTY_ID = s.CPTY_ID WHERE s.VAL_DT BETWEEN '2026-01-01' AND '2026-11-20' GROUP BY c.CPTY_SEG_CD"],
    // confirmations, netting, exceptions, margin calls
    ['Average time to match MarkitWire confirmations matched last month', "SELECT AVG(julianday(MTCH_DT) - julianday(SND_DT)) FROM OPS_CONF_EVT WHERE CONF_CHNL_CD = 'MKW' AND CONF_STS_CD = 'MTCH' AND MTCH_DT BETWEEN '2026-10-01' AND '2026-10-31'"],
    ['Confirmation match rate this month', "SELECT 100.0 * SUM(CONF_STS_CD = 'MTCH') / COUNT(*) FROM OPS_CONF_EVT WHERE SND_DT BETWEEN '2026-11-01' AND '2026-11-20' AND CONF_STS_CD <> 'CANC'"],
    ['Total break amount of EUR netting mismatches', "SELECT SUM(BRK_AMT) FROM OPS_NET_GRP WHERE NET_STS_CD = 'MISM' AND NET_CCY_CD = 'EUR'"],
    ['Open exceptions raised this month by severity', `SELECT SEV_CD, COUNT(*) FROM OPS_EXC_ITEM WHERE ${OPEN_EXC} AND RAISE_DT BETWEEN '2026-11-01' AND '2026-11-20' GROUP BY SEV_CD`],
    ['Money at stake on open critical exceptions', `SELECT SUM(IMPCT_USD_AMT) FROM OPS_EXC_ITEM WHERE SEV_CD = 'S1' AND ${OPEN_EXC}`],
    ['Total variation margin we received last month', "SELECT SUM(CALL_USD_AMT) FROM COL_MRGN_CALL WHERE CALL_DIR_CD = 'I' AND MRGN_TYP_CD = 'VAR' AND CALL_DT BETWEEN '2026-10-01' AND '2026-10-31'"],
    // a time bucket
    ['Weekly count of new trades over the last 4 weeks', `SELECT date(TRD_DT, '-' || ((CAST(strftime('%w', TRD_DT) AS INTEGER) + 6) % 7) || ' days') AS wk, COUNT(*) FROM TRD_DEAL WHERE TRD_DT BETWEEN '2026-10-24' AND '2026-11-20' AND ${NOT_CANC} GROUP BY wk`],
  ];
  for (const [q, expected] of cases) it(q, () => expectSameAnswer(q, expected));

  // written after the blind legacy set 2 (2026-12-04) showed these readings missing; other wordings and values than its questions
  const shorthand: [string, string][] = [
    // the profile's abbreviations inside any phrase, not only inside names
    ['Total notional of live cross ccy swaps in EUR', "SELECT SUM(NTNL_AMT) FROM TRD_DEAL WHERE PRD_CD = 'CCS' AND NTNL_CCY_CD = 'EUR' AND DEAL_STS_CD = 'LIVE'"],
    ['stl fails this month by ccy', "SELECT STL_CCY_CD, COUNT(*) FROM OPS_STL_INSTR WHERE STL_STS_CD = 'FAIL' AND VAL_DT BETWEEN '2026-11-01' AND '2026-11-20' GROUP BY STL_CCY_CD"],
    // of two date words ("value", "settled"), the one next to the period
    ['usd value of flows that actually settled last week', "SELECT SUM(STL_USD_AMT) FROM OPS_STL_INSTR WHERE STL_STS_CD = 'STLD' AND ACTL_STL_DT BETWEEN '2026-11-09' AND '2026-11-15'"],
    // the rows as the negated verb's subject
    ['which counterparties have not traded with us this month', `SELECT c.CPTY_SHRT_NM FROM REF_CPTY c WHERE NOT EXISTS (SELECT 1 FROM TRD_DEAL t WHERE t.CPTY_ID = c.CPTY_ID AND t.TRD_DT BETWEEN '2026-11-01' AND '2026-11-20' AND t.${NOT_CANC})`],
    // "when was the latest ... raised": the date of the last one
    ['when was the latest critical exception raised', "SELECT MAX(RAISE_DT) FROM OPS_EXC_ITEM WHERE SEV_CD = 'S1'"],
  ];
  for (const [q, expected] of shorthand) it(q, () => expectSameAnswer(q, expected));

  it('a counterparty learned from the database', () =>
    expectSameAnswer(
      `How many trades did we book with ${cpty} this year?`,
      `SELECT COUNT(*) FROM TRD_DEAL t JOIN REF_CPTY c ON c.CPTY_ID = t.CPTY_ID WHERE c.CPTY_SHRT_NM = '${cpty.replace(/'/g, "''")}' AND t.TRD_DT BETWEEN '2026-01-01' AND '2026-11-20' AND t.${NOT_CANC}`,
    ));

  it('explains in the profile\'s words, not the warehouse\'s column names', () => {
    expect(explanationOf('Weekly count of new trades over the last 4 weeks')).toContain('by week of trade date');
    const oldest = explanationOf('List the 3 oldest open confirmations');
    expect(oldest).toContain('the oldest 3');
    expect(oldest).toContain('sent date');
    expect(oldest).not.toMatch(/[A-Z]{2,}_[A-Z]{2,}|SND DT/);
  });

  it('learns what each code means from the lookup tables (one status domain per column)', () => {
    const described = (dim: string) => new Map(model.values.find((v) => v.dimension === dim)!.values.map((v) => [v.value, v.description]));
    expect(described('product_type').get('IRS')).toBe('Interest Rate Swap');
    expect(described('settlement_status').get('FAIL')).toBe('Failed');
    expect(described('exception_status').get('WIP')).toBe('In Progress');
    expect(explanationOf('Total notional of live interest rate swaps in EUR')).toContain('product IRS (Interest Rate Swap)');
  });

  it('refuses a change and abstains on what the warehouse does not hold', () => {
    expect(engine.generate('Delete all failed settlements', { today: TODAY, dialect: ds.dialect }).status).toBe('refused');
    const r = engine.generate('What is the VaR of our live swaps?', { today: TODAY, dialect: ds.dialect });
    expect(r.status).toBe('abstained');
    expect(r.status === 'abstained' && r.message).toBe(ABSTAIN_MESSAGE);
  });
});
