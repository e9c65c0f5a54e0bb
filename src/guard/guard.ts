import { checkQueryAst } from './ast/check.js';
import { isObject, variantOf, type JsonObject } from './ast/json.js';
import { sameQueryExceptCap } from './ast/same.js';
import { resolveNames } from './ast/scope.js';
import { GUARD_DIALECTS, type GuardDialectRules } from './dialects/index.js';
import { SQL_GUARD_REJECTED } from './errors.js';
import { singleStatement } from './lexers/statement.js';
import type { Token } from './lexers/types.js';
import { parseStatements } from './parser.js';
import type { GuardDialect, GuardPolicy, GuardVerdict } from './types.js';

/** Longer texts are refused before any parsing (no read query a person or an engine writes is this long). */
const MAX_SQL_LENGTH = 100_000;

const refused = (reason: string): GuardVerdict => ({ ok: false, code: SQL_GUARD_REJECTED, reason });

type Judged = { ok: true; text: string; tokens: Token[]; query: JsonObject; tables: string[] } | { ok: false; reason: string };

type Parsed = { ok: true; text: string; tokens: Token[]; statement: JsonObject } | { ok: false; reason: string };

/** Layer 1 and the parse: the dialect's lexical rules, then sqlparser-ts must read exactly one statement. */
async function lexAndParse(sql: string, rules: GuardDialectRules): Promise<Parsed> {
  const single = singleStatement(sql, rules.lexer);
  if (!single.ok) return single;
  const lexical = rules.lexicalCheck?.(single.tokens);
  if (lexical) return { ok: false, reason: lexical };

  const statements = await parseStatements(single.text, rules.parserDialect);
  if (!statements) return { ok: false, reason: `The query could not be parsed as a single read-only query in ${rules.displayName}.` };
  if (statements.length !== 1) return { ok: false, reason: 'The text holds more than one statement; only a single query is accepted.' };
  return { ok: true, text: single.text, tokens: single.tokens, statement: statements[0] as JsonObject };
}

/**
 * Layers 1–3 on one text: the dialect's lexical rules, the sqlparser-ts AST walk (statement
 * kinds, functions, tables, INTO, locks, then names against the allow-list), and the dialect's
 * second opinion (PostgreSQL: libpg-query).
 */
async function judge(sql: string, rules: GuardDialectRules, policy: GuardPolicy): Promise<Judged> {
  const parsed = await lexAndParse(sql, rules);
  if (!parsed.ok) return parsed;
  const statement = parsed.statement;
  const unsafe = checkQueryAst(statement, rules);
  if (unsafe) return { ok: false, reason: unsafe };
  const names = resolveNames(statement, rules, policy.allowedTables, policy.wildcards ?? true);
  if (names.reason) return { ok: false, reason: names.reason };

  const second = await rules.secondOpinion?.(parsed.text, { tables: names.tables });
  if (second) return { ok: false, reason: second };

  const query = statement.Query;
  if (!isObject(query)) return { ok: false, reason: `The query could not be parsed as a single read-only query in ${rules.displayName}.` };
  return { ok: true, text: parsed.text, tokens: parsed.tokens, query, tables: names.tables };
}

/**
 * The capped text judged again, the short way when it can be proven equivalent: layer 1 and
 * the parse run in full on the capped text (and the dialect's second opinion), and its AST must
 * equal the judged one except for row-cap clauses made of number literals only. The AST checks
 * and the name resolution then give the same answer as on the judged text, so they are not run
 * again. Undefined when that cannot be shown: the caller judges the capped text in full.
 */
async function recheckCapped(capped: string, judged: Judged & { ok: true }, rules: GuardDialectRules): Promise<Judged | undefined> {
  const parsed = await lexAndParse(capped, rules);
  if (!parsed.ok) return parsed;
  const query = parsed.statement.Query;
  if (variantOf(parsed.statement) !== 'Query' || !isObject(query) || !sameQueryExceptCap(judged.query, query)) return undefined;
  const second = await rules.secondOpinion?.(parsed.text, { tables: judged.tables });
  if (second) return { ok: false, reason: second };
  return { ok: true, text: parsed.text, tokens: parsed.tokens, query, tables: judged.tables };
}

/**
 * The SQL guard: admits only a single read-only query, in the given dialect, over the tables and
 * columns the policy allows, and returns it with the row cap applied. Everything else is refused
 * with one sentence saying why. The capped text is judged again before it is admitted.
 */
export async function guardSql(sql: string, dialect: GuardDialect, policy: GuardPolicy): Promise<GuardVerdict> {
  return guardWith(sql, dialect, policy, 'proven');
}

/**
 * How the capped text is judged again: 'proven' (the short way when the capped AST provably
 * equals the judged one but for the cap, else in full) or 'full' (always every layer; kept for
 * the tests that show both give the same verdicts).
 */
export type CapRecheck = 'proven' | 'full';

export async function guardWith(sql: string, dialect: GuardDialect, policy: GuardPolicy, recheck: CapRecheck): Promise<GuardVerdict> {
  const rules = GUARD_DIALECTS[dialect];
  if (!rules) return refused(`Unknown SQL dialect ${String(dialect)}.`);
  if (!Number.isInteger(policy.maxRows) || policy.maxRows < 1) return refused('The row cap must be a whole number of at least 1.');
  if (sql.length > MAX_SQL_LENGTH) return refused(`The query is longer than ${MAX_SQL_LENGTH} characters.`);

  const first = await judge(sql, rules, policy);
  if (!first.ok) return refused(first.reason);
  const capped = rules.rowCap.apply(first.text, first.tokens, first.query, policy.maxRows);
  if (!capped.ok) return refused(capped.reason);

  // An unchanged text is judged the same way twice: the first verdict stands.
  const again =
    recheck === 'proven' && capped.sql === first.text
      ? first
      : ((recheck === 'proven' ? await recheckCapped(capped.sql, first, rules) : undefined) ?? (await judge(capped.sql, rules, policy)));
  if (!again.ok) return refused(`The query with the row cap applied is not accepted: ${again.reason}`);
  const cap = rules.rowCap.currentCap(again.query, again.tokens);
  if (cap === undefined || typeof cap !== 'number' || cap > policy.maxRows) return refused('The row cap could not be applied to this query.');
  return { ok: true, sql: again.text, tables: again.tables };
}
