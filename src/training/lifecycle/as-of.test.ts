/** An example carries the day it was asked: its dates validate on any later day (issue 17 item 6). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestWorld, TEST_TODAY, type TestWorld } from '../../server/testing.js';
import { validateModel } from './index.js';

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld({});
}, 120_000);
afterAll(async () => world?.close());

describe('examples with their as-of date', () => {
  it('a corrected SQL with a date literal passes a week later with asOf, fails without it', async () => {
    const { copilot, model } = await world.deps.answering.require();
    const question = 'How many trades were booked yesterday?';
    const answer = await copilot.ask({ question, today: TEST_TODAY });
    expect(answer.sql).toMatch(/\d{4}-\d{2}-\d{2}/);
    const later = new Date(Date.parse(`${TEST_TODAY}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    const run = async (example: { question: string; sql: string; asOf?: string }) => {
      const m = { ...model, profile: { ...model.profile, examples: [example] } };
      const r = await validateModel(m, world.datasource, { actor: 'test', today: later });
      return r.examples[0]!;
    };
    expect((await run({ question, sql: answer.sql!, asOf: TEST_TODAY })).pass).toBe(true);
    const undated = await run({ question, sql: answer.sql! });
    expect(undated.pass).toBe(false);
    expect(undated.message).toMatch(/differs from the example SQL/);
  }, 60_000);
});
