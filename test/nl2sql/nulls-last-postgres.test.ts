/**
 * A top or bottom N by an amount some rows lack (an exception's money at stake is NULL when not
 * applicable) shows the rows that have it, on PostgreSQL too, which sorts NULL first when
 * descending (SQLite and SQL Server sort it first when ascending). The demo data loaded into a
 * PostgreSQL database; with CI=true a missing PostgreSQL fails the run instead of skipping it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatasource, type Datasource } from '../../src/datasource/index.js';
import { buildDemoDatabase } from '../../src/demo/index.js';
import { createSemanticEngine, type SemanticEngine } from '../../src/nl2sql/semantic/index.js';
import { PROFILE_DIR } from '../../src/server/testing.js';
import { loadProfile, trainModel } from '../../src/training/index.js';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';

const available = await postgresAvailable();
const TODAY = '2026-06-17';

describe.runIf(available)('top N by an amount some rows lack, on PostgreSQL', () => {
  let pgdb: TempPgDatabase;
  let ds: Datasource;
  let engine: SemanticEngine;

  beforeAll(async () => {
    pgdb = await createTempPgDatabase('otc_nulls_pg');
    await buildDemoDatabase({ out: pgdb.url, trades: 3000, seed: 11, asOf: TODAY });
    ds = await openDatasource(pgdb.url);
    engine = createSemanticEngine(await trainModel(loadProfile(PROFILE_DIR), ds));
  });

  afterAll(async () => {
    await ds?.close();
    await pgdb?.drop();
  });

  const answer = async (question: string) => {
    const r = engine.generate(question, { today: TODAY, dialect: ds.dialect });
    if (r.status !== 'sql') throw new Error(`"${question}" was ${r.status}: ${r.reason}`);
    return (await ds.query(r.sql, { maxRows: 1000 })).rows;
  };

  it('the data has exceptions without money at stake (else this test shows nothing)', async () => {
    const [[n]] = (await ds.query('SELECT COUNT(*) FROM exceptions WHERE amount_usd IS NULL', { maxRows: 1 })).rows as [[number]];
    expect(Number(n)).toBeGreaterThan(3);
  });

  it('"top 3 exceptions by money at stake": the 3 largest amounts, none missing', async () => {
    const rows = await answer('top 3 exceptions by money at stake');
    const want = (await ds.query('SELECT amount_usd FROM exceptions WHERE amount_usd IS NOT NULL ORDER BY amount_usd DESC LIMIT 3', { maxRows: 3 })).rows.map((r) => Number(r[0]));
    expect(rows).toHaveLength(3);
    const amounts = rows.map((r) => r.map(Number).find((v) => want.includes(v)));
    expect(amounts).toEqual(want);
  });

  it('"which exception has the most money at stake - show the counterparty and exception type": the largest one', async () => {
    const rows = await answer('which exception has the most money at stake - show the counterparty and exception type');
    const want = (await ds.query('SELECT c.short_name, e.exception_type FROM exceptions e JOIN counterparties c ON c.counterparty_id = e.counterparty_id WHERE e.amount_usd IS NOT NULL ORDER BY e.amount_usd DESC LIMIT 1', { maxRows: 1 })).rows;
    expect(rows).toEqual(want);
  });
});
