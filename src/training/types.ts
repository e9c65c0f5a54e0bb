import type { SchemaSnapshot } from '../datasource/types.js';
import type { Profile } from './profile-schema.js';

/** A many-to-one link: rows of `fromTable` point at one row of `toTable`. */
export interface JoinEdge {
  fromTable: string;
  fromColumn: string;
  toTable: string;
  toColumn: string;
  /** Where it came from: the database's foreign keys, or the profile's preferred joins. */
  origin: 'foreign_key' | 'profile';
}

/** One value of an indexed column and the normalised phrases that name it. */
export interface ValueEntry {
  value: string;
  /** Normalised phrases (normPhrase) naming the value: itself, synonyms, aliases such as legal names. */
  forms: string[];
  /** Single normalised tokens that name this value alone within its column (e.g. "northbridge"). */
  distinctive: string[];
  /** What the code means, from the dimension's lookup table (describedBy). */
  description?: string;
}

export interface ValueColumn {
  dimension: string;
  table: string;
  column: string;
  caseSensitive: boolean;
  currency: boolean;
  /** Distinct values read from the database at training time. */
  values: ValueEntry[];
}

/**
 * Everything the engines need, as plain JSON-serialisable data, so a training version can be
 * stored and reloaded without the database: the profile's semantic model, the schema snapshot,
 * the join graph and the value index.
 */
export interface TrainedModel {
  format: 'otc-copilot/trained-model@1';
  profile: Profile;
  snapshot: SchemaSnapshot;
  joins: JoinEdge[];
  values: ValueColumn[];
  trainedAt: string;
  /** Per indexed column: how many distinct values were read, or why it was skipped. */
  stats: { table: string; column: string; distinct: number; skipped?: string }[];
}
