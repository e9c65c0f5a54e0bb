/**
 * Training versions in the app store: immutable content (one row per content hash and
 * datasource), numbered per datasource, draft -> validated -> active, at most one active version
 * per datasource, and a history of every change (who, when, why) mirrored into the audit trail.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, SelectQueryBuilder, Transaction } from 'kysely';
import type { StoreSchema, TrainingVersionRow } from '../../store/index.js';
import { modelInvalid } from '../errors.js';
import type { TrainedModel } from '../types.js';
import { chunkDocument } from './chunks.js';
import { contentHashOf } from './content.js';
import { alreadyActive, notValidated, reasonRequired, versionNotFound } from './errors.js';
import type { ChangeBy, TrainingAction, TrainingContext, TrainingEvent, TrainingVersion } from './types.js';
import type { ValidationReport } from './validate.js';

type Db = Kysely<StoreSchema> | Transaction<StoreSchema>;

export function toVersion(row: TrainingVersionRow): TrainingVersion {
  let profileName = '';
  try {
    profileName = String((JSON.parse(row.profile_json) as { name?: unknown }).name ?? '');
  } catch {
    /* shown as '' */
  }
  return {
    id: row.id,
    datasource: row.datasource,
    version: Number(row.version),
    contentHash: row.content_hash,
    status: row.status,
    profileName,
    createdBy: row.created_by,
    createdAt: row.created_at,
    note: row.note,
    parentVersionId: row.parent_version_id,
    validation: row.validation_json ? (JSON.parse(row.validation_json) as ValidationReport) : null,
  };
}

/** Every version of the datasource, newest first. */
export async function listVersions(ctx: Pick<TrainingContext, 'store' | 'datasourceKey'>): Promise<TrainingVersion[]> {
  const rows = await ctx.store.db.selectFrom('training_versions').selectAll().where('datasource', '=', ctx.datasourceKey).orderBy('version', 'desc').execute();
  return rows.map(toVersion);
}

/** Narrows a query on training_versions to the version `ref` names: an id, "3" / "v3", "active" or "latest". */
function whereRef<O>(
  q: SelectQueryBuilder<StoreSchema, 'training_versions', O>,
  ref: string | number,
): SelectQueryBuilder<StoreSchema, 'training_versions', O> {
  const text = String(ref).trim();
  if (text === 'active') return q.where('status', '=', 'active');
  if (text === 'latest') return q.orderBy('version', 'desc').limit(1);
  if (/^v?\d+$/i.test(text)) return q.where('version', '=', Number(text.replace(/^v/i, '')));
  return q.where('id', '=', text);
}

async function findRow(db: Db, datasourceKey: string, ref: string | number): Promise<TrainingVersionRow | undefined> {
  return whereRef(db.selectFrom('training_versions').selectAll().where('datasource', '=', datasourceKey), ref).executeTakeFirst();
}

/**
 * A version by id, by number ("3" or "v3"), or "active" / "latest".
 * Throws OTC_ERR_TRAINING_VERSION_NOT_FOUND.
 */
export async function getVersion(ctx: Pick<TrainingContext, 'store' | 'datasourceKey'>, ref: string | number): Promise<TrainingVersion> {
  const row = await findRow(ctx.store.db, ctx.datasourceKey, ref);
  if (!row) throw versionNotFound(String(ref), ctx.datasourceKey);
  return toVersion(row);
}

/** The active version, or null. */
export async function getActiveVersion(ctx: Pick<TrainingContext, 'store' | 'datasourceKey'>): Promise<TrainingVersion | null> {
  const row = await findRow(ctx.store.db, ctx.datasourceKey, 'active');
  return row ? toVersion(row) : null;
}

/**
 * The id of the datasource's active version (null: none), without reading or parsing its JSON
 * columns: what a server checks on every question to follow activations made elsewhere.
 */
export async function getActiveVersionId(ctx: Pick<TrainingContext, 'store' | 'datasourceKey'>): Promise<string | null> {
  return (await findRowHead(ctx.store.db, ctx.datasourceKey, 'active'))?.id ?? null;
}

/** Parsed models by version id and content hash (a version's content never changes). Shared: do not mutate. */
const modelCache = new Map<string, TrainedModel>();
const MODEL_CACHE_SIZE = 8;

/** The trained model stored with a version (snapshot, joins, value index, profile). Treat it as read-only. */
export async function loadVersionModel(ctx: Pick<TrainingContext, 'store' | 'datasourceKey'>, ref: string | number): Promise<TrainedModel> {
  const head = await findRowHead(ctx.store.db, ctx.datasourceKey, ref);
  if (!head) throw versionNotFound(String(ref), ctx.datasourceKey);
  const key = `${head.id}:${head.content_hash}`;
  const cached = modelCache.get(key);
  if (cached) return cached;
  const row = await ctx.store.db.selectFrom('training_versions').select(['version', 'datasource', 'trained_model_json']).where('id', '=', head.id).executeTakeFirstOrThrow();
  if (!row.trained_model_json) throw modelInvalid(`version ${row.version} of ${row.datasource} has no stored trained model; import its profile again`);
  const model = JSON.parse(row.trained_model_json) as TrainedModel;
  modelCache.set(key, model);
  if (modelCache.size > MODEL_CACHE_SIZE) modelCache.delete(modelCache.keys().next().value!);
  return model;
}

/** id and content hash of a version, without its (large) JSON columns. */
async function findRowHead(db: Db, datasourceKey: string, ref: string | number): Promise<{ id: string; content_hash: string } | undefined> {
  return whereRef(db.selectFrom('training_versions').select(['id', 'content_hash']).where('datasource', '=', datasourceKey), ref).executeTakeFirst();
}

/** Records one change in training_events (inside the caller's transaction) and in the audit trail. */
export async function recordChange(
  db: Db,
  ctx: TrainingContext,
  change: { action: TrainingAction; by: ChangeBy; versionId: string | null; version: number | null; contentHash: string | null; details?: Record<string, unknown> },
): Promise<void> {
  const at = new Date().toISOString();
  const details = { datasource: ctx.datasourceKey, version: change.version, versionId: change.versionId, action: change.action, contentHash: change.contentHash, ...(change.details ?? {}) };
  await db
    .insertInto('training_events')
    .values({ id: randomUUID(), datasource: ctx.datasourceKey, version_id: change.versionId, action: change.action, actor: change.by.actor, at, reason: change.by.reason ?? null, details_json: JSON.stringify(details) })
    .execute();
  // Appended inside the store transaction: if the audit trail cannot record it, the change is undone.
  await ctx.audit.append({ kind: 'training_change', actor: change.by.actor, outcome: 'ok', details: { ...details, ...(change.by.reason ? { reason: change.by.reason } : {}) } });
}

export interface CreatedVersion {
  version: TrainingVersion;
  /** False when a version with the same content already existed (it is returned instead). */
  created: boolean;
}

/**
 * Stores a trained model as a new draft version, or returns the existing version with the same
 * content hash (versions are immutable: the same content is never stored twice).
 */
export async function createVersion(
  ctx: TrainingContext,
  input: { model: TrainedModel; by: ChangeBy; action: TrainingAction; parentVersionId?: string | null; details?: Record<string, unknown> },
): Promise<CreatedVersion> {
  const hash = contentHashOf(input.model);
  const byHash = () => ctx.store.db.selectFrom('training_versions').selectAll().where('datasource', '=', ctx.datasourceKey).where('content_hash', '=', hash).executeTakeFirst();
  const existing = await byHash();
  if (existing) return { version: toVersion(existing), created: false };
  for (let attempt = 1; ; attempt++) {
    try {
      return { version: toVersion(await insertVersion(ctx, input, hash)), created: true };
    } catch (e) {
      // Another process stored a version at the same moment (unique datasource + version number):
      // the same content, or the next number is taken: look again and retry.
      const raced = await byHash();
      if (raced) return { version: toVersion(raced), created: false };
      if (attempt >= 3) throw e;
    }
  }
}

async function insertVersion(
  ctx: TrainingContext,
  input: { model: TrainedModel; by: ChangeBy; action: TrainingAction; parentVersionId?: string | null; details?: Record<string, unknown> },
  hash: string,
): Promise<TrainingVersionRow> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const max = await trx.selectFrom('training_versions').select((eb) => eb.fn.max('version').as('v')).where('datasource', '=', ctx.datasourceKey).executeTakeFirst();
    const version = Number(max?.v ?? 0) + 1;
    const id = randomUUID();
    await trx
      .insertInto('training_versions')
      .values({
        id,
        datasource: ctx.datasourceKey,
        version,
        content_hash: hash,
        status: 'draft',
        profile_json: JSON.stringify(input.model.profile),
        trained_model_json: JSON.stringify(input.model),
        validation_json: null,
        created_by: input.by.actor,
        created_at: new Date().toISOString(),
        note: input.by.reason ?? null,
        parent_version_id: input.parentVersionId ?? null,
      })
      .execute();
    const chunks = input.model.profile.documents.flatMap((d) => chunkDocument(d.name, d.text));
    for (let i = 0; i < chunks.length; i += 200) {
      await trx
        .insertInto('training_chunks')
        .values(chunks.slice(i, i + 200).map((c) => ({ id: randomUUID(), version_id: id, document: c.document, seq: c.seq, heading: c.heading, text: c.text })))
        .execute();
    }
    await recordChange(trx, ctx, { action: input.action, by: input.by, versionId: id, version, contentHash: hash, details: { chunks: chunks.length, ...(input.details ?? {}) } });
    return trx.selectFrom('training_versions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  });
}

/** Stores a validation report with the version: a draft that passes becomes 'validated'. */
export async function storeValidation(ctx: TrainingContext, versionId: string, report: ValidationReport, by: ChangeBy): Promise<TrainingVersion> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('training_versions').selectAll().where('id', '=', versionId).where('datasource', '=', ctx.datasourceKey).executeTakeFirst();
    if (!row) throw versionNotFound(versionId, ctx.datasourceKey);
    const status = row.status === 'draft' || row.status === 'validated' ? (report.ok ? 'validated' : 'draft') : row.status;
    await trx.updateTable('training_versions').set({ validation_json: JSON.stringify(report), status }).where('id', '=', versionId).execute();
    await recordChange(trx, ctx, {
      action: 'validate',
      by,
      versionId,
      version: Number(row.version),
      contentHash: row.content_hash,
      details: { ok: report.ok, errors: report.errors.length, warnings: report.warnings.length },
    });
    return toVersion({ ...row, validation_json: JSON.stringify(report), status });
  });
}

/**
 * Makes a validated version the active one (the previous active version is retired). A version
 * whose validation failed, or that was never validated, is refused. Rollback = activating an
 * earlier version again, with a reason.
 */
export async function activateVersion(ctx: TrainingContext, ref: string | number, by: ChangeBy, opts: { rollback?: boolean } = {}): Promise<TrainingVersion> {
  const action: TrainingAction = opts.rollback ? 'rollback' : 'activate';
  if (opts.rollback && !by.reason?.trim()) throw reasonRequired('rollback');
  return ctx.store.db.transaction().execute(async (trx) => {
    const row = await findRow(trx, ctx.datasourceKey, ref);
    if (!row) throw versionNotFound(String(ref), ctx.datasourceKey);
    if (row.status === 'active') throw alreadyActive(Number(row.version), ctx.datasourceKey);
    const report = row.validation_json ? (JSON.parse(row.validation_json) as ValidationReport) : null;
    if (!report || !report.ok) throw notValidated(Number(row.version), ctx.datasourceKey, report ? report.errors.map((e) => e.message) : []);
    const previous = await findRow(trx, ctx.datasourceKey, 'active');
    if (previous) await trx.updateTable('training_versions').set({ status: 'retired' }).where('id', '=', previous.id).execute();
    await trx.updateTable('training_versions').set({ status: 'active' }).where('id', '=', row.id).execute();
    const at = new Date().toISOString();
    await trx.insertInto('training_activations').values({ id: randomUUID(), datasource: ctx.datasourceKey, version_id: row.id, activated_by: by.actor, activated_at: at, reason: by.reason ?? null }).execute();
    await recordChange(trx, ctx, {
      action,
      by,
      versionId: row.id,
      version: Number(row.version),
      contentHash: row.content_hash,
      details: { previousVersion: previous ? Number(previous.version) : null, previousVersionId: previous?.id ?? null },
    });
    return toVersion({ ...row, status: 'active' });
  });
}

/** Activates an earlier version again; the reason is required. */
export function rollbackTo(ctx: TrainingContext, ref: string | number, by: ChangeBy): Promise<TrainingVersion> {
  return activateVersion(ctx, ref, by, { rollback: true });
}

/** The history of training changes of the datasource, newest first. */
export async function listEvents(ctx: Pick<TrainingContext, 'store' | 'datasourceKey'>, limit = 200): Promise<TrainingEvent[]> {
  const rows = await ctx.store.db
    .selectFrom('training_events')
    .leftJoin('training_versions', 'training_versions.id', 'training_events.version_id')
    .select(['training_events.id', 'training_events.datasource', 'training_events.version_id', 'training_versions.version', 'training_events.action', 'training_events.actor', 'training_events.at', 'training_events.reason', 'training_events.details_json'])
    .where('training_events.datasource', '=', ctx.datasourceKey)
    .orderBy('training_events.at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    datasource: r.datasource,
    versionId: r.version_id,
    version: r.version == null ? null : Number(r.version),
    action: r.action,
    actor: r.actor,
    at: r.at,
    reason: r.reason,
    details: r.details_json ? (JSON.parse(r.details_json) as Record<string, unknown>) : null,
  }));
}

/** The retrieval chunks stored with a version. */
export async function listChunks(ctx: Pick<TrainingContext, 'store'>, versionId: string): Promise<{ document: string; seq: number; heading: string | null; text: string }[]> {
  const rows = await ctx.store.db.selectFrom('training_chunks').select(['document', 'seq', 'heading', 'text']).where('version_id', '=', versionId).orderBy('document').orderBy('seq').execute();
  return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
}
