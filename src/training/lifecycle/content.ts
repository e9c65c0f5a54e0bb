/**
 * The content of a training version and its fingerprint. A version's content is the training
 * profile in the design's sense: the semantic model (entities, dimensions, measures, filters,
 * vocabulary, examples, documents), the structure of the schema snapshot, and the value index.
 * Things that change without the training changing (capture time, row counts, where it was read
 * from) are left out, so importing the same profile over the same database gives the same hash.
 */
import { canonicalize, sha256Hex } from '../../audit/index.js';
import type { SchemaSnapshot } from '../../datasource/types.js';
import type { TrainedModel } from '../types.js';

/** The schema snapshot without capture time, source and row counts; tables in name order. */
export function snapshotStructure(s: SchemaSnapshot): unknown {
  return {
    dialect: s.dialect,
    tables: [...s.tables]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((t) => ({
        name: t.name,
        schema: t.schema ?? null,
        columns: t.columns.map((c) => ({ name: c.name, dataType: c.dataType, kind: c.kind, nullable: c.nullable })),
        primaryKey: t.primaryKey,
        foreignKeys: t.foreignKeys,
      })),
  };
}

/** The value index as dimension -> sorted value names (forms derive from them and the profile). */
export function valueNames(model: TrainedModel): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of model.values) out[v.dimension] = v.values.map((e) => e.value).sort();
  return out;
}

/** SHA-256 (hex) of the canonical JSON of the version's content. */
export function contentHashOf(model: TrainedModel): string {
  return sha256Hex(canonicalize({ profile: model.profile, schema: snapshotStructure(model.snapshot), values: valueNames(model) }));
}

/** SHA-256 of the value index alone (refresh: a new version only when values changed). */
export function valuesHashOf(model: TrainedModel): string {
  return sha256Hex(canonicalize(valueNames(model)));
}
