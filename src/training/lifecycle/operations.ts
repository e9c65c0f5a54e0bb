/**
 * The lifecycle operations over a live datasource: import a profile (train it against the
 * database and store a draft), validate, re-ingest the schema with a drift report, refresh the
 * value index, diff two versions.
 */
import type { Datasource } from '../../datasource/types.js';
import { isOtcError } from '../../shared/errors.js';
import type { Profile } from '../profile-schema.js';
import { deriveJoins, trainModel } from '../train.js';
import type { TrainedModel } from '../types.js';
import { contentHashOf, snapshotStructure, valuesHashOf } from './content.js';
import { diffModels, type VersionDiff } from './diff.js';
import { diffSnapshots, type SchemaDrift } from './drift.js';
import { notTrained } from './errors.js';
import { canonicalize } from '../../audit/index.js';
import type { ChangeBy, TrainingContext, TrainingVersion } from './types.js';
import { validateModel, type ValidateOptions, type ValidationReport } from './validate.js';
import { activateVersion, createVersion, getActiveVersion, getVersion, loadVersionModel, storeValidation, type CreatedVersion } from './versions.js';

/**
 * Trains a profile against the database. When the profile names tables or columns the database
 * lacks, the model is kept without a value index (so the draft can be stored and its validation
 * report can say exactly what is wrong) and `problem` says why.
 */
export async function trainForVersion(profile: Profile, ds: Datasource): Promise<{ model: TrainedModel; problem?: string }> {
  try {
    return { model: await trainModel(profile, ds) };
  } catch (e) {
    if (!isOtcError(e) || e.code !== 'OTC_ERR_PROFILE_SCHEMA_MISMATCH') throw e;
    const snapshot = await ds.introspect();
    const model: TrainedModel = { format: 'otc-copilot/trained-model@1', profile, snapshot, joins: deriveJoins(profile, snapshot), values: [], trainedAt: new Date().toISOString(), stats: [] };
    return { model, problem: e.message };
  }
}

export interface ImportResult extends CreatedVersion {
  /** Set when the profile does not match the database (the draft will fail validation). */
  problem?: string;
  /** Files of documents/ that were not read (e.g. PDF). */
  skipped?: string[];
}

/** Imports a profile as a new draft version (or returns the version that has the same content). */
export async function importProfile(ctx: TrainingContext, input: { profile: Profile; datasource: Datasource; by: ChangeBy; skipped?: string[] }): Promise<ImportResult> {
  const { model, problem } = await trainForVersion(input.profile, input.datasource);
  const r = await createVersion(ctx, { model, by: input.by, action: 'import', details: problem ? { problem } : {} });
  return { ...r, ...(problem ? { problem } : {}), ...(input.skipped?.length ? { skipped: input.skipped } : {}) };
}

/** Validates a version against the live database and stores the report with it. */
export async function validateVersion(
  ctx: TrainingContext,
  ref: string | number,
  input: { datasource: Datasource } & ValidateOptions & { reason?: string },
): Promise<{ version: TrainingVersion; report: ValidationReport }> {
  const v = await getVersion(ctx, ref);
  const model = await loadVersionModel(ctx, v.id);
  const report = await validateModel(model, input.datasource, input);
  const version = await storeValidation(ctx, v.id, report, { actor: input.actor, reason: input.reason });
  return { version, report };
}

/** The active version's snapshot against the live database. */
export async function driftReport(ctx: TrainingContext, ds: Datasource): Promise<{ version: TrainingVersion; drift: SchemaDrift }> {
  const active = await getActiveVersion(ctx);
  if (!active) throw notTrained(ctx.datasourceKey);
  const model = await loadVersionModel(ctx, active.id);
  return { version: active, drift: diffSnapshots(model.snapshot, await ds.introspect()) };
}

export interface RetrainResult {
  base: TrainingVersion;
  drift: SchemaDrift;
  schemaChanged: boolean;
  valuesChanged: boolean;
  /** The new draft version, or null when nothing changed. */
  version: TrainingVersion | null;
  created: boolean;
  problem?: string;
  /** Set when `activate` was asked for: the validation of the new version. */
  validation?: ValidationReport;
  activated?: boolean;
}

async function retrain(
  ctx: TrainingContext,
  action: 'ingest' | 'refresh',
  input: { datasource: Datasource; by: ChangeBy; activate?: boolean; today?: string },
): Promise<RetrainResult> {
  const base = await getActiveVersion(ctx);
  if (!base) throw notTrained(ctx.datasourceKey);
  const old = await loadVersionModel(ctx, base.id);
  const { model, problem } = await trainForVersion(old.profile, input.datasource);
  const drift = diffSnapshots(old.snapshot, model.snapshot);
  const schemaChanged = canonicalize(snapshotStructure(old.snapshot)) !== canonicalize(snapshotStructure(model.snapshot));
  const valuesChanged = valuesHashOf(old) !== valuesHashOf(model);
  const out: RetrainResult = { base, drift, schemaChanged, valuesChanged, version: null, created: false, ...(problem ? { problem } : {}) };
  // refresh: a new version only when the values changed; ingest: when the schema or the values did.
  if (action === 'refresh' ? !valuesChanged : contentHashOf(old) === contentHashOf(model)) return out;
  const r = await createVersion(ctx, { model, by: input.by, action, parentVersionId: base.id, details: { schemaChanged, valuesChanged } });
  out.version = r.version;
  out.created = r.created;
  if (input.activate && r.version.status !== 'active') {
    const { report, version } = await validateVersion(ctx, r.version.id, { datasource: input.datasource, actor: input.by.actor, today: input.today });
    out.validation = report;
    out.version = version;
    if (report.ok) {
      out.version = await activateVersion(ctx, version.id, { actor: input.by.actor, reason: input.by.reason ?? `${action}: values re-read from the database` });
      out.activated = true;
    }
  }
  return out;
}

/** Re-ingests the schema snapshot (and values) of the active profile; a new draft when anything changed. */
export function reingest(ctx: TrainingContext, input: { datasource: Datasource; by: ChangeBy; activate?: boolean; today?: string }): Promise<RetrainResult> {
  return retrain(ctx, 'ingest', input);
}

/** Re-reads the value index from the database; a new version only when the values changed. */
export function refreshValues(ctx: TrainingContext, input: { datasource: Datasource; by: ChangeBy; activate?: boolean; today?: string }): Promise<RetrainResult> {
  return retrain(ctx, 'refresh', input);
}

/** The structured difference between two versions (by id, number, "active" or "latest"). */
export async function diffVersions(ctx: Pick<TrainingContext, 'store' | 'datasourceKey'>, fromRef: string | number, toRef: string | number): Promise<VersionDiff> {
  const [a, b] = [await getVersion(ctx, fromRef), await getVersion(ctx, toRef)];
  const [ma, mb] = [await loadVersionModel(ctx, a.id), await loadVersionModel(ctx, b.id)];
  return diffModels(ma, mb, { from: { id: a.id, version: a.version, contentHash: a.contentHash }, to: { id: b.id, version: b.version, contentHash: b.contentHash } });
}
