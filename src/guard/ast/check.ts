import type { GuardDialectRules } from '../dialects/types.js';
import { arrayOf, identValue, isObject, objectNameParts, variantOf, type Json, type JsonObject } from './json.js';
import { COMMON_FUNCTIONS } from './functions.js';

/** Statement kinds that may never appear anywhere in an admitted query (defence in depth). */
const STATEMENT_KINDS = new Set([
  'Insert', 'Update', 'Delete', 'Merge', 'Copy', 'CopyIntoSnowflake', 'Truncate', 'CreateTable', 'CreateView',
  'CreateIndex', 'CreateFunction', 'CreateProcedure', 'CreateTrigger', 'CreateSchema', 'CreateDatabase', 'CreateRole',
  'CreateSequence', 'CreateType', 'CreateExtension', 'CreateVirtualTable', 'CreateServer', 'CreatePolicy', 'CreateConnector',
  'CreateSecret', 'CreateMacro', 'CreateStage', 'AlterTable', 'AlterIndex', 'AlterView', 'AlterRole', 'AlterSchema',
  'AlterType', 'AlterPolicy', 'Drop', 'DropFunction', 'DropProcedure', 'DropTrigger', 'DropExtension', 'DropSecret',
  'SetVariable', 'Set', 'SetRole', 'SetTimeZone', 'SetNames', 'SetTransaction', 'Use', 'Grant', 'Revoke', 'Deny',
  'Execute', 'Call', 'Prepare', 'Deallocate', 'Declare', 'StartTransaction', 'Commit', 'Rollback', 'Savepoint',
  'ReleaseSavepoint', 'AttachDatabase', 'AttachDuckDBDatabase', 'DetachDuckDBDatabase', 'Pragma', 'Analyze', 'Vacuum',
  'Discard', 'LISTEN', 'NOTIFY', 'UNLISTEN', 'Listen', 'Notify', 'Unlisten', 'LoadData', 'Load', 'Install', 'Kill',
  'Cache', 'UNCache', 'Msck', 'Directory', 'WaitFor', 'RaisError', 'Throw', 'Print', 'Return', 'Explain', 'Comment',
  'Assert', 'Unload', 'OptimizeTable', 'Reindex', 'Lock', 'LockTables', 'UnlockTables', 'Flush', 'Close', 'Open',
]);

const QUERY_BODIES = new Set(['Select', 'Query', 'SetOperation', 'Values']);
const RELATIONS = new Set(['Table', 'Derived', 'NestedJoin']);
const LOCK_WORDS = /lock|holdlock|serializable|repeatableread|readpast|tablock|xlock|updlock|paglock|rowlock/i;

const KIND_WORDS: Record<string, string> = {
  Insert: 'INSERT', Update: 'UPDATE', Delete: 'DELETE', Merge: 'MERGE', Copy: 'COPY', Truncate: 'TRUNCATE',
  Execute: 'EXECUTE', Call: 'CALL', Grant: 'GRANT', Revoke: 'REVOKE', Declare: 'DECLARE', WaitFor: 'WAITFOR',
  AttachDatabase: 'ATTACH', Pragma: 'PRAGMA', StartTransaction: 'BEGIN', Commit: 'COMMIT', Rollback: 'ROLLBACK',
  Use: 'USE', Drop: 'DROP', CreateTable: 'CREATE TABLE', CreateView: 'CREATE VIEW', AlterTable: 'ALTER TABLE',
  Explain: 'EXPLAIN', Analyze: 'ANALYZE', Vacuum: 'VACUUM', SetVariable: 'SET', Set: 'SET',
};

export function describeStatementKind(kind: string): string {
  return KIND_WORDS[kind] ?? kind.replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
}

class Refusal extends Error {}
const refuse = (reason: string): never => {
  throw new Refusal(reason);
};

/**
 * Layer 2 (safety): walks the WHOLE JSON AST of the one statement and refuses anything that is
 * not a plain read: a statement of another kind anywhere (writable CTEs), SELECT … INTO, locking
 * clauses and lock hints, functions outside the allow-list, table-valued functions, system
 * catalogs, names with a database or server part, variables and parameters.
 * Returns a reason to refuse, or undefined.
 */
export function checkQueryAst(statement: Json, rules: GuardDialectRules): string | undefined {
  try {
    const kind = variantOf(statement);
    if (kind !== 'Query' || !isObject(statement)) refuse(`Only a read query (SELECT) is accepted, not ${describeStatementKind(kind ?? 'this statement')}.`);
    // The walk relies on this shape; a parser upgrade that changes it must fail closed.
    const query = (statement as JsonObject).Query;
    if (!isObject(query) || !isQueryNode(query)) refuse('The query could not be checked (unexpected parser output).');
    walk(statement, rules);
    return undefined;
  } catch (e) {
    if (e instanceof Refusal) return e.message;
    throw e;
  }
}

function isQueryNode(o: JsonObject): boolean {
  return 'body' in o && 'locks' in o && 'order_by' in o;
}

function walk(node: Json, rules: GuardDialectRules): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, rules);
    return;
  }
  if (!isObject(node)) return;
  for (const key in node) {
    if (STATEMENT_KINDS.has(key)) refuse(`The query contains a ${describeStatementKind(key)} statement; only reads are accepted.`);
  }
  if (isQueryNode(node)) checkQuery(node);
  if (isObject(node.SetOperation)) {
    checkBody(node.SetOperation.left);
    checkBody(node.SetOperation.right);
  }
  if (isObject(node.Select) && 'projection' in node.Select) checkSelect(node.Select);
  if (isObject(node.Function) && 'name' in node.Function && !('lateral' in node.Function)) checkFunction(node.Function, rules);
  if (isObject(node.Dot) && 'Function' in node.Dot) refuse('Method calls (expression.method(…)) are not allowed.');
  if ('relation' in node) checkRelation(node.relation, rules);
  if (isObject(node.Identifier) || Array.isArray(node.CompoundIdentifier)) checkIdentifier(node, rules);
  if (isObject(node.Value) && isObject(node.Value.value) && 'Placeholder' in node.Value.value) {
    refuse('The query contains a parameter placeholder; write the values into the query.');
  }
  for (const key in node) {
    if (key === 'span') continue;
    walk(node[key]!, rules);
  }
}

function checkBody(body: Json | undefined): void {
  const kind = variantOf(body);
  if (!kind || !QUERY_BODIES.has(kind)) refuse(`The query contains a ${describeStatementKind(kind ?? 'unknown')} statement; only reads are accepted.`);
}

function checkQuery(q: JsonObject): void {
  checkBody(q.body);
  if (arrayOf(q.locks).length > 0) refuse('Locking clauses (FOR UPDATE / FOR SHARE) are not allowed in a read-only query.');
  const forClause = variantOf(q.for_clause);
  if (forClause && !['Xml', 'Json'].includes(forClause)) refuse(`FOR ${forClause.toUpperCase()} is not allowed.`);
  for (const k of ['settings', 'format_clause']) {
    if (q[k] !== null && q[k] !== undefined && !(Array.isArray(q[k]) && (q[k] as Json[]).length === 0)) refuse('Query settings and output formats are not allowed.');
  }
  if (arrayOf(q.pipe_operators).length > 0) refuse('Pipe operators are not allowed.');
}

function checkSelect(s: JsonObject): void {
  if (s.into !== null && s.into !== undefined) refuse('SELECT … INTO creates a table; only reads are accepted.');
}

function checkFunction(f: JsonObject, rules: GuardDialectRules): void {
  const parts = objectNameParts(f.name);
  if (!parts || parts.length !== 1) {
    refuse(`The function ${parts ? parts.join('.') : '(unnamed)'} is not allowed: only plain, unqualified functions from the allow-list can be called.`);
  }
  const quoted = arrayOf(f.name).some((p) => isObject(p) && isObject(p.Identifier) && typeof p.Identifier.quote_style === 'string');
  if (quoted) refuse(`The function "${parts![0]}" is written as a quoted name; call functions by their plain name.`);
  const name = parts![0]!.toLowerCase();
  if (!COMMON_FUNCTIONS.has(name) && !rules.functions.has(name)) refuse(`The function ${parts![0]} is not allowed in ${rules.displayName} queries.`);
}

function checkRelation(rel: Json, rules: GuardDialectRules): void {
  const kind = variantOf(rel);
  if (!kind || !RELATIONS.has(kind) || !isObject(rel)) {
    refuse(`The FROM item ${kind ?? '(unknown)'} is not allowed: only tables, views and subqueries can be read (no table-valued functions).`);
  }
  if (kind !== 'Table') return;
  const t = (rel as JsonObject).Table as JsonObject;
  const parts = objectNameParts(t.name);
  if (!parts) refuse('A table name could not be read.');
  const shown = parts!.join('.');
  if (t.args !== null && t.args !== undefined) refuse(`The FROM item ${shown}(…) is a table-valued function; only tables and views can be read.`);
  if (parts!.length > 2 || parts!.some((p) => p === '')) refuse(`The table name ${shown} names another database or server; only tables of this database can be read.`);
  const system = rules.systemObject(parts!);
  if (system) refuse(system);
  for (const hint of arrayOf(t.with_hints)) {
    const word = identValue(isObject(hint) ? hint.Identifier : undefined)?.toLowerCase();
    if (!word || !rules.tableHints.has(word)) {
      refuse(word && LOCK_WORDS.test(word) ? `The locking hint ${word.toUpperCase()} is not allowed in a read-only query.` : `The table hint on ${shown} is not allowed.`);
    }
  }
  if (arrayOf(t.index_hints).length > 0 || arrayOf(t.partitions).length > 0) refuse(`Index or partition hints on ${shown} are not allowed.`);
  if (t.json_path !== null && t.json_path !== undefined) refuse(`JSON paths on ${shown} are not allowed.`);
}

function checkIdentifier(node: JsonObject, rules: GuardDialectRules): void {
  const idents = isObject(node.Identifier) ? [node.Identifier] : arrayOf(node.CompoundIdentifier);
  for (const id of idents) {
    const v = identValue(id);
    const quoted = isObject(id) && typeof id.quote_style === 'string';
    if (v !== undefined && v.startsWith('@') && !quoted && !(idents.length === 1 && rules.builtinValues.has(v.toLowerCase()))) {
      refuse(`Variables and system functions such as ${v} are not allowed.`);
    }
  }
}
