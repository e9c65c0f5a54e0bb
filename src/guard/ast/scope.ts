import type { GuardDialectRules } from '../dialects/types.js';
import { arrayOf, identValue, isObject, objectNameParts, variantOf, type Json, type JsonObject } from './json.js';

/** Columns a source offers; null = not known (accept any: the names inside are checked where they come from). */
type Cols = Set<string> | null;

interface Source {
  /** The name the query refers to it by (alias, or table name), lower case. */
  name: string;
  /** The real table, when it is one. */
  table?: string;
  cols: Cols;
}

interface Scope {
  sources: Source[];
  /** Select-list aliases, usable in ORDER BY / GROUP BY / HAVING. */
  aliases: Set<string>;
  parent?: Scope;
}

type Ctes = Map<string, Cols>;

export interface NamesResult {
  /** Real tables read (lower case, as written, no duplicates). */
  tables: string[];
  /** Set when a table or column is not allowed / does not exist. */
  reason?: string;
}

class Unknown extends Error {}

/** Keys under which an expression holds names that are not column references. */
const NOT_COLUMNS = new Set(['span', 'name', 'data_type', 'alias', 'collation', 'field', 'key', 'keys', 'window_name', 'NamedWindow', 'format', 'leading_field', 'last_field', 'charset', 'options', 'select_token']);
/** Keys of a Select handled by hand (not as plain expressions). */
const SELECT_HANDLED = new Set(['from', 'projection', 'into', 'top', 'select_token', 'optimizer_hints', 'flavor', 'value_table_mode', 'exclude']);

/**
 * Layer 2 (names): collects the tables a query reads and, with an allow-list, checks that every
 * table is allowed and every column reference that can be resolved exists — resolving CTE names,
 * aliases, derived tables, correlated subqueries and select-list aliases.
 */
export function resolveNames(statement: Json, rules: GuardDialectRules, allowed?: Map<string, Set<string> | '*'>, wildcards = true): NamesResult {
  const r = new Resolver(rules, allowed, wildcards);
  try {
    const q = isObject(statement) ? statement.Query : undefined;
    if (isObject(q)) r.query(q, undefined, new Map());
    return { tables: [...r.tables] };
  } catch (e) {
    if (e instanceof Unknown) return { tables: [...r.tables], reason: e.message };
    throw e;
  }
}

function isQueryNode(o: Json | undefined): boolean {
  return isObject(o) && 'body' in o && 'locks' in o && 'order_by' in o;
}

function aliasName(alias: Json | undefined): string | undefined {
  return isObject(alias) ? identValue(alias.name)?.toLowerCase() : undefined;
}

function aliasColumns(alias: Json | undefined): Set<string> | undefined {
  if (!isObject(alias)) return undefined;
  const cols = arrayOf(alias.columns)
    .map((c) => identValue(c) ?? (isObject(c) ? identValue(c.name) : undefined))
    .filter((c): c is string => c !== undefined)
    .map((c) => c.toLowerCase());
  return cols.length ? new Set(cols) : undefined;
}

class Resolver {
  readonly tables = new Set<string>();
  constructor(
    private readonly rules: GuardDialectRules,
    private readonly allowed?: Map<string, Set<string> | '*'>,
    private readonly wildcards = true,
  ) {}

  /** `*` over a real table reads all its columns: refused when the allow-list may leave some out. */
  private wildcardOver(sources: readonly Source[]): void {
    const table = sources.find((s) => s.table !== undefined);
    if (!this.wildcards && table) throw new Unknown(`The query must name the columns it reads from ${table.table} instead of using *.`);
  }

  query(q: JsonObject, outer: Scope | undefined, parentCtes: Ctes): Cols {
    const ctes: Ctes = new Map(parentCtes);
    const w = isObject(q.with) ? q.with : undefined;
    for (const cte of arrayOf(w?.cte_tables)) {
      if (!isObject(cte)) continue;
      const name = aliasName(cte.alias);
      if (!name) continue;
      const explicit = aliasColumns(cte.alias);
      if (w?.recursive === true) ctes.set(name, explicit ?? null);
      const cols = isQueryNode(cte.query) ? this.query(cte.query as JsonObject, outer, ctes) : null;
      ctes.set(name, explicit ?? cols);
    }
    const { cols, scope } = this.body(q.body, outer, ctes);
    const orderBy = isObject(q.order_by) ? q.order_by : undefined;
    if (orderBy) {
      const orderScope: Scope = {
        sources: [...(scope?.sources ?? []), { name: '', cols }],
        aliases: new Set([...(scope?.aliases ?? []), ...(cols ?? [])]),
        parent: outer,
      };
      this.expr(orderBy, orderScope, ctes);
    }
    return cols;
  }

  body(body: Json | undefined, outer: Scope | undefined, ctes: Ctes): { cols: Cols; scope?: Scope } {
    const kind = variantOf(body);
    if (!isObject(body) || !kind) return { cols: null };
    const inner = body[kind];
    if (kind === 'Select' && isObject(inner)) return this.select(inner, outer, ctes);
    if (kind === 'Query' && isQueryNode(inner)) return { cols: this.query(inner as JsonObject, outer, ctes) };
    if (kind === 'SetOperation' && isObject(inner)) {
      const left = this.body(inner.left, outer, ctes);
      this.body(inner.right, outer, ctes);
      return { cols: left.cols };
    }
    if (kind === 'Values') this.expr(inner ?? null, outer ?? { sources: [], aliases: new Set() }, ctes);
    return { cols: null };
  }

  select(sel: JsonObject, outer: Scope | undefined, ctes: Ctes): { cols: Cols; scope: Scope } {
    const scope: Scope = { sources: [], aliases: new Set(), parent: outer };
    const constraints: Json[] = [];
    for (const twj of arrayOf(sel.from)) this.tableWithJoins(twj, scope, outer, ctes, constraints);
    for (const item of arrayOf(sel.projection)) {
      if (isObject(item) && isObject(item.ExprWithAlias)) {
        const a = identValue(item.ExprWithAlias.alias)?.toLowerCase();
        if (a) scope.aliases.add(a);
      }
    }
    for (const c of constraints) this.expr(c, scope, ctes);
    const out = new Set<string>();
    let known = true;
    for (const item of arrayOf(sel.projection)) {
      const kind = variantOf(item);
      const v = isObject(item) && kind ? item[kind] : undefined;
      if (kind === 'ExprWithAlias' && isObject(v)) {
        this.expr(v.expr ?? null, scope, ctes);
        out.add(identValue(v.alias)!.toLowerCase());
      } else if (kind === 'UnnamedExpr') {
        this.expr(v ?? null, scope, ctes);
        const id = isObject(v) ? (identValue(v.Identifier) ?? identValue(arrayOf(v.CompoundIdentifier).at(-1))) : undefined;
        if (id) out.add(id.toLowerCase());
        else known = false;
      } else if (kind === 'Wildcard') {
        this.wildcardOver(scope.sources);
        for (const s of scope.sources) {
          if (s.cols === null) known = false;
          else for (const c of s.cols) out.add(c);
        }
      } else if (kind === 'QualifiedWildcard') {
        const parts = qualifierParts(v);
        const src = parts ? findSource(scope, parts.at(-1)!.toLowerCase()) : undefined;
        if (!src) {
          if (this.allowed) throw new Unknown(`The query refers to ${parts?.join('.') ?? '?'}.*, but that is not a table or alias in the query.`);
          known = false;
        } else {
          this.wildcardOver([src]);
          if (src.cols === null) known = false;
          else for (const c of src.cols) out.add(c);
        }
      } else known = false;
    }
    const rest: JsonObject = {};
    for (const [k, v] of Object.entries(sel)) if (!SELECT_HANDLED.has(k)) rest[k] = v;
    this.expr(rest, scope, ctes);
    return { cols: known ? out : null, scope };
  }

  tableWithJoins(twj: Json, scope: Scope, outer: Scope | undefined, ctes: Ctes, constraints: Json[]): void {
    if (!isObject(twj)) return;
    this.relation(twj.relation, scope, outer, ctes, constraints);
    for (const j of arrayOf(twj.joins)) {
      if (!isObject(j)) continue;
      this.relation(j.relation, scope, outer, ctes, constraints);
      constraints.push(j.join_operator ?? null);
    }
  }

  relation(rel: Json | undefined, scope: Scope, outer: Scope | undefined, ctes: Ctes, constraints: Json[]): void {
    const kind = variantOf(rel);
    const v = isObject(rel) && kind ? rel[kind] : undefined;
    if (!isObject(v)) return;
    if (kind === 'Table') {
      const parts = objectNameParts(v.name) ?? [];
      const name = parts.at(-1)?.toLowerCase() ?? '';
      const alias = aliasName(v.alias) ?? name;
      const explicit = aliasColumns(v.alias);
      if (parts.length === 1 && ctes.has(name)) {
        scope.sources.push({ name: alias, cols: explicit ?? ctes.get(name)! });
        return;
      }
      const qualified = parts.map((p) => p.toLowerCase()).join('.');
      this.tables.add(qualified);
      let cols: Cols = null;
      if (this.allowed) {
        const found = this.lookup(parts);
        if (found === undefined) throw new Unknown(`The query reads an unknown table ${parts.join('.')}.`);
        cols = found === '*' ? null : found;
      }
      scope.sources.push({ name: alias, table: parts.at(-1), cols: explicit ?? cols });
    } else if (kind === 'Derived') {
      const cols = isQueryNode(v.subquery) ? this.query(v.subquery as JsonObject, v.lateral === true ? scope : outer, ctes) : null;
      scope.sources.push({ name: aliasName(v.alias) ?? '', cols: aliasColumns(v.alias) ?? cols });
    } else if (kind === 'NestedJoin') {
      this.tableWithJoins(v.table_with_joins ?? null, scope, outer, ctes, constraints);
    }
  }

  lookup(parts: readonly string[]): Set<string> | '*' | undefined {
    const lower = parts.map((p) => p.toLowerCase());
    const direct = this.allowed!.get(lower.join('.'));
    if (direct !== undefined) return direct;
    if (lower.length === 2 && this.rules.defaultSchemas.has(lower[0]!)) return this.allowed!.get(lower[1]!);
    return undefined;
  }

  expr(node: Json, scope: Scope, ctes: Ctes): void {
    if (Array.isArray(node)) {
      for (const n of node) this.expr(n, scope, ctes);
      return;
    }
    if (!isObject(node)) return;
    if (isQueryNode(node)) {
      this.query(node, scope, ctes);
      return;
    }
    if (isObject(node.Identifier)) this.column([identValue(node.Identifier)!], scope);
    if (Array.isArray(node.CompoundIdentifier)) this.column(node.CompoundIdentifier.map((p) => identValue(p) ?? ''), scope);
    for (const key in node) {
      if (NOT_COLUMNS.has(key) || key === 'Identifier' || key === 'CompoundIdentifier') continue;
      const value = node[key]!;
      if (key === 'Function' && isObject(value)) {
        this.functionArgs(value, scope, ctes);
        continue;
      }
      this.expr(value, scope, ctes);
    }
  }

  functionArgs(f: JsonObject, scope: Scope, ctes: Ctes): void {
    const name = objectNameParts(f.name)?.at(-1)?.toLowerCase() ?? '';
    for (const [key, value] of Object.entries(f)) {
      if (NOT_COLUMNS.has(key)) continue;
      if (key === 'args' && this.rules.datePartFunctions.has(name) && isObject(value) && isObject(value.List)) {
        // DATEADD(day, …): the first argument is a date part, not a column.
        const [, ...rest] = arrayOf(value.List.args);
        this.expr(rest, scope, ctes);
        continue;
      }
      this.expr(value, scope, ctes);
    }
  }

  column(parts: string[], scope: Scope): void {
    if (!this.allowed) return;
    const lower = parts.map((p) => p.toLowerCase());
    const col = lower.at(-1)!;
    if (this.rules.pseudoColumns.has(col)) return;
    if (lower.length === 1 && this.rules.builtinValues.has(col)) return;
    if (lower.length === 1) {
      for (let s: Scope | undefined = scope; s; s = s.parent) {
        if (s.aliases.has(col)) return;
        for (const src of s.sources) if (src.cols === null || src.cols.has(col) || src.name === col) return;
      }
      const real = scope.sources.filter((s) => s.table);
      throw new Unknown(real.length === 1 ? `The query refers to an unknown column ${real[0]!.table}.${parts[0]}.` : `The query refers to an unknown column ${parts[0]}.`);
    }
    if (lower.length > 3) throw new Unknown(`The column reference ${parts.join('.')} is not allowed.`);
    const qualifier = lower.at(-2)!;
    const src = findSource(scope, qualifier);
    if (!src) throw new Unknown(`The query refers to ${parts.join('.')}, but ${parts.at(-2)} is not a table or alias in the query.`);
    if (src.cols === null || src.cols.has(col)) return;
    throw new Unknown(`The query refers to an unknown column ${src.table ?? parts.at(-2)}.${parts.at(-1)}.`);
  }
}

function findSource(scope: Scope, name: string): Source | undefined {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const hit = s.sources.find((src) => src.name === name || (src.table !== undefined && src.table.toLowerCase() === name && src.name === src.table.toLowerCase()));
    if (hit) return hit;
  }
  return undefined;
}

function qualifierParts(v: Json | undefined): string[] | undefined {
  // QualifiedWildcard: [kind, options], kind = {ObjectName: […]} (or an ObjectName directly in older shapes)
  const first = Array.isArray(v) ? v[0] : v;
  if (Array.isArray(first)) return objectNameParts(first);
  if (isObject(first) && Array.isArray(first.ObjectName)) return objectNameParts(first.ObjectName);
  return undefined;
}
