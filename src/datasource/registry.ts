import type { DialectName, SqlDialect } from './dialect.js';
import type { ResolvedOptions } from './internal.js';
import type { Datasource } from './types.js';
import { badUrl } from './errors.js';
import { redactUrl } from './redact.js';
import { sqliteEntry } from './dialects/sqlite/index.js';
import { postgresEntry } from './dialects/postgres/index.js';
import { mssqlEntry } from './dialects/mssql/index.js';

/** What one dialect folder contributes: its dialect, the URL schemes it answers, how to connect. */
export interface DialectEntry {
  readonly dialect: SqlDialect;
  /** Lower-case URL schemes, without the colon. */
  readonly schemes: readonly string[];
  /** True when a text without a known scheme (e.g. a plain file path) belongs to this dialect. */
  claimsPlainText?(url: string): boolean;
  /** Checks the URL without connecting; throws OTC_ERR_BAD_DATASOURCE_URL. */
  validate(url: string): void;
  open(url: string, opts: ResolvedOptions): Promise<Datasource>;
}

/** A new database is one folder under dialects/ and one line here. */
export const DIALECT_ENTRIES: readonly DialectEntry[] = [sqliteEntry, postgresEntry, mssqlEntry];

export function entryForName(name: DialectName): DialectEntry {
  const e = DIALECT_ENTRIES.find((x) => x.dialect.name === name);
  if (!e) throw new Error(`unknown dialect ${String(name)}`);
  return e;
}

export function entryForUrl(url: string): DialectEntry {
  if (typeof url !== 'string' || url.trim() === '') throw badUrl('the datasource URL is empty');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1]?.toLowerCase();
  const byScheme = scheme ? DIALECT_ENTRIES.find((e) => e.schemes.includes(scheme)) : undefined;
  if (byScheme) return byScheme;
  const byText = DIALECT_ENTRIES.find((e) => e.claimsPlainText?.(url));
  if (byText) return byText;
  const known = DIALECT_ENTRIES.flatMap((e) => e.schemes.map((s) => `${s}:`)).join(', ');
  throw badUrl(
    scheme && scheme.length > 1
      ? `unsupported datasource URL scheme "${scheme}:" in ${redactUrl(url)} (supported: ${known} or a .db/.sqlite file path)`
      : `"${redactUrl(url)}" is not a datasource URL (supported: ${known} or a .db/.sqlite file path)`,
  );
}
