/** `otc-copilot ask`'s output: a top N whose edge is tied says so under the table, and in JSON. */
import { describe, expect, it } from 'vitest';
import type { AskAnswer } from '../../nl2sql/index.js';
import { render } from './ask.js';

const answer: AskAnswer = {
  status: 'answered',
  question: 'Top 2 cities by number of orders',
  explanation: 'Counting orders, by city, top 2.',
  engine: 'semantic',
  sql: 'select 1',
  columns: ['city', 'n'],
  rows: [
    ['Oslo', 9],
    ['Lima', 7],
  ],
  rowCount: 2,
  ms: 3,
  ties: { rank: 2, value: 7, more: 1, atLeast: false, groups: ['Kiev'], note: '1 more city ties with the 2nd at 7 (number of orders): Kiev.', followUp: 'include ties' },
};

describe('ask output with ties at the edge', () => {
  it('says the note and the follow-up under the table', () => {
    const out = render(answer, 'table');
    expect(out).toMatch(/\(2 rows, 3\.0 ms\)\n\nNote: 1 more city ties with the 2nd at 7 \(number of orders\): Kiev\. Ask "include ties" in a thread to see them\.\n$/);
    expect(render({ ...answer, ties: undefined }, 'table')).not.toMatch(/Note:/);
  });
  it('keeps it in JSON', () => {
    expect(JSON.parse(render(answer, 'json')).ties).toEqual(answer.ties);
  });
});
