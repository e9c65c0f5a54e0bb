/**
 * Slow queries do not starve others (issue 14 item 5), on every live dialect: the wait for a
 * query slot counts against the query's timeout, and model-written SQL cannot hold every slot.
 * Assertions are on order of completion (the fast query settles while the slow ones still run),
 * never on elapsed time. The slow statements run until they are cancelled at the end.
 */
import { describe, expect, it } from 'vitest';
import { LIVE_DIALECTS, liveDatasource } from './live-dialects.test-fixture.js';
import type { QueryOptions, QueryResult } from './types.js';

/** Query slots per dialect (SQLite's query processes, PostgreSQL's pool connections). */
const SLOTS: Record<string, number> = { sqlite: 2, postgres: 4 };
/** Statements that run until stopped (far longer than the test). */
const ENDLESS: Record<string, string> = {
  sqlite: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c',
  postgres: 'SELECT pg_sleep(600)',
};

interface Tracked {
  promise: Promise<QueryResult>;
  settled: boolean;
}

function track(p: Promise<QueryResult>): Tracked {
  const t: Tracked = { promise: p, settled: false };
  p.then(
    () => (t.settled = true),
    () => (t.settled = true),
  );
  return t;
}

for (const live of LIVE_DIALECTS) {
  describe(`query slots on ${live.name}`, () => {
    const on = liveDatasource(live, { timeoutMs: 120_000 });

    /** `n` endless statements of the workload, cancelled together by the returned stop(). */
    function endless(n: number, workload: QueryOptions['workload']) {
      const ac = new AbortController();
      const running = Array.from({ length: n }, () => track(on.ds.query(ENDLESS[live.name]!, { workload, signal: ac.signal })));
      return {
        running,
        async stop() {
          ac.abort();
          for (const r of running) await r.promise.catch((e: { code?: string }) => expect(e.code).toBe('OTC_ERR_QUERY_CANCELLED'));
        },
      };
    }

    it('a compiled question is answered while model-written slow queries fill all the slots they may', async (ctx) => {
      if (on.skip) return ctx.skip();
      const slow = endless(SLOTS[live.name]!, 'model');
      try {
        const fast = await on.ds.query('SELECT count(*) FROM trades');
        expect(fast.rows).toEqual([[3]]);
        expect(slow.running.map((r) => r.settled)).toEqual(slow.running.map(() => false));
      } finally {
        await slow.stop();
      }
    });

    it('a model-written query beyond its share waits for a slot and runs when one is given back', async (ctx) => {
      if (on.skip) return ctx.skip();
      const slow = endless(SLOTS[live.name]! - 1, 'model');
      const queued = track(on.ds.query('SELECT count(*) FROM books', { workload: 'model' }));
      try {
        // a compiled question still runs on the slot model SQL may not take
        expect((await on.ds.query('SELECT count(*) FROM counterparties')).rows).toEqual([[2]]);
        expect(queued.settled).toBe(false);
      } finally {
        await slow.stop();
      }
      expect((await queued.promise).rows).toEqual([[2]]);
    });

    it('the wait for a slot counts against the query timeout', async (ctx) => {
      if (on.skip) return ctx.skip();
      const slow = endless(SLOTS[live.name]!, 'compiled');
      try {
        await expect(on.ds.query('SELECT 1', { timeoutMs: 300 })).rejects.toMatchObject({ code: 'OTC_ERR_QUERY_TIMEOUT' });
        expect(slow.running.map((r) => r.settled)).toEqual(slow.running.map(() => false));
      } finally {
        await slow.stop();
      }
      // the slots are given back: the datasource answers again
      expect((await on.ds.query('SELECT 1')).rows).toEqual([[1]]);
    });
  });
}
