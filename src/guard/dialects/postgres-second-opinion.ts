import { loadModule, parseSync } from 'libpg-query';

let loaded: Promise<void> | undefined;

class Refusal extends Error {}

/**
 * Layer 3 for PostgreSQL: the server's own parser (libpg-query) must see exactly one RawStmt, a
 * SelectStmt, and nowhere in its tree another statement (a DeleteStmt in a WITH), an INTO, a
 * locking clause, a function outside the allow-list or a system catalog.
 * Returns a reason to refuse, or undefined.
 */
export async function postgresSecondOpinion(sql: string, isAllowedFunction: (name: string) => boolean, expectedTables?: readonly string[]): Promise<string | undefined> {
  loaded ??= loadModule();
  await loaded;
  let tree: { stmts?: Array<{ stmt?: Record<string, unknown> }> };
  try {
    tree = parseSync(sql) as typeof tree;
  } catch {
    return 'The query could not be parsed as a single read-only query in PostgreSQL.';
  }
  const stmts = tree.stmts ?? [];
  if (stmts.length !== 1) return 'PostgreSQL reads the text as more than one statement; only a single query is accepted.';
  const kind = Object.keys(stmts[0]!.stmt ?? {})[0];
  if (kind !== 'SelectStmt') return `PostgreSQL reads the text as ${(kind ?? 'an unknown statement').replace(/Stmt$/, '').toUpperCase()}; only a read query (SELECT) is accepted.`;
  const seen = { tables: new Set<string>(), ctes: new Set<string>() };
  try {
    walk(stmts[0]!.stmt, isAllowedFunction, seen);
  } catch (e) {
    if (e instanceof Refusal) return e.message;
    throw e;
  }
  if (expectedTables) {
    // Both parsers must agree on which tables are read (CTE names are not tables).
    const mine = [...seen.tables].filter((t) => t.includes('.') || !seen.ctes.has(t)).sort();
    const theirs = [...new Set(expectedTables)].sort();
    if (mine.join(',') !== theirs.join(',')) {
      return `The two SQL parsers disagree about which tables the query reads (${mine.join(', ') || 'none'} / ${theirs.join(', ') || 'none'}); write it more plainly.`;
    }
  }
  return undefined;
}

interface Seen {
  tables: Set<string>;
  ctes: Set<string>;
}

function walk(node: unknown, isAllowedFunction: (name: string) => boolean, seen: Seen): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, isAllowedFunction, seen);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const o = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(o)) {
    if (key.endsWith('Stmt') && key !== 'SelectStmt') throw new Refusal(`PostgreSQL finds a ${key.replace(/Stmt$/, '').toUpperCase()} statement inside the query; only reads are accepted.`);
    if (key === 'SelectStmt' && typeof value === 'object' && value !== null) {
      const s = value as Record<string, unknown>;
      if (s.intoClause) throw new Refusal('SELECT … INTO creates a table; only reads are accepted.');
      if (Array.isArray(s.lockingClause) && s.lockingClause.length > 0) throw new Refusal('Locking clauses (FOR UPDATE / FOR SHARE) are not allowed in a read-only query.');
    }
    if (key === 'FuncCall' && typeof value === 'object' && value !== null) {
      const names = ((value as { funcname?: Array<{ String?: { sval?: string } }> }).funcname ?? []).map((n) => n.String?.sval ?? '');
      const name = names.join('.');
      // pg_catalog.x is how PostgreSQL itself spells the SQL-standard forms (EXTRACT, SUBSTRING …).
      const sqlSyntax = names.length === 2 && names[0] === 'pg_catalog' && (value as { funcformat?: string }).funcformat === 'COERCE_SQL_SYNTAX';
      // PostgreSQL folds plain names to lower case: a name that is not lower case was quoted.
      const bare = sqlSyntax ? names[1]! : names.length === 1 && names[0] === names[0]!.toLowerCase() ? names[0] : undefined;
      if (bare === undefined || !(isAllowedFunction(bare) || (sqlSyntax && SQL_SYNTAX.has(bare)))) throw new Refusal(`The function ${name} is not allowed in PostgreSQL queries.`);
    }
    if (key === 'RangeVar' || key === 'relation') {
      const rv = value as { schemaname?: string; relname?: string; catalogname?: string };
      if (rv && (rv.catalogname || /^(pg_|information_schema$)/i.test(rv.schemaname ?? '') || /^pg_/i.test(rv.relname ?? ''))) {
        throw new Refusal(`The table ${[rv.catalogname, rv.schemaname, rv.relname].filter(Boolean).join('.')} is a system catalog or another database; only the tables of the database can be read.`);
      }
    }
    if ((key === 'typeName' || key === 'TypeName') && typeof value === 'object' && value !== null) {
      // reg* types turn a text into a catalog lookup ('pg_authid'::regclass) whose result or
      // error names objects outside the profile: no cast to them, however spelt.
      const names = ((value as { names?: Array<{ String?: { sval?: string } }> }).names ?? []).map((n) => (n.String?.sval ?? '').toLowerCase());
      const type = names.at(-1) ?? '';
      if (OID_ALIAS_TYPES.has(type)) throw new Refusal(`A cast to ${type} looks names up in PostgreSQL's catalogs; it is not allowed in queries.`);
    }
    if (key === 'RangeFunction') throw new Refusal('Table-valued functions are not allowed in FROM; only tables, views and subqueries can be read.');
    if (key === 'RangeVar' && typeof value === 'object' && value !== null) {
      const rv = value as { schemaname?: string; relname?: string };
      seen.tables.add([rv.schemaname, rv.relname].filter(Boolean).join('.').toLowerCase());
    }
    if (key === 'CommonTableExpr' && typeof value === 'object' && value !== null) {
      const name = (value as { ctename?: string }).ctename;
      if (name) seen.ctes.add(name.toLowerCase());
    }
    walk(value, isAllowedFunction, seen);
  }
}

/** Functions PostgreSQL's grammar itself produces for standard syntax (SUBSTRING … FROM, EXTRACT, TRIM, POSITION …). */
const SQL_SYNTAX = new Set(['extract', 'substring', 'btrim', 'ltrim', 'rtrim', 'position', 'overlay', 'timezone', 'date_part', 'like_escape', 'similar_to_escape', 'normalize', 'is_normalized']);

/** PostgreSQL's object identifier alias types: casting text to them queries the system catalogs. */
const OID_ALIAS_TYPES = new Set(['regclass', 'regcollation', 'regconfig', 'regdictionary', 'regnamespace', 'regoper', 'regoperator', 'regproc', 'regprocedure', 'regrole', 'regtype']);
