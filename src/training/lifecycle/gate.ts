/**
 * The mandatory training gate: questions are answered only under an active, validated version.
 * bootstrapTraining gives the embedded demo a validated, active version on first start.
 */
import type { Datasource } from '../../datasource/types.js';
import type { Store } from '../../store/index.js';
import { OtcError } from '../../shared/errors.js';
import type { TrainedModel } from '../types.js';
import { readProfileFolder } from './archive.js';
import { notTrained } from './errors.js';
import { importProfile, refreshValues, validateVersion } from './operations.js';
import type { AuditSink, TrainingVersion } from './types.js';
import { activateVersion, getActiveVersion, listVersions, loadVersionModel } from './versions.js';

export interface ActiveTraining {
  version: TrainingVersion;
  model: TrainedModel;
}

/**
 * The active version of the datasource and its trained model, or OTC_ERR_NOT_TRAINED (409) with
 * what an admin must do.
 */
export async function requireActiveTraining(store: Store, datasourceKey: string): Promise<ActiveTraining> {
  const ctx = { store, datasourceKey };
  const version = await getActiveVersion(ctx);
  if (!version) {
    const any = await listVersions(ctx);
    throw notTrained(datasourceKey, any.length ? `${any.length} version(s) exist, none is active` : 'no training version has been imported');
  }
  return { version, model: await loadVersionModel(ctx, version.id) };
}

export interface BootstrapOptions {
  store: Store;
  audit: AuditSink;
  datasource: Datasource;
  datasourceKey: string;
  /** When another process is importing the first version at the same time: how long to wait for its activation (default 60 s). */
  waitForOtherMs?: number;
  /** The profile folder to import when the datasource has no version at all (the embedded demo's). */
  profileDir: string;
  actor: string;
  /** Re-read the value index from the database (a new version only when values changed). */
  refresh?: boolean;
  /** 'YYYY-MM-DD' for relative dates of example questions during validation. */
  today?: string;
}

export interface BootstrapResult extends ActiveTraining {
  /** What happened: the profile was imported, validated and activated; the active version was loaded; or refreshed. */
  action: 'bootstrapped' | 'loaded' | 'refreshed';
}

/**
 * For serve/ask on the embedded demo: when the datasource has no version, imports `profileDir`,
 * validates and activates it; when one is active, loads it (its value index comes from the stored
 * model; values are re-read from the database only with `refresh`). Versions that exist without
 * an active one are an admin's decision: OTC_ERR_NOT_TRAINED.
 */
export async function bootstrapTraining(o: BootstrapOptions): Promise<BootstrapResult> {
  const ctx = { store: o.store, audit: o.audit, datasourceKey: o.datasourceKey };
  const active = await getActiveVersion(ctx);
  if (!active) {
    if ((await listVersions(ctx)).length) throw notTrained(o.datasourceKey, 'training versions exist but none is active');
    try {
      return await firstStart(o, ctx);
    } catch (e) {
      // Processes starting together (API replicas, a worker): another one may have won the race
      // and still be validating its import. Wait for its activation a while; after that this
      // process starts untrained and follows the store's active version on its next question.
      if ((e as { code?: string }).code === 'OTC_ERR_TRAINING_NOT_VALIDATED') throw e; // this process's own import does not validate
      const deadline = Date.now() + (o.waitForOtherMs ?? 60_000);
      for (;;) {
        const won = await getActiveVersion(ctx);
        if (won) return { action: 'loaded', version: won, model: await loadVersionModel(ctx, won.id) };
        if (!(await listVersions(ctx)).length) throw e; // nobody else is bootstrapping: the failure is this one's
        if (Date.now() >= deadline) throw notTrained(o.datasourceKey, 'another process imported the first version and has not activated it yet');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
  if (o.refresh) {
    const r = await refreshValues(ctx, { datasource: o.datasource, by: { actor: o.actor, reason: 'refresh of the value index at start' }, activate: true, today: o.today });
    if (r.activated && r.version) return { action: 'refreshed', version: r.version, model: await loadVersionModel(ctx, r.version.id) };
  }
  return { action: 'loaded', version: active, model: await loadVersionModel(ctx, active.id) };
}

async function firstStart(o: BootstrapOptions, ctx: { store: Store; audit: AuditSink; datasourceKey: string }): Promise<BootstrapResult> {
  const { profile, skipped } = readProfileFolder(o.profileDir);
  const imported = await importProfile(ctx, { profile, datasource: o.datasource, by: { actor: o.actor, reason: `bootstrap from ${o.profileDir}` }, skipped });
  const { report } = await validateVersion(ctx, imported.version.id, { datasource: o.datasource, actor: o.actor, today: o.today });
  if (!report.ok)
    throw new OtcError('OTC_ERR_TRAINING_NOT_VALIDATED', `the training profile in ${o.profileDir} does not validate against ${o.datasourceKey}: ${report.errors.map((e) => e.message).slice(0, 5).join('; ')}`, {
      status: 409,
      details: report,
    });
  const active = await activateVersion(ctx, imported.version.id, { actor: o.actor, reason: 'bootstrap: first start with the embedded profile' });
  return { action: 'bootstrapped', version: active, model: await loadVersionModel(ctx, active.id) };
}
