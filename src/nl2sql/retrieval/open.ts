import type { LlmClient } from '../../llm/index.js';
import type { TrainedModel } from '../../training/index.js';
import { createRetriever, type Retriever } from './link.js';
import { openIndex, type Embedder } from './store.js';

/** The embeddings endpoint of an LLM client as an Embedder; `model` names the embedding model (cache key). */
export function embedderFromClient(client: Pick<LlmClient, 'embed' | 'host'>, model: string): Embedder {
  return {
    id: `${client.host}/${model}`,
    async embed(texts, opts) {
      return (await client.embed(texts, opts)).vectors;
    },
  };
}

export interface OpenRetrieverOptions {
  /** Folder of persisted indexes; without it the index is built in memory. */
  cacheDir?: string;
  embedder?: Embedder;
}

/** The retriever of a training version: its index loaded from the cache folder or built (and saved). */
export async function openRetriever(model: TrainedModel, opts: OpenRetrieverOptions = {}): Promise<Retriever & { loaded: boolean }> {
  const index = await openIndex(model, opts);
  return Object.assign(createRetriever(model, index), { loaded: index.loaded });
}
