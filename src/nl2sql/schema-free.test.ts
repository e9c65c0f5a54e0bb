/**
 * The engine holds no name of any bank's schema: every table, column and coded value it works
 * with comes from the training profile and the connected database. This test reads the table and
 * column names of both reference schemas (the demo schema and the second bank's warehouse) and the
 * coded values their profiles filter on, and looks for them as identifiers in the string literals
 * of the engine's code (src/nl2sql, src/training, src/guard, src/datasource; not tests, not
 * src/demo, which generates the demo schema on purpose).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { loadProfile } from '../training/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SCHEMAS = ['/work/shared/ops-schema/otc_ops.sql', '/work/shared/legacy-bank/schema.sql'];
const PROFILES = ['profiles/otc-ops', 'profiles/legacy-bank'];
const SCANNED = ['src/nl2sql', 'src/training', 'src/guard', 'src/datasource'];

/**
 * Literals that coincide with a schema name but mean something of the product's own, each with
 * how often it occurs in that file: a new occurrence anywhere fails the test.
 */
const OWN_WORDS: Record<string, Record<string, number>> = {
  // profile file keys ("description" of profile.yaml, the "currency" rules of vocabulary.yaml)
  'src/training/profile-schema.ts': { description: 1, currency: 1 },
  // an English word kept as it is by the singular form ("status" is not a plural)
  'src/training/text.ts': { status: 1 },
  // the app store's own tables (training versions, feedback), not the bank's
  'src/training/lifecycle/versions.ts': { status: 1 },
  'src/training/lifecycle/discard.ts': { status: 3 },
  'src/training/lifecycle/feedback.ts': { 'feedback.created_at': 1 },
  // the validation report's PASS/FAIL per example
  'src/training/lifecycle/validate.ts': { FAIL: 1 },
  // a SQL statement kind the guard refuses (OPEN cursor)
  'src/guard/ast/check.ts': { Open: 1 },
};

/** Table and column names of a CREATE TABLE script. */
export function schemaNames(sqlText: string): Set<string> {
  const names = new Set<string>();
  const text = sqlText.replace(/--.*$/gm, '');
  for (const m of text.matchAll(/CREATE\s+TABLE\s+(\w+)\s*\(([\s\S]*?)\);/gi)) {
    names.add(m[1]!);
    for (const line of m[2]!.split(/,\s*\n|\n/)) {
      const col = /^\s*(\w+)\s+\w/.exec(line)?.[1];
      if (col && !/^(PRIMARY|FOREIGN|UNIQUE|CONSTRAINT|CHECK)$/i.test(col)) names.add(col);
    }
  }
  return names;
}

/** Values the profiles' filters compare with: the codes and labels a bank stores. */
function codedValues(profileDir: string): Set<string> {
  const out = new Set<string>();
  for (const f of loadProfile(join(ROOT, profileDir)).filters)
    for (const c of f.where) {
      const vals = 'values' in c && c.values ? c.values : 'value' in c && c.value !== undefined ? [c.value] : [];
      // one- and two-letter codes ('Y', 'P') are too short to tell from anything else
      for (const v of vals) if (typeof v === 'string' && v.length >= 3) out.add(v);
    }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) && !/(^|\/)testing\.ts$/.test(p)) out.push(p);
  }
  return out;
}

/** Every string literal (and template text) of a TypeScript file, comments left out. */
function stringLiterals(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) out.push(n.text);
    else if (ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) out.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/**
 * The schema names a literal uses as identifiers: the whole literal is a name or a coded value,
 * or a token of it is a name that can only be an identifier (snake_case or upper case, such as
 * 'trade_date' inside SQL text or 'TRD_DEAL.TRD_DT').
 */
export function namesIn(literal: string, names: Set<string>, codes: Set<string>): string[] {
  const t = literal.trim();
  if (names.has(t) || codes.has(t)) return [t];
  const hits: string[] = [];
  for (const tok of t.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])
    if (names.has(tok) && tok.length >= 3 && (tok.includes('_') || tok === tok.toUpperCase())) hits.push(tok);
  return hits.length ? [t] : [];
}

const available = SCHEMAS.every((f) => existsSync(f));

describe.skipIf(!available)('the engine holds no name of either schema', () => {
  if (!available) console.log(`skipped: reference schemas not found (${SCHEMAS.join(', ')})`);

  it('reads enough names to mean something', () => {
    const demo = schemaNames(readFileSync(SCHEMAS[0]!, 'utf8'));
    const legacy = schemaNames(readFileSync(SCHEMAS[1]!, 'utf8'));
    expect(demo.has('trades') && demo.has('trade_date')).toBe(true);
    expect(legacy.has('TRD_DEAL') && legacy.has('STL_STS_CD')).toBe(true);
    const codes = new Set(PROFILES.flatMap((p) => [...codedValues(p)]));
    expect(codes.has('FAIL') && codes.has('Failed')).toBe(true);
  });

  it('the scanner sees a name in the forms the engine could hold it', () => {
    const names = new Set(['trade_date', 'TRD_DEAL', 'TRD_DT', 'status']);
    const codes = new Set(['FAIL']);
    expect(namesIn('trade_date', names, codes)).toEqual(['trade_date']);
    expect(namesIn('status', names, codes)).toEqual(['status']);
    expect(namesIn('FAIL', names, codes)).toEqual(['FAIL']);
    expect(namesIn('SELECT COUNT(*) FROM TRD_DEAL WHERE x = 1', names, codes)).toHaveLength(1);
    expect(namesIn('TRD_DEAL.TRD_DT', names, codes)).toHaveLength(1);
    expect(namesIn('the status of the deal', names, codes)).toEqual([]);
  });

  it('finds none in src/nl2sql, src/training, src/guard, src/datasource', () => {
    const names = new Set(SCHEMAS.flatMap((f) => [...schemaNames(readFileSync(f, 'utf8'))]));
    const codes = new Set(PROFILES.flatMap((p) => [...codedValues(p)]));
    const found: Record<string, Record<string, number>> = {};
    for (const dir of SCANNED)
      for (const file of sourceFiles(join(ROOT, dir))) {
        const rel = relative(ROOT, file);
        for (const lit of stringLiterals(file))
          for (const hit of namesIn(lit, names, codes)) {
            const byFile = (found[rel] ??= {});
            byFile[hit] = (byFile[hit] ?? 0) + 1;
          }
      }
    expect(found).toEqual(OWN_WORDS);
  });
});
