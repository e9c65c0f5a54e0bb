/**
 * A profile names tables and columns as the bank's documents spell them (TRD_DEAL, NTNL_USD_AMT);
 * the database may keep another case (PostgreSQL folds unquoted names to lower case). Training
 * rewrites every table and column the profile names to the database's own spelling, so the SQL the
 * engines write (quoted identifiers) and the join graph read from the foreign keys meet on the
 * same names. Names already spelled as the database has them are left as they are.
 */
import type { SchemaSnapshot } from '../datasource/types.js';
import type { ExprDef, Profile } from './profile-schema.js';

export function spellAsDatabase(profile: Profile, snapshot: SchemaSnapshot): Profile {
  const tables = new Map(snapshot.tables.map((t) => [t.name.toLowerCase(), t]));
  const table = (name: string): string => tables.get(name.toLowerCase())?.name ?? name;
  const column = (tableName: string, name: string): string => tables.get(tableName.toLowerCase())?.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.name ?? name;
  /** column or table.column, relative to the entity's table */
  const ref = (own: string, r: string): string => {
    if (!r.includes('.')) return column(own, r);
    const [t, c] = r.split('.') as [string, string];
    return `${table(t)}.${column(t, c)}`;
  };
  const expr = (own: string, x: ExprDef | undefined): ExprDef | undefined => {
    if (!x) return x;
    const c = (name: string) => (name === 'today' ? name : column(own, name));
    if ('column' in x) return { column: c(x.column) };
    if ('minus' in x) return { minus: [c(x.minus[0]), c(x.minus[1])] };
    if ('daysBetween' in x) return { daysBetween: [c(x.daysBetween[0]), c(x.daysBetween[1])] };
    return { ageDays: c(x.ageDays) };
  };
  const describedBy = (lk: NonNullable<NonNullable<Profile['dimensions'][number]['values']>['describedBy']>) => ({
    table: table(lk.table),
    key: column(lk.table, lk.key),
    label: column(lk.table, lk.label),
    where: Object.fromEntries(Object.entries(lk.where).map(([c, v]) => [column(lk.table, c), v])),
  });
  const entityTable = (entity: string): string => profile.entities[entity]?.table ?? '';

  const entities = Object.fromEntries(
    Object.entries(profile.entities).map(([name, e]) => {
      const t = e.table;
      return [
        name,
        {
          ...e,
          table: table(t),
          display: e.display.map((d) => ref(t, d)),
          ...(e.defaultDate ? { defaultDate: column(t, e.defaultDate) } : {}),
          dates: e.dates.map((d) => ({ ...d, column: column(t, d.column) })),
          ...(e.amount ? { amount: { ...(e.amount.usd ? { usd: column(t, e.amount.usd) } : {}), ...(e.amount.native ? { native: column(t, e.amount.native) } : {}) } } : {}),
          ...(e.currencyColumn ? { currencyColumn: column(t, e.currencyColumn) } : {}),
        },
      ];
    }),
  );
  const dimensions = profile.dimensions.map((d) => ({
    ...d,
    table: table(d.table),
    column: column(d.table, d.column),
    ...(d.values
      ? {
          values: {
            ...d.values,
            aliases: d.values.aliases.map((a) => column(d.table, a)),
            ...(d.values.describedBy ? { describedBy: describedBy(d.values.describedBy) } : {}),
          },
        }
      : {}),
  }));
  const measures = profile.measures.map((m) => {
    const t = entityTable(m.entity);
    const native = expr(t, m.native);
    return { ...m, ...(m.expr ? { expr: expr(t, m.expr) } : {}), ...(native ? { native } : {}), ...(m.date ? { date: column(t, m.date) } : {}) };
  });
  const filters = profile.filters.map((f) => {
    const t = entityTable(f.entity);
    return {
      ...f,
      where: f.where.map((c) => ({ ...c, column: column(t, c.column), ...('otherColumn' in c && c.otherColumn ? { otherColumn: column(t, c.otherColumn) } : {}) })),
    };
  });
  const joins = profile.joins.map((j) => ({ from: ref('', j.from), to: ref('', j.to) }));
  return { ...profile, entities, dimensions, measures, filters, joins };
}
