/**
 * The SQLite store's statement cache (issue 14 item 7): the same SQL text is prepared once, a
 * statement still being iterated is never handed out again, the cache is bounded, and results
 * are always today's (a statement holds no rows between runs).
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { withStatementCache } from '../../src/store/statement-cache.js';

let raw: Database.Database;
let prepared: string[];
beforeEach(() => {
  raw = new Database(':memory:');
  raw.exec('create table t (id integer primary key, v text)');
  prepared = [];
  const prepare = raw.prepare.bind(raw);
  raw.prepare = ((sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  }) as typeof raw.prepare;
});
afterEach(() => raw.open && raw.close());

it('prepares a text once and answers with current data each time', () => {
  const db = withStatementCache(raw);
  const insert = 'insert into t (v) values (?)';
  const count = 'select count(*) as n from t';
  for (let i = 0; i < 5; i++) {
    db.prepare(insert).run([`v${i}`]);
    expect(db.prepare(count).all([])).toEqual([{ n: i + 1 }]);
  }
  expect(prepared).toEqual([insert, count]);
});

it('never hands out a statement that is still being iterated', () => {
  const db = withStatementCache(raw);
  for (let i = 0; i < 3; i++) db.prepare('insert into t (v) values (?)').run([`v${i}`]);
  const q = 'select v from t order by id';
  const outer = db.prepare(q).iterate([]);
  const first = outer.next();
  expect(first.value).toEqual({ v: 'v0' });
  // the same text while the first run is open: a fresh statement, the open iteration undisturbed
  expect(db.prepare(q).all([])).toEqual([{ v: 'v0' }, { v: 'v1' }, { v: 'v2' }]);
  expect([...{ [Symbol.iterator]: () => outer }]).toEqual([{ v: 'v1' }, { v: 'v2' }]);
  expect(prepared.filter((s) => s === q)).toHaveLength(2);
  // once the iteration has ended, the cached statement is re-used again
  db.prepare(q).all([]);
  expect(prepared.filter((s) => s === q)).toHaveLength(2);
});

it('keeps at most maxEntries texts, dropping the least recently used', () => {
  const db = withStatementCache(raw, 2);
  const a = 'select 1 as a';
  const b = 'select 2 as b';
  const c = 'select 3 as c';
  db.prepare(a);
  db.prepare(b);
  db.prepare(a); // a is now the most recent
  db.prepare(c); // b goes
  db.prepare(a);
  db.prepare(b);
  expect(prepared).toEqual([a, b, c, b]);
});

it('close() closes the database', () => {
  const db = withStatementCache(raw);
  db.prepare('select 1').all([]);
  db.close();
  expect(raw.open).toBe(false);
});
