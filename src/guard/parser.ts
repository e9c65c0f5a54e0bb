import { init, parse } from '@guanmingchiu/sqlparser-ts';
import type { Json } from './ast/json.js';

let ready: Promise<void> | undefined;

/** sqlparser-ts (sqlparser-rs in WASM): the statements of `sql` as JSON, or undefined when it cannot parse them. */
export async function parseStatements(sql: string, dialect: 'sqlite' | 'postgresql' | 'mssql'): Promise<Json[] | undefined> {
  ready ??= init();
  await ready;
  try {
    return parse(sql, dialect) as unknown as Json[];
  } catch {
    return undefined;
  }
}
