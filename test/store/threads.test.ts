/**
 * Threads in the application store (migration 005) on SQLite and PostgreSQL: turns kept in order
 * with their typed query and audit links, a picked "which one?" option replacing the turn that
 * asked, search over titles and questions, and owners kept apart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AskAnswer } from '../../src/nl2sql/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { getThread, listThreads, previousOf, recordTurn } from '../../src/threads/index.js';
import { createTempPgDatabase, postgresAvailable, type TempPgDatabase } from '../support/services.js';

const dirs: string[] = [];
const pgs: TempPgDatabase[] = [];
const backends = [
  { name: 'sqlite', url: async () => { const d = mkdtempSync(join(tmpdir(), 'otc-threads-')); dirs.push(d); return `sqlite:${join(d, 'app.db')}`; } },
  { name: 'postgres', url: async () => { const t = await createTempPgDatabase('otc_threads'); pgs.push(t); return t.url; } },
] as const;

const query = { entity: 'trades', table: 'trades', entityLabel: 'trades', shape: 'aggregate', measures: [{ alias: 'count', label: 'number of trades', agg: 'count' }], groupBy: [], listColumns: [], distinct: false, where: [], today: '2026-11-11' } as const;
const answer = (question: string, extra: Partial<AskAnswer> = {}): AskAnswer => ({ status: 'answered', question, explanation: `Counting for ${question}.`, engine: 'semantic', sql: 'select 1', ms: 1, rowCount: 1, ...extra });

for (const b of backends) {
  describe(`threads on ${b.name}`, () => {
    let available = true;
    let store: Store | undefined;
    beforeAll(async () => {
      if (b.name === 'postgres') {
        available = await postgresAvailable();
        if (!available && process.env.CI === 'true') throw new Error('PostgreSQL is required in CI');
        if (!available) console.log('threads store test: PostgreSQL not reachable, skipped outside CI');
      }
    });
    beforeEach(async (ctx) => {
      if (!available) ctx.skip();
      store = await openStore(await b.url());
    });
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });
    afterAll(async () => {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
      for (const t of pgs.splice(0)) await t.drop();
    });

    it('keeps turns in order with their query and audit links, and hands the last one on', async () => {
      const t = await recordTurn(store!, { owner: 'ana', asOf: '2026-11-11', answer: answer('How many trades this week?', { understood: query as never, auditId: 'a1' }) });
      await recordTurn(store!, { owner: 'ana', threadId: t.id, asOf: '2026-11-11', answer: answer('same for last week', { auditId: 'a2', follows: { question: 'How many trades this week?', auditId: 'a1' } }) });
      const got = await getThread(store!, t.id, 'ana');
      expect(got.turns).toBe(2);
      expect(got.items.map((i) => [i.seq, i.question, i.auditId, i.followsAuditId])).toEqual([
        [1, 'How many trades this week?', 'a1', null],
        [2, 'same for last week', 'a2', 'a1'],
      ]);
      expect(got.items[0]!.query).toEqual(query);
      expect(previousOf(got)).toMatchObject({ question: 'same for last week', auditId: 'a2' });
      await expect(getThread(store!, t.id, 'bob')).rejects.toMatchObject({ code: 'OTC_ERR_THREAD_NOT_FOUND' });
      await expect(recordTurn(store!, { owner: 'bob', threadId: t.id, asOf: '2026-11-11', answer: answer('x') })).rejects.toMatchObject({ code: 'OTC_ERR_THREAD_NOT_FOUND' });
    });

    it('a picked option replaces the turn that asked "which one?"', async () => {
      const t = await recordTurn(store!, { owner: 'ana', asOf: '2026-11-11', answer: answer('Live trades with Juniper', { status: 'choose' }) });
      const pick = { phrase: 'juniper', sense: { kind: 'value' as const, dimension: 'counterparty', value: 'Juniper Partners' } };
      await recordTurn(store!, { owner: 'ana', threadId: t.id, asOf: '2026-11-11', answer: answer('Live trades with Juniper'), choice: pick });
      const got = await getThread(store!, t.id, 'ana');
      expect(got.items.map((i) => [i.seq, i.status])).toEqual([[1, 'answered']]);
      expect(got.items[0]!.choice).toEqual(pick);
    });

    it('searches titles and questions, per owner, latest first', async () => {
      const t1 = await recordTurn(store!, { owner: 'ana', asOf: '2026-11-11', answer: answer('Live notional by sector') });
      await recordTurn(store!, { owner: 'ana', threadId: t1.id, asOf: '2026-11-11', answer: answer('now by Counterparty') });
      // 'latest' is to the millisecond (updated_at): t2 must come at least one later than t1's last turn
      await new Promise((resolve) => setTimeout(resolve, 5));
      const t2 = await recordTurn(store!, { owner: 'ana', asOf: '2026-11-11', answer: answer('Fails 100% of the time?') });
      await recordTurn(store!, { owner: 'bob', asOf: '2026-11-11', answer: answer('Live notional by counterparty') });
      expect((await listThreads(store!, { owner: 'ana' })).map((t) => t.id)).toEqual([t2.id, t1.id]);
      expect((await listThreads(store!, { owner: 'ana', search: 'COUNTERPARTY' })).map((t) => t.id)).toEqual([t1.id]);
      expect((await listThreads(store!, { owner: 'ana', search: '100%' })).map((t) => t.id)).toEqual([t2.id]);
      expect(await listThreads(store!, { owner: 'ana', search: '_' })).toEqual([]);
    });
  });
}
