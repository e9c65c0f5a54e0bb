/**
 * Taking back what did not work out: a draft version that is no use (its validation failed, or it
 * was a wrong import) is deleted; a feedback candidate that should not become an example is
 * dismissed. Both are recorded (training_events and the audit trail) with who and why.
 */
import { OtcError } from '../../shared/errors.js';
import { badFeedback, versionNotFound } from './errors.js';
import type { ChangeBy, TrainingContext } from './types.js';
import { recordChange } from './versions.js';

/** Deletes a draft version that no version descends from and that was never active. */
export async function deleteDraft(ctx: TrainingContext, versionId: string, by: ChangeBy): Promise<{ version: number }> {
  return ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('training_versions').select(['id', 'version', 'status', 'content_hash']).where('id', '=', versionId).where('datasource', '=', ctx.datasourceKey).executeTakeFirst();
    if (!row) throw versionNotFound(versionId, ctx.datasourceKey);
    if (row.status !== 'draft')
      throw new OtcError('OTC_ERR_TRAINING_NOT_DRAFT', `Version ${row.version} is ${row.status}: only a draft (not validated, never active) can be deleted.`, { status: 409 });
    const child = await trx.selectFrom('training_versions').select('version').where('parent_version_id', '=', versionId).executeTakeFirst();
    if (child) throw new OtcError('OTC_ERR_TRAINING_IN_USE', `Version ${child.version} was made from version ${row.version}, so it stays.`, { status: 409 });
    const activated = await trx.selectFrom('training_activations').select('id').where('version_id', '=', versionId).executeTakeFirst();
    if (activated) throw new OtcError('OTC_ERR_TRAINING_IN_USE', `Version ${row.version} was active once, so it stays in the history.`, { status: 409 });
    // the history keeps its events (their details name the version number); they no longer point at a row
    await trx.updateTable('training_events').set({ version_id: null }).where('version_id', '=', versionId).execute();
    await trx.updateTable('feedback').set({ training_version_id: null }).where('training_version_id', '=', versionId).execute();
    await trx.deleteFrom('training_chunks').where('version_id', '=', versionId).execute();
    await trx.deleteFrom('training_versions').where('id', '=', versionId).execute();
    await recordChange(trx, ctx, { action: 'delete', by, versionId: null, version: Number(row.version), contentHash: row.content_hash, details: { deletedVersionId: versionId } });
    return { version: Number(row.version) };
  });
}

/** Dismisses a feedback candidate: it stays in the store (status dismissed) and leaves the list. */
export async function dismissCandidate(ctx: TrainingContext, id: string, by: ChangeBy): Promise<void> {
  const row = await ctx.store.db.selectFrom('feedback').select(['id', 'status', 'question']).where('id', '=', id).executeTakeFirst();
  if (!row) throw badFeedback(`unknown feedback id: ${id}`);
  if (row.status !== 'candidate') throw badFeedback(`feedback ${id} is ${row.status}, not a candidate any more`);
  await ctx.store.db.updateTable('feedback').set({ status: 'dismissed' }).where('id', '=', id).where('status', '=', 'candidate').execute();
  await ctx.audit.append({ kind: 'training_change', actor: by.actor, outcome: 'ok', question: row.question, details: { datasource: ctx.datasourceKey, action: 'dismiss', feedbackId: id, ...(by.reason ? { reason: by.reason } : {}) } });
}
