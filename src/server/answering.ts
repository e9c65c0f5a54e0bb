import type { Copilot } from '../nl2sql/index.js';
import type { Store } from '../store/index.js';
import { getActiveVersion, getActiveVersionId, listVersions, loadVersionModel, notTrained, type TrainedModel, type TrainingVersion } from '../training/index.js';

/** What answers questions right now: a trained model, its copilot and where they come from. */
export interface Answering {
  model: TrainedModel;
  copilot: Copilot;
  /** Shown in the header: "otc-ops v2", or "otc-ops (trained at start, not validated)". */
  label: string;
  /** The stored training version that answers; null for the demo's model trained at start (no stored version). */
  version: TrainingVersion | null;
}

/**
 * Holds the copilot the server answers with. It follows the datasource's active training version
 * in the store: after an activation or a rollback (through the API, or by the CLI in another
 * process) the next request loads the new version's model, builds its copilot and swaps the
 * whole Answering in one assignment, so a request sees either the old one or the new one.
 */
export interface AnsweringHolder {
  /** The current Answering, after following the store's active version; null when nothing is trained. */
  get(): Promise<Answering | null>;
  /** Like get(), but OTC_ERR_NOT_TRAINED (409, with what to do) when nothing is trained. */
  require(): Promise<Answering>;
  /** Loads the store's active version now (after an activation); reloads are serialized. */
  reload(): Promise<Answering | null>;
  /** The held Answering without looking at the store. */
  peek(): Answering | null;
}

export interface AnsweringOptions {
  store: Store;
  datasourceKey: string;
  /** What answers at start (null: nothing trained yet). */
  initial: Answering | null;
  /** Builds the copilot of a model; versionId goes into the answers' audit records. */
  copilotFor(model: TrainedModel, versionId: string): Copilot;
}

export function createAnsweringHolder(o: AnsweringOptions): AnsweringHolder {
  const ctx = { store: o.store, datasourceKey: o.datasourceKey };
  let current = o.initial;
  let chain: Promise<unknown> = Promise.resolve();

  /** The Answering for the active version (null: none active): the held one when it is that version. */
  async function follow(active: TrainingVersion | null): Promise<Answering | null> {
    // No stored version is active: only the demo's model trained at start (no stored version) may answer.
    if (!active) return current && current.version === null ? current : null;
    if (current?.version?.id === active.id) return current;
    const model = await loadVersionModel(ctx, active.id);
    const next: Answering = { model, copilot: o.copilotFor(model, active.id), label: `${active.profileName} v${active.version}`, version: active };
    current = next;
    return next;
  }

  function reload(): Promise<Answering | null> {
    const run = chain.then(async () => follow(await getActiveVersion(ctx)));
    chain = run.catch(() => undefined);
    return run;
  }

  async function get(): Promise<Answering | null> {
    // Every question: only the active version's id (its JSON is read and parsed on a change only).
    const activeId = await getActiveVersionId(ctx);
    if (!activeId) return current && current.version === null ? current : null;
    if (current?.version?.id === activeId) return current;
    return reload();
  }

  return {
    get,
    reload,
    peek: () => current,
    async require() {
      const a = await get();
      if (a) return a;
      const versions = await listVersions(ctx);
      throw notTrained(o.datasourceKey, versions.length ? `${versions.length} version(s) exist, none is active` : 'no training version has been imported');
    },
  };
}
