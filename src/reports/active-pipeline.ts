import type { AuditLog } from '../audit/index.js';
import type { Datasource } from '../datasource/types.js';
import { createCopilot, type QueryPipeline } from '../nl2sql/index.js';
import type { Store } from '../store/index.js';
import { getActiveVersion, loadVersionModel, notTrained } from '../training/index.js';

/**
 * The query pipeline of the datasource's active training version, for processes without the
 * server's answering holder (the CLI, scheduler workers): the datasource is opened on first use,
 * and the pipeline is rebuilt when another version has been activated since.
 */
export function activePipeline(o: { store: Store; audit: AuditLog; openDatasource: () => Promise<Datasource>; maxRows: number; timeoutMs: number; actor: string }): { get: () => Promise<QueryPipeline>; close: () => Promise<void> } {
  let ds: Promise<Datasource> | undefined;
  let held: { versionId: string; pipeline: QueryPipeline } | undefined;
  return {
    async get() {
      ds ??= o.openDatasource();
      const datasource = await ds;
      const ctx = { store: o.store, datasourceKey: datasource.description };
      const active = await getActiveVersion(ctx);
      if (!active) throw notTrained(datasource.description, 'activate a training version first (otc-copilot train …)');
      if (held?.versionId !== active.id) {
        const model = await loadVersionModel(ctx, active.id);
        held = { versionId: active.id, pipeline: createCopilot({ datasource, model, audit: o.audit, maxRows: o.maxRows, timeoutMs: o.timeoutMs, trainingVersion: active.id, actor: o.actor }) };
      }
      return held.pipeline;
    },
    async close() {
      if (ds) await (await ds.catch(() => undefined))?.close();
    },
  };
}
