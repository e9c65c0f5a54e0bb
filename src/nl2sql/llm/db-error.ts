/**
 * What the model may learn from a database error. The database's own message can quote table
 * data (`invalid input syntax for type integer: "<every name and LEI>"` after a CAST of a
 * string_agg), so it is never sent back, shown, or audited as is. The model gets the error's
 * class (from the SQLSTATE, or the SQLite message's kind), its position in the SQL that ran, and
 * a name only when that name is written in the SQL itself (a misspelt column is the model's own
 * text, not data).
 */
import { isOtcError } from '../../shared/errors.js';

export interface DbErrorForModel {
  /** e.g. undefined_column, invalid_text_representation, division_by_zero, timeout. */
  errorClass: string;
  /** The driver's code: a PostgreSQL SQLSTATE or a SQLite result code, when known. */
  code?: string;
  /** 1-based character position in the SQL that ran, when the database or the name tells it. */
  position?: number;
  /** The identifier the error is about, only when it appears in the SQL text. */
  name?: string;
  /** A few characters of the SQL at `position` (SQL text, never data). */
  near?: string;
}

const SQLSTATE: Record<string, string> = {
  '42703': 'undefined_column',
  '42P01': 'undefined_table',
  '42883': 'undefined_function',
  '42601': 'syntax_error',
  '42803': 'grouping_error',
  '42804': 'datatype_mismatch',
  '42702': 'ambiguous_column',
  '42725': 'ambiguous_function',
  '42P10': 'invalid_column_reference',
  '42846': 'cannot_coerce',
  '42P18': 'indeterminate_datatype',
  '42501': 'insufficient_privilege',
  '42P20': 'windowing_error',
  '22P02': 'invalid_text_representation',
  '22007': 'invalid_datetime_format',
  '22008': 'datetime_field_overflow',
  '22012': 'division_by_zero',
  '22003': 'numeric_value_out_of_range',
  '22023': 'invalid_parameter_value',
  '22001': 'string_data_right_truncation',
  '2201B': 'invalid_regular_expression',
  '21000': 'cardinality_violation',
  '54001': 'statement_too_complex',
  '53200': 'out_of_memory',
};
const SQLSTATE_CLASS: Record<string, string> = {
  '22': 'data_exception',
  '42': 'syntax_error_or_access_rule_violation',
  '21': 'cardinality_violation',
  '53': 'insufficient_resources',
  '54': 'program_limit_exceeded',
};

/** SQLite messages by kind; the captured group is a name the message is about. */
const SQLITE_PATTERNS: [RegExp, string][] = [
  [/^no such column: (.+)$/, 'undefined_column'],
  [/^no such table: (.+)$/, 'undefined_table'],
  [/^no such function: (.+)$/, 'undefined_function'],
  [/^ambiguous column name: (.+)$/, 'ambiguous_column'],
  [/^near "(.+)": syntax error$/, 'syntax_error'],
  [/^(?:incomplete input|unrecognized token)/, 'syntax_error'],
  [/^wrong number of arguments to function (\w+)\(\)/, 'wrong_number_of_arguments'],
  [/^misuse of (?:aggregate|window) function (\w+)\(\)/, 'grouping_error'],
  [/aggregate functions are not allowed/, 'grouping_error'],
  [/^sub-select returns \d+ columns/, 'cardinality_violation'],
  [/term out of range/, 'invalid_column_reference'],
  [/integer overflow/, 'numeric_value_out_of_range'],
  [/^row value misused/, 'datatype_mismatch'],
];

/** Our own datasource codes that are not a database's message. */
const OWN_CODES: Record<string, string> = {
  OTC_ERR_QUERY_TIMEOUT: 'timeout',
  OTC_ERR_QUERY_CANCELLED: 'cancelled',
  OTC_ERR_QUERY_NOT_READ_ONLY: 'not_read_only',
  OTC_ERR_DATASOURCE_UNREACHABLE: 'database_unreachable',
  OTC_ERR_DATASOURCE_CLOSED: 'database_unreachable',
};

/** A PostgreSQL message's subject, e.g. column "x" / relation "t" / function f(integer). */
const PG_NAME = /^(?:column|relation|function|table|schema) "?([^"(\s]+)"?/;

export function classifyDbError(e: unknown, sqlThatRan: string): DbErrorForModel {
  const cause = (isOtcError(e) ? (e.cause as { code?: unknown; position?: unknown; message?: unknown } | undefined) : (e as { code?: unknown; position?: unknown; message?: unknown })) ?? {};
  if (isOtcError(e) && OWN_CODES[e.code]) return { errorClass: OWN_CODES[e.code]! };
  const code = typeof cause.code === 'string' ? cause.code : undefined;
  const raw = typeof cause.message === 'string' ? cause.message : e instanceof Error ? e.message.replace(/^the database refused the query: /, '') : '';
  let errorClass = 'database_error';
  let name: string | undefined;
  let position: number | undefined;
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    errorClass = SQLSTATE[code] ?? SQLSTATE_CLASS[code.slice(0, 2)] ?? `sqlstate_${code}`;
    if (/^42/.test(code)) name = PG_NAME.exec(raw)?.[1];
    const p = Number(cause.position);
    if (Number.isInteger(p) && p >= 1 && p <= sqlThatRan.length) position = p;
  } else {
    for (const [re, cls] of SQLITE_PATTERNS) {
      const m = re.exec(raw);
      if (m) {
        errorClass = cls;
        name = m[1];
        break;
      }
    }
  }
  // A name is only repeated when the SQL itself holds it: then it cannot have come from the data.
  if (name !== undefined) {
    const at = indexOfName(sqlThatRan, name);
    if (at < 0 || name.length > 128) name = undefined;
    else position ??= at + 1;
  }
  const out: DbErrorForModel = { errorClass };
  if (code) out.code = code;
  if (name !== undefined) out.name = name;
  if (position !== undefined) {
    out.position = position;
    out.near = sqlThatRan.slice(position - 1, position + 24).replace(/\s+/g, ' ');
  }
  return out;
}

function indexOfName(sql: string, name: string): number {
  const i = sql.indexOf(name);
  return i >= 0 ? i : sql.toLowerCase().indexOf(name.toLowerCase());
}

/** The sentence the model (and, in an abstention, the user) reads. */
export function describeDbErrorForModel(d: DbErrorForModel): string {
  const parts = [`error class ${d.errorClass}`];
  if (d.code) parts.push(`code ${d.code}`);
  if (d.name !== undefined) parts.push(`about "${d.name}"`);
  if (d.position !== undefined) parts.push(`at character ${d.position} of the SQL that ran, near "${d.near ?? ''}"`);
  return parts.join(', ');
}
