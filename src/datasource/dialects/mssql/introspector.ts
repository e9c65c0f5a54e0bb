import { assembleTables } from '../../assemble.js';
import type { RowsRunner } from '../../internal.js';
import { sqlLiteral } from '../../literals.js';
import type { TableInfo } from '../../types.js';

const lit = (s: string) => sqlLiteral(s, { stringPrefix: 'N', booleans: 'numbers' });

/** User tables of one schema with row counts from sys.partitions (heap or clustered index). */
export const mssqlTablesSql = (schema: string) => `SELECT t.name, SUM(CASE WHEN p.index_id IN (0, 1) THEN p.rows ELSE 0 END) AS row_count
FROM sys.tables t
JOIN sys.schemas s ON s.schema_id = t.schema_id
LEFT JOIN sys.partitions p ON p.object_id = t.object_id
WHERE s.name = ${lit(schema)} AND t.is_ms_shipped = 0
GROUP BY t.name
ORDER BY t.name`;

/** Columns with a type name written the way SQL Server prints it: varchar(40), nvarchar(max), decimal(20,2). */
export const mssqlColumnsSql = (schema: string) => `SELECT c.TABLE_NAME, c.COLUMN_NAME,
  CASE
    WHEN c.DATA_TYPE IN ('varchar', 'nvarchar', 'char', 'nchar', 'varbinary', 'binary')
      THEN c.DATA_TYPE + '(' + CASE WHEN c.CHARACTER_MAXIMUM_LENGTH = -1 THEN 'max' ELSE CAST(c.CHARACTER_MAXIMUM_LENGTH AS varchar(10)) END + ')'
    WHEN c.DATA_TYPE IN ('decimal', 'numeric')
      THEN c.DATA_TYPE + '(' + CAST(c.NUMERIC_PRECISION AS varchar(10)) + ',' + CAST(c.NUMERIC_SCALE AS varchar(10)) + ')'
    ELSE c.DATA_TYPE
  END AS data_type,
  c.IS_NULLABLE
FROM INFORMATION_SCHEMA.COLUMNS c
JOIN INFORMATION_SCHEMA.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
WHERE c.TABLE_SCHEMA = ${lit(schema)} AND t.TABLE_TYPE = 'BASE TABLE'
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`;

export const mssqlPrimaryKeysSql = (schema: string) => `SELECT t.name, c.name
FROM sys.indexes i
JOIN sys.index_columns ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id
JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
JOIN sys.tables t ON t.object_id = i.object_id
WHERE i.is_primary_key = 1 AND SCHEMA_NAME(t.schema_id) = ${lit(schema)}
ORDER BY t.name, ic.key_ordinal`;

export const mssqlForeignKeysSql = (schema: string) => `SELECT tp.name, fk.name, cp.name, tr.name, cr.name
FROM sys.foreign_keys fk
JOIN sys.foreign_key_columns fkc ON fkc.constraint_object_id = fk.object_id
JOIN sys.tables tp ON tp.object_id = fkc.parent_object_id
JOIN sys.columns cp ON cp.object_id = fkc.parent_object_id AND cp.column_id = fkc.parent_column_id
JOIN sys.tables tr ON tr.object_id = fkc.referenced_object_id
JOIN sys.columns cr ON cr.object_id = fkc.referenced_object_id AND cr.column_id = fkc.referenced_column_id
WHERE SCHEMA_NAME(tp.schema_id) = ${lit(schema)}
ORDER BY tp.name, fk.name, fkc.constraint_column_id`;

/** [schema, table] of the user tables of several schemas: which schema a table name of the model is in. */
export const mssqlTableSchemasSql = (schemas: readonly string[]) => `SELECT s.name, t.name
FROM sys.tables t
JOIN sys.schemas s ON s.schema_id = t.schema_id
WHERE s.name IN (${schemas.map(lit).join(', ')}) AND t.is_ms_shipped = 0
ORDER BY s.name, t.name`;

/**
 * lower-case table name -> schema, the first schema of the list winning when a name is in
 * several: how the compiler qualifies a table outside dbo (SQL Server has no search path).
 */
export function tableSchemaMap(rows: unknown[][], schemas: readonly string[]): Map<string, string> {
  const rank = new Map(schemas.map((s, i) => [s.toLowerCase(), i]));
  const map = new Map<string, string>();
  const sorted = [...rows].sort((a, b) => (rank.get(String(a[0]).toLowerCase()) ?? 99) - (rank.get(String(b[0]).toLowerCase()) ?? 99));
  for (const [schema, table] of sorted) if (!map.has(String(table).toLowerCase())) map.set(String(table).toLowerCase(), String(schema));
  return map;
}

/** Tables of one or several schemas (default dbo) with columns, keys and row counts from the catalog views, schema by schema. */
export async function introspectMssql(run: RowsRunner, schemas: string | readonly string[]): Promise<TableInfo[]> {
  const out: TableInfo[] = [];
  for (const schema of typeof schemas === 'string' ? [schemas] : schemas) {
    out.push(
      ...assembleTables(
        {
          tables: await run(mssqlTablesSql(schema)),
          columns: await run(mssqlColumnsSql(schema)),
          primaryKeys: await run(mssqlPrimaryKeysSql(schema)),
          foreignKeys: await run(mssqlForeignKeysSql(schema)),
        },
        schema,
      ),
    );
  }
  return out;
}
