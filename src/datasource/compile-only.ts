import { DummyDriver, Kysely, type DatabaseConnection, type DatabaseIntrospector, type DialectAdapter, type QueryCompiler } from 'kysely';

/** Kysely's DummyDriver, except that running a query fails loudly instead of returning no rows. */
class CompileOnlyDriver extends DummyDriver {
  override async acquireConnection(): Promise<DatabaseConnection> {
    throw new Error('this Kysely instance only compiles SQL: run the text through Datasource.query()');
  }
}

/** A Kysely instance with no connection: it only compiles queries to SQL text. */
export function compileOnlyKysely(parts: {
  adapter: () => DialectAdapter;
  compiler: () => QueryCompiler;
  introspector: (db: Kysely<any>) => DatabaseIntrospector;
}): Kysely<any> {
  return new Kysely<any>({
    dialect: {
      createAdapter: parts.adapter,
      createDriver: () => new CompileOnlyDriver(),
      createIntrospector: parts.introspector,
      createQueryCompiler: parts.compiler,
    },
  });
}
