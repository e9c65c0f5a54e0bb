/** The engine's view of a trained model: look-up tables and join paths, precomputed once. */
import type { DimensionDef, EntityDef, FilterDef, MeasureDef, TrainedModel } from '../../training/index.js';
import { buildLexicon, type Lexicon } from './lexicon.js';

export interface JoinStep {
  fromTable: string;
  fromColumn: string;
  toTable: string;
  toColumn: string;
}

export interface EngineModel {
  model: TrainedModel;
  lexicon: Lexicon;
  entities: Map<string, EntityDef & { name: string }>;
  entityByTable: Map<string, string>;
  filters: Map<string, FilterDef>;
  measures: Map<string, MeasureDef>;
  dimensions: Map<string, DimensionDef>;
  /** per entity: reachable table -> join path from the entity's table (many-to-one steps) */
  paths: Map<string, Map<string, JoinStep[]>>;
  /** normalised write verbs from the profile and the grammar */
  writeVerbs: Set<string>;
  /** per dimension: code -> what it means, from the dimension's lookup table */
  descriptions: Map<string, Map<string, string>>;
}

export function buildEngineModel(model: TrainedModel): EngineModel {
  const p = model.profile;
  const entities = new Map(Object.entries(p.entities).map(([name, e]) => [name, { ...e, name }]));
  const entityByTable = new Map([...entities.values()].map((e) => [e.table, e.name]));
  const paths = new Map<string, Map<string, JoinStep[]>>();
  for (const e of entities.values()) paths.set(e.name, joinPaths(model, e.table));
  return {
    model,
    lexicon: buildLexicon(model),
    entities,
    entityByTable,
    filters: new Map(p.filters.map((f) => [f.name, f])),
    measures: new Map(p.measures.map((m) => [m.name, m])),
    dimensions: new Map(p.dimensions.map((d) => [d.name, d])),
    paths,
    writeVerbs: new Set(p.vocabulary.writeVerbs.map((w) => w.toLowerCase())),
    descriptions: new Map(model.values.map((vc) => [vc.dimension, new Map(vc.values.flatMap((v) => (v.description ? [[v.value, v.description] as const] : [])))])),
  };
}

/**
 * Every table reachable from `table` by many-to-one joins, with the shortest path to it (the
 * table itself: an empty path). Preferred (profile) joins first, so among equally short paths
 * they win. What the compiler joins through, and what dashboard filters ask before they add a
 * condition on a dimension's table.
 */
export function joinPaths(model: Pick<TrainedModel, 'joins'>, table: string): Map<string, JoinStep[]> {
  const edges = [...model.joins].sort((a, b) => (a.origin === b.origin ? 0 : a.origin === 'profile' ? -1 : 1));
  const reach = new Map<string, JoinStep[]>([[table, []]]);
  const queue = [table];
  while (queue.length) {
    const t = queue.shift()!;
    for (const j of edges) {
      if (j.fromTable !== t || reach.has(j.toTable)) continue;
      reach.set(j.toTable, [...reach.get(t)!, { fromTable: j.fromTable, fromColumn: j.fromColumn, toTable: j.toTable, toColumn: j.toColumn }]);
      queue.push(j.toTable);
    }
  }
  return reach;
}

/** A value as the explanation shows it: a code with what it means ("IRS (Interest Rate Swap)"), or the value itself. */
export function valueLabel(m: EngineModel, dimension: string, value: string | number): string {
  const d = m.descriptions.get(dimension)?.get(String(value));
  return d && d.toLowerCase() !== String(value).toLowerCase() ? `${value} (${d})` : String(value);
}

/**
 * What people call a column, from the profile: a named date's label ("trade date"), a dimension's
 * ("counterparty"), a measure's over that column ("amount"); otherwise its name in words. The
 * explanation never depends on how a bank spells its columns.
 */
export function columnLabel(m: EngineModel, col: { table: string; column: string }): string {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  for (const e of m.entities.values()) {
    if (!same(e.table, col.table)) continue;
    const d = e.dates.find((x) => same(x.column, col.column));
    if (d) return d.label;
  }
  const dim = [...m.dimensions.values()].find((d) => same(d.table, col.table) && same(d.column, col.column));
  if (dim) return dim.label;
  for (const md of m.measures.values()) {
    const e = m.entities.get(md.entity);
    if (!e || !same(e.table, col.table) || (md.agg !== 'sum' && md.agg !== 'avg')) continue;
    if ([md.expr, md.native].some((x) => x && 'column' in x && same(x.column, col.column))) return md.label;
  }
  return col.column.replace(/_/g, ' ').toLowerCase();
}

/** Join distance of a table from an entity's table; undefined when not reachable many-to-one. */
export function distance(m: EngineModel, entity: string, table: string): number | undefined {
  return m.paths.get(entity)?.get(table)?.length;
}
