/**
 * Retrieval for the LLM engine: per training version, an index (BM25 via minisearch, plus
 * vectors when an embeddings endpoint is configured, fused by reciprocal rank) over tables,
 * columns, glossary, business rules, examples and the value index, persisted by content hash;
 * and schema linking, which turns a question into the smallest LlmContext that answers it.
 */
export { buildIndex, openIndex, indexFromJSON, saveIndex, indexKey, indexPath, cosine, INDEX_FORMAT, type Embedder, type RetrievalIndex, type RetrievalHit, type PersistedIndex, type BuildOptions, type OpenIndexOptions } from './store.js';
export { createRetriever, type Retriever, type RetrieveOptions, type RetrievedContext } from './link.js';
export { buildDocuments, ruleChunks, type RetrievalDoc, type DocKind } from './documents.js';
export { createValueMatcher, type ValueMatch, type ValueMatcher } from './values.js';
export { sqlRefs, type SqlRefs } from './sql-refs.js';
export { embedderFromClient, openRetriever, type OpenRetrieverOptions } from './open.js';
