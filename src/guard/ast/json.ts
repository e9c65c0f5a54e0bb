/**
 * sqlparser-ts hands back the AST of sqlparser-rs as plain JSON (snake_case keys, enums as
 * one-key objects or strings). Its shipped TypeScript types describe an older shape, so the guard
 * reads the JSON generically through these helpers and checks every node it relies on.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The variant name of a one-key enum object ({"Select": …} -> "Select"), or of a bare string variant. */
export function variantOf(v: Json | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length === 1) return keys[0];
  }
  return undefined;
}

export function arrayOf(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}

/** The value of an identifier object ({value, quote_style, span}). */
export function identValue(v: Json | undefined): string | undefined {
  return isObject(v) && typeof v.value === 'string' ? v.value : undefined;
}

/** The parts of an ObjectName ([{Identifier: {value}}, …]); undefined when a part is not a plain identifier. */
export function objectNameParts(v: Json | undefined): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const parts: string[] = [];
  for (const p of v) {
    const id = isObject(p) ? identValue(p.Identifier) : undefined;
    if (id === undefined) return undefined;
    parts.push(id);
  }
  return parts;
}

/** An unsigned whole-number literal ({"Value": {"value": {"Number": ["10", false]}}}), else undefined. */
export function wholeNumberLiteral(expr: Json | undefined): number | undefined {
  if (!isObject(expr)) return undefined;
  if (isObject(expr.Nested)) return wholeNumberLiteral(expr.Nested);
  const value = isObject(expr.Value) ? expr.Value.value : undefined;
  const num = isObject(value) ? value.Number : undefined;
  const text = Array.isArray(num) ? num[0] : undefined;
  if (typeof text !== 'string' || !/^\d+$/.test(text)) return undefined;
  return Number(text);
}
