import { AliasNode, FetchNode, MssqlQueryCompiler, TableNode, TopNode, ValueNode, type FromNode, type JoinNode, type OperationNode, type SelectQueryNode } from 'kysely';
import { sqlLiteral, type LiteralStyle } from '../../literals.js';

// N'...' so Unicode text survives whatever the database's default code page is.
const STYLE: LiteralStyle = { stringPrefix: 'N', booleans: 'numbers', backslashNewlineContinues: true };

/**
 * Kysely's T-SQL compiler with every value written inline as an escaped literal, and
 * `.limit(n)` made valid T-SQL: `TOP (n)` alone, `OFFSET m ROWS FETCH NEXT n ROWS ONLY` with
 * an offset (Kysely itself would print a `limit` clause SQL Server does not know).
 */
export class InlineMssqlQueryCompiler extends MssqlQueryCompiler {
  /**
   * @param schemaOf the schema of a table named in FROM or JOIN without one (lower-case name ->
   * schema): SQL Server has no search path, so a table outside the login's default schema must
   * be written "schema"."table". Names it does not know (CTEs, dbo tables) are left as written.
   */
  constructor(private readonly schemaOf?: ReadonlyMap<string, string>) {
    super();
  }

  #qualify(node: OperationNode): OperationNode {
    if (!this.schemaOf?.size) return node;
    if (AliasNode.is(node)) {
      const inner = this.#qualify(node.node);
      return inner === node.node ? node : AliasNode.create(inner, node.alias);
    }
    if (TableNode.is(node) && !node.table.schema) {
      const schema = this.schemaOf.get(node.table.identifier.name.toLowerCase());
      if (schema) return TableNode.createWithSchema(schema, node.table.identifier.name);
    }
    return node;
  }

  protected override visitFrom(node: FromNode): void {
    super.visitFrom({ ...node, froms: node.froms.map((f) => this.#qualify(f)) });
  }

  protected override visitJoin(node: JoinNode): void {
    super.visitJoin({ ...node, table: this.#qualify(node.table) });
  }

  protected override appendValue(value: unknown): void {
    this.append(sqlLiteral(value, STYLE));
  }
  protected override appendImmediateValue(value: unknown): void {
    this.append(sqlLiteral(value, STYLE));
  }

  protected override visitSelectQuery(node: SelectQueryNode): void {
    if (node.limit) {
      const n = ValueNode.is(node.limit.limit) ? node.limit.limit.value : undefined;
      if (typeof n !== 'number' && typeof n !== 'bigint') {
        throw new Error('SQL Server needs a literal number as the row limit');
      }
      if (node.offset) {
        if (!node.orderBy) throw new Error('SQL Server needs ORDER BY with OFFSET');
        if (node.fetch) throw new Error('use either limit or fetch, not both');
        node = { ...node, limit: undefined, fetch: FetchNode.create(n, 'only') };
      } else {
        if (node.top) throw new Error('use either limit or top, not both');
        node = { ...node, limit: undefined, top: TopNode.create(n) };
      }
    }
    super.visitSelectQuery(node);
  }
}
