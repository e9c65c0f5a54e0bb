import { describe, expect, it } from 'vitest';
import { postgresSecondOpinion } from './postgres-second-opinion.js';

const allowAll = (): boolean => true;
const allowNone = (name: string): boolean => ['count', 'sum'].includes(name);

describe('libpg-query second opinion (layer 3, alone)', () => {
  it('admits one SelectStmt', async () => {
    expect(await postgresSecondOpinion('SELECT a, count(*) FROM t GROUP BY a', allowNone)).toBeUndefined();
    expect(await postgresSecondOpinion('SELECT extract(year from d), substring(a from 1 for 2) FROM t', allowNone)).toBeUndefined();
  });

  it('splits the backslash trick into two statements', async () => {
    expect(await postgresSecondOpinion("SELECT 'x\\'; DELETE FROM t; --'", allowAll)).toMatch(/more than one statement/);
  });

  it('finds statements hidden in WITH, and INTO / locking clauses anywhere', async () => {
    expect(await postgresSecondOpinion('WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x', allowAll)).toMatch(/DELETE/);
    expect(await postgresSecondOpinion('WITH x AS (UPDATE t SET a = 1 RETURNING a) SELECT * FROM x', allowAll)).toMatch(/UPDATE/);
    expect(await postgresSecondOpinion('SELECT a INTO b FROM t', allowAll)).toMatch(/INTO/);
    expect(await postgresSecondOpinion('SELECT * FROM (SELECT a FROM t FOR UPDATE) s', allowAll)).toMatch(/Locking/);
    expect(await postgresSecondOpinion('DELETE FROM t', allowAll)).toMatch(/DELETE/);
  });

  it('checks functions and catalogs', async () => {
    expect(await postgresSecondOpinion('SELECT pg_sleep(1)', allowNone)).toMatch(/pg_sleep/);
    expect(await postgresSecondOpinion('SELECT pg_catalog.pg_sleep(1)', allowAll)).toMatch(/pg_catalog.pg_sleep/);
    expect(await postgresSecondOpinion('SELECT * FROM pg_catalog.pg_class', allowAll)).toMatch(/system catalog/);
    expect(await postgresSecondOpinion('SELECT * FROM generate_series(1, 2)', allowAll)).toMatch(/Table-valued/);
  });

  it('refuses when the two parsers disagree about the tables read', async () => {
    expect(await postgresSecondOpinion('SELECT * FROM ONLY t', allowAll, ['only'])).toMatch(/disagree/);
    expect(await postgresSecondOpinion('WITH x AS (SELECT a FROM t) SELECT * FROM x', allowAll, ['t'])).toBeUndefined();
  });

  it('refuses what it cannot parse', async () => {
    expect(await postgresSecondOpinion('SELEC 1', allowAll)).toMatch(/could not be parsed/);
  });
});
