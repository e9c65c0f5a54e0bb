/**
 * The validation report a version needs before it can be activated: every table and column the
 * profile names exists in the database; every example SQL passes the SQL guard and runs; every
 * example question answered by the engine gives the same result as its SQL; coverage of the
 * schema by descriptions and synonyms; and warnings for words that mean two things.
 */
import type { Datasource, QueryResult, SchemaSnapshot } from '../../datasource/types.js';
import { guardSql, policyFromSnapshot } from '../../guard/index.js';
import { createCopilot } from '../../nl2sql/index.js';
import { isOtcError } from '../../shared/errors.js';
import { exampleSql, type Profile } from '../profile-schema.js';
import { editDistance, normPhrase } from '../text.js';
import { checkProfileAgainstSchema } from '../train.js';
import type { TrainedModel } from '../types.js';
import type { ValidationIssue, ExampleCheck, CoverageReport, ValidationReport } from './report-types.js';
export type { ValidationIssue, ExampleCheck, CoverageReport, ValidationReport } from './report-types.js';





export interface ValidateOptions {
  actor: string;
  /** 'YYYY-MM-DD' for relative dates in example questions (default: today, UTC). */
  today?: string;
  /** Rows compared per example at most (default 5000). */
  maxRows?: number;
  timeoutMs?: number;
}

interface ColumnUse {
  table: string;
  column?: string;
  usedBy: string;
}

/** Every table/column the profile names, with where it is named (file and item). */
export function columnUses(p: Profile): ColumnUse[] {
  const out: ColumnUse[] = [];
  const ref = (table: string, r: string, usedBy: string) => {
    const [t, c] = r.includes('.') ? (r.split('.') as [string, string]) : [table, r];
    out.push({ table: t, column: c, usedBy });
  };
  for (const [name, e] of Object.entries(p.entities)) {
    const by = `entities.yaml: entity '${name}'`;
    out.push({ table: e.table, usedBy: by });
    e.display.forEach((d) => ref(e.table, d, `${by} (display)`));
    if (e.defaultDate) ref(e.table, e.defaultDate, `${by} (defaultDate)`);
    e.dates.forEach((d) => ref(e.table, d.column, `${by} (date '${d.label}')`));
    if (e.amount?.usd) ref(e.table, e.amount.usd, `${by} (amount.usd)`);
    if (e.amount?.native) ref(e.table, e.amount.native, `${by} (amount.native)`);
    if (e.currencyColumn) ref(e.table, e.currencyColumn, `${by} (currencyColumn)`);
  }
  for (const d of p.dimensions) {
    ref(d.table, d.column, `dimensions.yaml: dimension '${d.name}'`);
    d.values?.aliases.forEach((a) => ref(d.table, a, `dimensions.yaml: dimension '${d.name}' (values.aliases)`));
    const lk = d.values?.describedBy;
    if (lk) [lk.key, lk.label, ...Object.keys(lk.where)].forEach((c) => ref(lk.table, c, `dimensions.yaml: dimension '${d.name}' (values.describedBy)`));
  }
  const exprCols = (table: string, x: unknown, by: string) => {
    if (!x || typeof x !== 'object') return;
    for (const v of Object.values(x as Record<string, unknown>)) for (const c of Array.isArray(v) ? v : [v]) if (typeof c === 'string' && c !== 'today') ref(table, c, by);
  };
  for (const m of p.measures) {
    const e = p.entities[m.entity];
    if (!e) continue;
    exprCols(e.table, m.expr, `measures.yaml: measure '${m.name}' (expr)`);
    exprCols(e.table, m.native, `measures.yaml: measure '${m.name}' (native)`);
    if (m.date) ref(e.table, m.date, `measures.yaml: measure '${m.name}' (date)`);
  }
  for (const f of p.filters) {
    const e = p.entities[f.entity];
    if (!e) continue;
    for (const c of f.where) {
      ref(e.table, c.column, `filters.yaml: filter '${f.name}'`);
      if ('otherColumn' in c && c.otherColumn) ref(e.table, c.otherColumn, `filters.yaml: filter '${f.name}'`);
    }
  }
  p.joins.forEach((j, i) => {
    ref('', j.from, `profile.yaml: joins.${i}`);
    ref('', j.to, `profile.yaml: joins.${i}`);
  });
  return out;
}

/** Reuses the training check; each missing name comes back with where the profile names it and a close match. */
export function checkColumns(p: Profile, snapshot: SchemaSnapshot): ValidationReport['columns'] {
  const uses = columnUses(p);
  let missingNames: string[] = [];
  try {
    checkProfileAgainstSchema(p, snapshot);
  } catch (e) {
    if (!isOtcError(e) || e.code !== 'OTC_ERR_PROFILE_SCHEMA_MISMATCH') throw e;
    missingNames = ((e.details as { missing?: string[] } | undefined)?.missing ?? []).slice();
  }
  const tables = new Map(snapshot.tables.map((t) => [t.name.toLowerCase(), t]));
  const missing = missingNames.map((name) => {
    const [t, c] = name.includes('.') ? (name.split('.') as [string, string]) : [name, undefined];
    const usedBy = [...new Set(uses.filter((u) => u.table.toLowerCase() === t.toLowerCase() && (c === undefined ? true : u.column?.toLowerCase() === c.toLowerCase())).map((u) => u.usedBy))];
    let suggestion: string | undefined;
    const near = (want: string, names: string[]) => names.map((n) => ({ n, d: editDistance(want.toLowerCase(), n.toLowerCase(), 4) })).filter((x) => x.d <= 4).sort((a, b) => a.d - b.d)[0]?.n;
    if (c === undefined) suggestion = near(t, snapshot.tables.map((x) => x.name));
    else {
      const table = tables.get(t.toLowerCase());
      const cols = table?.columns.map((x) => x.name) ?? [];
      suggestion = near(c, cols) ?? cols.find((x) => x.toLowerCase().includes(c.toLowerCase()) || c.toLowerCase().includes(x.toLowerCase()));
      if (suggestion) suggestion = `${table!.name}.${suggestion}`;
    }
    return { name, usedBy, ...(suggestion ? { suggestion } : {}) };
  });
  return { ok: missing.length === 0, checked: new Set(uses.map((u) => `${u.table}.${u.column ?? ''}`.toLowerCase())).size, missing };
}

function missingMessage(m: { name: string; usedBy: string[]; suggestion?: string }): string {
  const what = m.name.includes('.') ? `column ${m.name}` : `table ${m.name}`;
  return `${m.usedBy.join(', ') || 'the profile'} names ${what}, which the database does not have${m.suggestion ? ` (did you mean ${m.suggestion}?)` : ''}`;
}

/** A cell as a comparable key: numbers rounded (so 12.5 and 12.50000001 are equal), text as is. */
function cellKey(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') v = Number(v);
  if (typeof v === 'number') return 'n:' + (Math.round(v * 1e6) / 1e6).toString();
  if (typeof v === 'boolean') return 'n:' + (v ? 1 : 0);
  if (v instanceof Date) return 's:' + v.toISOString().slice(0, 10);
  const s = String(v);
  if (/^-?\d+(\.\d+)?$/.test(s)) return 'n:' + (Math.round(Number(s) * 1e6) / 1e6).toString();
  return 's:' + s;
}

/**
 * Same result: the same number of rows, and every column of the expected result found among
 * the engine's columns (in any order, names ignored) with the same rows. Row order is ignored.
 */
export function sameResult(expected: QueryResult, got: QueryResult): boolean {
  if (expected.rows.length !== got.rows.length) return false;
  const colKey = (r: QueryResult, i: number) => r.rows.map((row) => cellKey(row[i])).sort().join('\u0001');
  const gotKeys = got.columns.map((_, i) => colKey(got, i));
  const used = new Set<number>();
  const mapping: number[] = [];
  for (let i = 0; i < expected.columns.length; i++) {
    const k = colKey(expected, i);
    const j = gotKeys.findIndex((g, jj) => g === k && !used.has(jj));
    if (j < 0) return false;
    used.add(j);
    mapping.push(j);
  }
  const rowsOf = (r: QueryResult, cols: number[]) => r.rows.map((row) => cols.map((c) => cellKey(row[c])).join('\u0002')).sort();
  const a = rowsOf(expected, expected.columns.map((_, i) => i));
  const b = rowsOf(got, mapping);
  return a.every((x, i) => x === b[i]);
}

async function checkExamples(model: TrainedModel, ds: Datasource, live: SchemaSnapshot, today: string, maxRows: number, timeoutMs: number): Promise<ExampleCheck[]> {
  const out: ExampleCheck[] = [];
  if (!model.profile.examples.length) return out;
  const policy = policyFromSnapshot(live, maxRows);
  const copilot = createCopilot({ datasource: ds, model, maxRows, timeoutMs });
  for (const [index, ex] of model.profile.examples.entries()) {
    // the example's SQL for this database (a dialect's own date arithmetic: `sqlFor`)
    const sql = exampleSql(ex, ds.dialect.name);
    const base = { index, question: ex.question, sql };
    const v = await guardSql(sql, ds.dialect.name, policy);
    if (!v.ok) {
      out.push({ ...base, sqlStatus: 'refused', engineStatus: 'skipped', pass: false, message: `its SQL is refused by the SQL guard: ${v.reason}` });
      continue;
    }
    let gold: QueryResult;
    try {
      gold = await ds.query(v.sql, { maxRows, timeoutMs });
    } catch (e) {
      out.push({ ...base, sqlStatus: 'failed', engineStatus: 'skipped', pass: false, message: `its SQL does not run on the database: ${(e as Error).message}` });
      continue;
    }
    // an example carries the day it was asked: its relative dates belong to that day
    const a = await copilot.ask({ question: ex.question, today: ex.asOf ?? today });
    if (a.status === 'answered') {
      const got: QueryResult = { columns: a.columns ?? [], rows: a.rows ?? [], rowCount: a.rowCount ?? 0, truncated: !!a.truncated, ms: 0 };
      const same = sameResult(gold, got);
      out.push({
        ...base,
        sqlStatus: 'ok',
        sqlRows: gold.rowCount,
        engineStatus: same ? 'match' : 'mismatch',
        engineSql: a.sql,
        engineRows: a.rowCount,
        pass: same,
        ...(same ? {} : { message: `the engine's answer differs from the example SQL (${a.rowCount} row(s) instead of ${gold.rowCount}; engine SQL: ${a.sql})` }),
      });
    } else {
      // a "which one?" is a question the engine does not answer on its own: like an abstention, a gap
      const engineStatus = a.status === 'abstained' || a.status === 'choose' ? 'abstained' : a.status === 'refused' ? 'refused' : 'error';
      out.push({
        ...base,
        sqlStatus: 'ok',
        sqlRows: gold.rowCount,
        engineStatus,
        ...(a.sql ? { engineSql: a.sql } : {}),
        // The semantic engine not covering a question is a gap, not a contradiction: the example still serves retrieval.
        pass: engineStatus === 'abstained',
        message: engineStatus === 'abstained' ? `the semantic engine cannot answer it (${a.explanation})` : `the engine ${engineStatus === 'refused' ? 'refuses' : 'fails on'} it: ${a.message ?? a.explanation}`,
      });
    }
  }
  return out;
}

/** Which tables and columns the profile gives words to. */
export function coverage(p: Profile, s: SchemaSnapshot): CoverageReport {
  const described = new Set<string>();
  const describedTables = new Set<string>();
  for (const u of columnUses(p)) {
    describedTables.add(u.table.toLowerCase());
    if (u.column) described.add(`${u.table}.${u.column}`.toLowerCase());
  }
  let columns = 0;
  const undescribedColumns: string[] = [];
  for (const t of s.tables) {
    const keys = new Set([...t.primaryKey, ...t.foreignKeys.flatMap((f) => f.columns)].map((c) => c.toLowerCase()));
    for (const c of t.columns) {
      if (keys.has(c.name.toLowerCase())) continue;
      columns++;
      if (!described.has(`${t.name}.${c.name}`.toLowerCase())) undescribedColumns.push(`${t.name}.${c.name}`);
    }
  }
  const undescribedTables = s.tables.filter((t) => !describedTables.has(t.name.toLowerCase())).map((t) => t.name);
  return {
    tables: s.tables.length,
    tablesDescribed: s.tables.length - undescribedTables.length,
    columns,
    columnsDescribed: columns - undescribedColumns.length,
    undescribedTables,
    undescribedColumns,
  };
}

/**
 * Words (and value synonyms) given to two or more different things of the same table: the
 * engine cannot tell them apart from the question's subject. The same word on things of
 * different tables ("status" of trades and of settlements) is resolved by the subject, and an
 * entity sharing words with its own name column is intended, so neither is reported.
 */
export function ambiguousWords(p: Profile): { word: string; meanings: string[] }[] {
  const owners = new Map<string, Set<string>>();
  const add = (table: string | undefined, word: string, owner: string) => {
    const w = normPhrase(word);
    if (!w || !table) return;
    const key = `${table.toLowerCase()}\u0000${w}`;
    (owners.get(key) ?? owners.set(key, new Set()).get(key)!).add(owner);
  };
  const tableOf = (entity: string) => p.entities[entity]?.table;
  for (const d of p.dimensions) {
    d.words.forEach((w) => add(d.table, w, `dimension '${d.name}'`));
    for (const [value, syns] of Object.entries(d.values?.synonyms ?? {})) syns.forEach((w) => add(d.table, w, `value '${value}' of dimension '${d.name}'`));
  }
  for (const m of p.measures) m.words.forEach((w) => add(tableOf(m.entity), w, `measure '${m.name}'`));
  for (const f of p.filters) f.words.forEach((w) => add(tableOf(f.entity), w, `filter '${f.name}'`));
  const byWord = new Map<string, Set<string>>();
  for (const [key, o] of owners) {
    if (o.size < 2) continue;
    const word = key.split('\u0000')[1]!;
    const set = byWord.get(word) ?? byWord.set(word, new Set()).get(word)!;
    o.forEach((x) => set.add(x));
  }
  return [...byWord.entries()].map(([word, o]) => ({ word, meanings: [...o].sort() })).sort((a, b) => a.word.localeCompare(b.word));
}

/** Validates a trained model against the live database. Never throws for a problem of the profile: it reports it. */
export async function validateModel(model: TrainedModel, ds: Datasource, opts: ValidateOptions): Promise<ValidationReport> {
  const today = opts.today ?? (model.profile as { examplesAsOf?: string }).examplesAsOf ?? new Date().toISOString().slice(0, 10);
  const maxRows = opts.maxRows ?? 5000;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const live = await ds.introspect();
  const errors: ValidationIssue[] = [];
  const warnings: ValidationIssue[] = [];
  const columns = checkColumns(model.profile, live);
  for (const m of columns.missing) errors.push({ code: m.name.includes('.') ? 'missing_column' : 'missing_table', message: missingMessage(m) });
  // The engine needs every name to exist: examples are checked only when the columns are right.
  const examples = columns.ok ? await checkExamples(model, ds, live, today, maxRows, timeoutMs) : [];
  if (!columns.ok && model.profile.examples.length)
    warnings.push({ code: 'examples_not_checked', message: `the ${model.profile.examples.length} example(s) were not checked because the profile names tables/columns the database does not have` });
  if (columns.ok && model.values.length === 0 && model.profile.dimensions.some((d) => d.values?.index !== false))
    errors.push({ code: 'not_trained', message: 'the value index of this version is empty: import the profile again now that the database matches it' });
  for (const x of examples) {
    const label = `example ${x.index + 1} ("${x.question}")`;
    if (x.sqlStatus === 'refused') errors.push({ code: 'example_sql_refused', message: `${label}: ${x.message}` });
    else if (x.sqlStatus === 'failed') errors.push({ code: 'example_sql_failed', message: `${label}: ${x.message}` });
    else if (x.engineStatus === 'mismatch') errors.push({ code: 'example_mismatch', message: `${label}: ${x.message}` });
    else if (x.engineStatus === 'refused' || x.engineStatus === 'error') errors.push({ code: 'example_not_answered', message: `${label}: ${x.message}` });
    else if (x.engineStatus === 'abstained') warnings.push({ code: 'example_not_answered', message: `${label}: ${x.message}` });
  }
  const ambiguities = ambiguousWords(model.profile);
  for (const a of ambiguities) warnings.push({ code: 'ambiguous_word', message: `"${a.word}" means ${a.meanings.join(' and ')}` });
  const cov = coverage(model.profile, live);
  const passed = examples.filter((x) => x.pass).length;
  const summary =
    `${errors.length ? 'FAILED' : 'PASSED'}: ${columns.missing.length} missing table/column name(s) of ${columns.checked}; ` +
    `examples ${passed}/${examples.length} pass; coverage ${cov.columnsDescribed}/${cov.columns} columns, ${cov.tablesDescribed}/${cov.tables} tables; ` +
    `${errors.length} error(s), ${warnings.length} warning(s)`;
  return { ok: errors.length === 0, validatedAt: new Date().toISOString(), validatedBy: opts.actor, today, summary, errors, warnings, columns, examples, coverage: cov, ambiguities };
}

/** The report as text for the CLI: summary, errors, the example table, warnings, coverage gaps. */
export function formatValidation(r: ValidationReport): string {
  const lines = [r.summary];
  if (r.errors.length) lines.push('', 'Errors:', ...r.errors.map((e) => `  - ${e.message}`));
  if (r.examples.length) {
    lines.push('', 'Examples:');
    for (const x of r.examples) lines.push(`  ${x.pass ? 'PASS' : 'FAIL'}  ${x.index + 1}. ${x.question}  [sql ${x.sqlStatus}, engine ${x.engineStatus}]`);
  }
  if (r.warnings.length) lines.push('', `Warnings (${r.warnings.length}):`, ...r.warnings.slice(0, 30).map((w) => `  - ${w.message}`), ...(r.warnings.length > 30 ? [`  … ${r.warnings.length - 30} more`] : []));
  if (r.coverage.undescribedTables.length) lines.push('', `Tables without description: ${r.coverage.undescribedTables.join(', ')}`);
  if (r.coverage.undescribedColumns.length)
    lines.push(`Columns without description or synonym (${r.coverage.undescribedColumns.length}): ${r.coverage.undescribedColumns.slice(0, 40).join(', ')}${r.coverage.undescribedColumns.length > 40 ? ', …' : ''}`);
  return lines.join('\n');
}
