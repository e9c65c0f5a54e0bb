import type { ColumnInfo } from './types.js';

export type ColumnKind = ColumnInfo['kind'];

const EXACT: Record<string, ColumnKind> = {
  varchar: 'text', char: 'text', text: 'text', nvarchar: 'text', nchar: 'text', ntext: 'text',
  'character varying': 'text', character: 'text', bpchar: 'text', citext: 'text', clob: 'text',
  'varying character': 'text', 'native character': 'text', name: 'text',
  int: 'integer', integer: 'integer', smallint: 'integer', bigint: 'integer', tinyint: 'integer',
  mediumint: 'integer', int2: 'integer', int4: 'integer', int8: 'integer',
  serial: 'integer', bigserial: 'integer', smallserial: 'integer',
  decimal: 'decimal', numeric: 'decimal', real: 'decimal', float: 'decimal', double: 'decimal',
  'double precision': 'decimal', float4: 'decimal', float8: 'decimal', money: 'decimal', smallmoney: 'decimal',
  date: 'date',
  timestamp: 'timestamp', 'timestamp without time zone': 'timestamp', 'timestamp with time zone': 'timestamp',
  timestamptz: 'timestamp', datetime: 'timestamp', datetime2: 'timestamp', smalldatetime: 'timestamp',
  datetimeoffset: 'timestamp',
  bit: 'boolean', boolean: 'boolean', bool: 'boolean',
};

/**
 * The portable kind of a column from the database's own type name
 * ('VARCHAR(40)', 'numeric(20,2)', 'timestamp without time zone', 'datetime2(7)').
 * Unknown names fall back to SQLite's affinity rules, then 'other'.
 */
export function kindOfType(dataType: string): ColumnKind {
  const base = dataType.toLowerCase().replace(/\(.*\)/, '').replace(/\s+/g, ' ').trim();
  const exact = EXACT[base];
  if (exact) return exact;
  if (base.includes('int')) return 'integer';
  if (/char|clob|text/.test(base)) return 'text';
  if (/real|floa|doub|dec|num/.test(base)) return 'decimal';
  if (base.startsWith('timestamp') || base.startsWith('datetime')) return 'timestamp';
  return 'other';
}
