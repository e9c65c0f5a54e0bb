/** Column formats of answers, from the demo profile: labels with units, decimals, dates, flags in words. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestWorld, TEST_TODAY, type TestWorld } from '../server/testing.js';
import { describeColumns } from './index.js';

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld({});
}, 120_000);
afterAll(async () => world?.close());

async function formatsOf(question: string) {
  const { copilot, model } = await world.deps.answering.require();
  const a = await copilot.ask({ question, today: TEST_TODAY });
  expect(a.status, question).toBe('answered');
  return describeColumns(a.columns ?? [], a.understood, model);
}

describe('describeColumns', () => {
  it('heads a measure with its label and unit, with the decimals of its kind', async () => {
    const [desk, notional] = await formatsOf('Live notional by desk');
    expect(desk).toMatchObject({ label: 'Desk', role: 'dimension', type: 'text' });
    expect(notional).toMatchObject({ label: 'Notional (USD)', role: 'measure', type: 'number', decimals: 2, unit: 'USD' });
    const [, rate] = await formatsOf('Settlement fail rate by currency last month');
    expect(rate).toMatchObject({ label: 'Fail rate (%)', type: 'percent', decimals: 1 });
    const [, count] = await formatsOf('Number of live trades by desk');
    expect(count).toMatchObject({ label: 'Number of trades', type: 'number', decimals: 0 });
  });

  it('writes dates as dates and identifiers as they are', async () => {
    const f = await formatsOf('List the failed settlements yesterday');
    expect(f.find((x) => x.name === 'value_date')).toMatchObject({ label: 'Value date', type: 'date' });
    expect(f.find((x) => x.name === 'settlement_id')).toMatchObject({ type: 'text' });
    expect(f.find((x) => x.name === 'amount')).toMatchObject({ label: 'Amount (USD)', type: 'number', decimals: 2 });
  });

  it("names a flag's values with the profile's filters (1 = Cleared, 0 = Bilateral) for SQL the language model wrote", async () => {
    const { model } = await world.deps.answering.require();
    const [flag, other] = describeColumns(['is_cleared', 'mystery_column'], undefined, model);
    expect(flag!.values).toEqual({ '1': 'Cleared', '0': 'Bilateral' });
    expect(other).toEqual({ name: 'mystery_column', label: 'Mystery column' });
  });
});
