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
    "WITH d AS (SELECT b.name AS book, count(*) AS n, sum(o.total_value) AS total FROM orders o JOIN stores b ON b.id = o.store_id LEFT JOIN regions k ON k.id = b.region_id WHERE o.state IN ('open', 'settled') AND o.placed_on >= date('now', '-30 days') GROUP BY b.name HAVING count(*) > 1) SELECT book, n, round(total / 1e6, 2) AS m, CASE WHEN n > 10 THEN 'big' ELSE 'small' END AS size, rank() OVER (ORDER BY total DESC) AS r FROM d ORDER BY total DESC LIMIT 5000",
    "SELECT c.name, (SELECT max(x.amount) FROM invoices x WHERE x.customer_id = c.id) AS top FROM customers c WHERE c.id NOT IN (SELECT customer_id FROM returns WHERE closed_on IS NULL) AND coalesce(c.tier, '') <> '' AND c.name LIKE 'A%' UNION ALL SELECT 'total', NULL LIMIT 10, 20",
    "SELECT COUNT(*), COUNT(DISTINCT o.customer_id), SUM(o.total_value), AVG(julianday(s.shipped_on) - julianday(o.placed_on)) FROM orders o JOIN stores b ON b.store_id = o.store_id LEFT JOIN shipments s ON s.order_id = o.order_id WHERE o.state IN ('Open', 'Held') AND o.placed_on BETWEEN '2024-01-01' AND '2024-12-31' AND s.shipped_on IS NOT NULL AND b.name || '' <> 'x' GROUP BY b.name ORDER BY 2 DESC",
    "SELECT strftime('%Y-%m', placed_on) AS month, avg(CAST(total_value AS REAL)) FROM orders WHERE total_value BETWEEN 1 AND 100 AND EXISTS (SELECT 1 FROM stores WHERE stores.id = orders.store_id) GROUP BY 1 ORDER BY 1",
  ],
  postgres: [
    "WITH d AS (SELECT b.name AS book, count(*) AS n, sum(o.total_value) AS total FROM orders o JOIN stores b ON b.id = o.store_id LEFT JOIN regions k ON k.id = b.region_id WHERE o.state IN ('open', 'settled') AND o.placed_on >= current_date - INTERVAL '30 days' GROUP BY b.name HAVING count(*) > 1) SELECT book, n, round(total / 1e6, 2) AS m, CASE WHEN n > 10 THEN 'big' ELSE 'small' END AS size, rank() OVER (ORDER BY total DESC) AS r FROM d ORDER BY total DESC LIMIT 5000",
    "SELECT c.name, (SELECT max(x.amount) FROM invoices x WHERE x.customer_id = c.id) AS top FROM customers c WHERE c.id NOT IN (SELECT customer_id FROM returns WHERE closed_on IS NULL) AND coalesce(c.tier, '') <> '' AND c.name ILIKE 'a%' UNION ALL SELECT 'total', NULL OFFSET 20",
    "SELECT COUNT(*), COUNT(DISTINCT o.customer_id), SUM(o.total_value), AVG(s.shipped_on - o.placed_on) FROM orders o JOIN stores b ON b.store_id = o.store_id LEFT JOIN shipments s ON s.order_id = o.order_id WHERE o.state IN ('Open', 'Held') AND o.placed_on BETWEEN '2024-01-01' AND '2024-12-31' AND s.shipped_on IS NOT NULL AND b.name || '' <> 'x' GROUP BY b.name ORDER BY 2 DESC",
    "SELECT date_trunc('month', placed_on) AS month, avg(total_value::numeric) FROM orders WHERE total_value BETWEEN 1 AND 100 AND EXISTS (SELECT 1 FROM stores WHERE stores.id = orders.store_id) GROUP BY 1 ORDER BY 1 FETCH FIRST 10 ROWS ONLY",
  ],
  mssql: [
    "WITH d AS (SELECT b.name AS book, count(*) AS n, sum(o.total_value) AS total FROM orders o JOIN stores b ON b.id = o.store_id LEFT JOIN regions k ON k.id = b.region_id WHERE o.state IN ('open', 'settled') AND o.placed_on >= DATEADD(day, -30, CAST(GETDATE() AS date)) GROUP BY b.name HAVING count(*) > 1) SELECT TOP (5000) book, n, round(total / 1e6, 2) AS m, CASE WHEN n > 10 THEN 'big' ELSE 'small' END AS size, rank() OVER (ORDER BY total DESC) AS r FROM d ORDER BY total DESC",
    "SELECT c.name, (SELECT max(x.amount) FROM invoices x WHERE x.customer_id = c.id) AS top FROM customers c WHERE c.id NOT IN (SELECT customer_id FROM returns WHERE closed_on IS NULL) AND coalesce(c.tier, '') <> '' AND c.name LIKE N'A%' UNION ALL SELECT 'total', NULL",
    "SELECT COUNT(*), COUNT(DISTINCT o.customer_id), SUM(o.total_value), AVG(DATEDIFF(day, o.placed_on, s.shipped_on)) FROM orders o JOIN stores b ON b.store_id = o.store_id LEFT JOIN shipments s ON s.order_id = o.order_id WHERE o.state IN ('Open', 'Held') AND o.placed_on BETWEEN '2024-01-01' AND '2024-12-31' AND s.shipped_on IS NOT NULL AND b.name + '' <> 'x' GROUP BY b.name",
    "SELECT FORMAT(placed_on, 'yyyy-MM') AS month, avg(CAST(total_value AS float)) FROM orders WHERE total_value BETWEEN 1 AND 100 GROUP BY FORMAT(placed_on, 'yyyy-MM') ORDER BY 1 OFFSET 0 ROWS FETCH NEXT 10 ROWS ONLY",
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
