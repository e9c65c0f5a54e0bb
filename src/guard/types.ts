/** The SQL dialects the guard judges (the same names as the datasource's). */
export type GuardDialect = 'sqlite' | 'postgres' | 'mssql';

/** What a query may touch and return. */
export interface GuardPolicy {
  /**
   * Table (lower case; also "schema.table" when known) -> allowed columns (lower case), or '*'
   * for every column. Undefined: no schema check (system catalogs are refused all the same).
   */
  allowedTables?: Map<string, Set<string> | '*'>;
  /**
   * Whether `*` and `t.*` may read every column of an allowed table. Default true: the allow-list
   * holds every column (as policyFromSnapshot builds it). Set false when the allow-list leaves
   * columns out (a role that may not see some): queries must then name their columns.
   */
  wildcards?: boolean;
  /** Row cap the admitted SQL carries (LIMIT / TOP / FETCH). */
  maxRows: number;
}

export type GuardVerdict =
  | {
      ok: true;
      /** The admitted SQL, comments removed, with the row cap applied. */
      sql: string;
      /** Tables the query reads (lower case, no duplicates). */
      tables: string[];
    }
  | {
      ok: false;
      code: 'OTC_ERR_SQL_GUARD_REJECTED';
      /** One sentence a person understands. */
      reason: string;
    };
