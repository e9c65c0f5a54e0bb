import v8 from 'node:v8';
import { init, parse } from '@guanmingchiu/sqlparser-ts';
import type { Json } from './ast/json.js';

let ready: Promise<void> | undefined;

/**
 * The guard's parsers (sqlparser-rs and libpg-query) are WebAssembly. V8 first runs WebAssembly
 * through its baseline compiler (Liftoff) and moves hot functions to the optimizing one only
 * after many calls: measured on the 90 dev gold queries, a parse stays ~10x slower than
 * optimized code for the first several hundred guard calls. Compiling straight with the
 * optimizing compiler costs a few milliseconds once per function on first use (~0.5 s more
 * for the first query of a process) and makes every later parse fast. So only a long-lived
 * process asks for it, through warmUpGuard(), which pays that cost up front; a one-shot
 * command keeps the quick baseline start. Effective only before the parsers' WebAssembly is
 * compiled (the first guard call); it applies to WebAssembly compiled afterwards.
 */
export function preferOptimizedWasm(): void {
  if (optimizedWasm) return;
  optimizedWasm = true;
  try {
    v8.setFlagsFromString('--no-liftoff');
  } catch {
    // A runtime that refuses the flag keeps the default tiering: slower at first, same verdicts.
  }
}
let optimizedWasm = false;

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
