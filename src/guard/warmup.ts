import { guardSql } from './guard.js';
import { preferOptimizedWasm } from './parser.js';
import type { GuardDialect } from './types.js';

/**
 * Representative reads per dialect: CTE, joins, aggregates, CASE, window functions, subqueries,
 * set operations, date functions and the row-cap forms, so the parsers' code for the usual query
 * shapes is compiled before the first real question.
 */
export const WARM_UP_SAMPLES: Readonly<Record<GuardDialect, readonly string[]>> = {
  sqlite: [
    "WITH d AS (SELECT b.name AS book, count(*) AS n, sum(t.notional) AS total FROM trades t JOIN books b ON b.id = t.book_id LEFT JOIN desks k ON k.id = b.desk_id WHERE t.status IN ('open', 'settled') AND t.trade_date >= date('now', '-30 days') GROUP BY b.name HAVING count(*) > 1) SELECT book, n, round(total / 1e6, 2) AS m, CASE WHEN n > 10 THEN 'big' ELSE 'small' END AS size, rank() OVER (ORDER BY total DESC) AS r FROM d ORDER BY total DESC LIMIT 5000",
    "SELECT c.name, (SELECT max(x.amount) FROM exposures x WHERE x.counterparty_id = c.id) AS top FROM counterparties c WHERE c.id NOT IN (SELECT counterparty_id FROM breaks WHERE closed_at IS NULL) AND coalesce(c.rating, '') <> '' AND c.name LIKE 'A%' UNION ALL SELECT 'total', NULL LIMIT 10, 20",
    "SELECT COUNT(*), COUNT(DISTINCT t.counterparty_id), SUM(t.notional), AVG(julianday(s.settled_date) - julianday(t.trade_date)) FROM trades t JOIN books b ON b.book_id = t.book_id LEFT JOIN settlements s ON s.trade_id = t.trade_id WHERE t.status IN ('Open', 'Failed') AND t.trade_date BETWEEN '2024-01-01' AND '2024-12-31' AND s.settled_date IS NOT NULL AND b.name || '' <> 'x' GROUP BY b.name ORDER BY 2 DESC",
    "SELECT strftime('%Y-%m', trade_date) AS month, avg(CAST(notional AS REAL)) FROM trades WHERE notional BETWEEN 1 AND 100 AND EXISTS (SELECT 1 FROM books WHERE books.id = trades.book_id) GROUP BY 1 ORDER BY 1",
  ],
  postgres: [
    "WITH d AS (SELECT b.name AS book, count(*) AS n, sum(t.notional) AS total FROM trades t JOIN books b ON b.id = t.book_id LEFT JOIN desks k ON k.id = b.desk_id WHERE t.status IN ('open', 'settled') AND t.trade_date >= current_date - INTERVAL '30 days' GROUP BY b.name HAVING count(*) > 1) SELECT book, n, round(total / 1e6, 2) AS m, CASE WHEN n > 10 THEN 'big' ELSE 'small' END AS size, rank() OVER (ORDER BY total DESC) AS r FROM d ORDER BY total DESC LIMIT 5000",
    "SELECT c.name, (SELECT max(x.amount) FROM exposures x WHERE x.counterparty_id = c.id) AS top FROM counterparties c WHERE c.id NOT IN (SELECT counterparty_id FROM breaks WHERE closed_at IS NULL) AND coalesce(c.rating, '') <> '' AND c.name ILIKE 'a%' UNION ALL SELECT 'total', NULL OFFSET 20",
    "SELECT COUNT(*), COUNT(DISTINCT t.counterparty_id), SUM(t.notional), AVG(s.settled_date - t.trade_date) FROM trades t JOIN books b ON b.book_id = t.book_id LEFT JOIN settlements s ON s.trade_id = t.trade_id WHERE t.status IN ('Open', 'Failed') AND t.trade_date BETWEEN '2024-01-01' AND '2024-12-31' AND s.settled_date IS NOT NULL AND b.name || '' <> 'x' GROUP BY b.name ORDER BY 2 DESC",
    "SELECT date_trunc('month', trade_date) AS month, avg(notional::numeric) FROM trades WHERE notional BETWEEN 1 AND 100 AND EXISTS (SELECT 1 FROM books WHERE books.id = trades.book_id) GROUP BY 1 ORDER BY 1 FETCH FIRST 10 ROWS ONLY",
  ],
  mssql: [
    "WITH d AS (SELECT b.name AS book, count(*) AS n, sum(t.notional) AS total FROM trades t JOIN books b ON b.id = t.book_id LEFT JOIN desks k ON k.id = b.desk_id WHERE t.status IN ('open', 'settled') AND t.trade_date >= DATEADD(day, -30, CAST(GETDATE() AS date)) GROUP BY b.name HAVING count(*) > 1) SELECT TOP (5000) book, n, round(total / 1e6, 2) AS m, CASE WHEN n > 10 THEN 'big' ELSE 'small' END AS size, rank() OVER (ORDER BY total DESC) AS r FROM d ORDER BY total DESC",
    "SELECT c.name, (SELECT max(x.amount) FROM exposures x WHERE x.counterparty_id = c.id) AS top FROM counterparties c WHERE c.id NOT IN (SELECT counterparty_id FROM breaks WHERE closed_at IS NULL) AND coalesce(c.rating, '') <> '' AND c.name LIKE N'A%' UNION ALL SELECT 'total', NULL",
    "SELECT COUNT(*), COUNT(DISTINCT t.counterparty_id), SUM(t.notional), AVG(DATEDIFF(day, t.trade_date, s.settled_date)) FROM trades t JOIN books b ON b.book_id = t.book_id LEFT JOIN settlements s ON s.trade_id = t.trade_id WHERE t.status IN ('Open', 'Failed') AND t.trade_date BETWEEN '2024-01-01' AND '2024-12-31' AND s.settled_date IS NOT NULL AND b.name + '' <> 'x' GROUP BY b.name",
    "SELECT FORMAT(trade_date, 'yyyy-MM') AS month, avg(CAST(notional AS float)) FROM trades WHERE notional BETWEEN 1 AND 100 GROUP BY FORMAT(trade_date, 'yyyy-MM') ORDER BY 1 OFFSET 0 ROWS FETCH NEXT 10 ROWS ONLY",
  ],
};

/** Rounds over the samples: enough for V8 to optimize the guard's own JavaScript as well. */
const ROUNDS = 8;

/**
 * For long-lived processes (server, copilot): has the parsers' WebAssembly compiled with the
 * optimizing compiler (see preferOptimizedWasm; only if no guard call came first) and warms the
 * guard for the given dialects (default: all) by judging representative queries, so real
 * questions pay neither compilation nor JIT warm-up. Call it once where a copilot is created,
 * before its first question; await it or let it run in the background. Verdicts are not
 * affected. Resolves with the time it took (ms).
 */
export async function warmUpGuard(dialects: readonly GuardDialect[] = ['sqlite', 'postgres', 'mssql']): Promise<number> {
  const started = performance.now();
  preferOptimizedWasm();
  for (let round = 0; round < ROUNDS; round++) {
    for (const dialect of dialects) {
      for (const sql of WARM_UP_SAMPLES[dialect] ?? []) await guardSql(sql, dialect, { maxRows: 100 });
    }
  }
  return performance.now() - started;
}
