/**
 * The retrieval index of one training version: a minisearch (BM25) index over the documents,
 * and, when an embeddings endpoint is configured, one vector per document; questions are ranked
 * lexically and, with vectors, by cosine similarity too, the two rankings combined by
 * reciprocal rank fusion. The index is persisted as JSON keyed by the version's content hash
 * and rebuilt when the file is missing or unreadable.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import MiniSearch, { type Options, type SearchResult } from 'minisearch';
import { canonicalize, sha256Hex } from '../../audit/index.js';
import type { TrainedModel } from '../../training/index.js';
import { buildDocuments, type RetrievalDoc } from './documents.js';
import { terms } from './text.js';

/** Part of every index key: bump it when the documents or the ranking options change, so old files are not reused. */
export const INDEX_FORMAT = 'otc-copilot/retrieval-index@1';

/** Turns texts into vectors (an embeddings endpoint). `id` names the model, so vectors of two models never mix. */
export interface Embedder {
  readonly id: string;
  embed(texts: string[], opts?: { signal?: AbortSignal }): Promise<number[][]>;
}

export interface RetrievalHit {
  doc: RetrievalDoc;
  /** Combined score, 1 for the best hit. */
  score: number;
  /** BM25 score relative to the best lexical hit (0 when no lexical match). */
  lexical: number;
  /** Cosine similarity to the question, when vectors are used. */
  vector?: number;
  /** Fields the question's terms matched in (lexical), e.g. ['name', 'values']. */
  fields: string[];
}

export interface RetrievalIndex {
  /** Content hash of the training version (+ embedding model) the index was built from. */
  readonly key: string;
  readonly docs: readonly RetrievalDoc[];
  /** True when vectors are part of the ranking. */
  readonly vectors: boolean;
  /** Problems met while building (e.g. the embeddings endpoint failed: lexical ranking only). */
  readonly warnings: readonly string[];
  /** Documents ranked for the question, best first. */
  search(question: string, opts?: { limit?: number; signal?: AbortSignal }): Promise<RetrievalHit[]>;
  /** The persisted form (what saveIndex writes). */
  toJSON(): PersistedIndex;
}

export interface PersistedIndex {
  format: typeof INDEX_FORMAT;
  key: string;
  embedder: string | null;
  docs: RetrievalDoc[];
  lexical: unknown;
  vectors: number[][] | null;
}

export interface BuildOptions {
  embedder?: Embedder;
}

const FIELDS = ['name', 'words', 'text', 'values'];
const BOOST = { name: 3, words: 2.5, text: 1, values: 1.5 };
const RRF_K = 60;
const EMBED_BATCH = 64;

function miniOptions(): Options<RetrievalDoc> {
  return {
    idField: 'id',
    fields: FIELDS,
    storeFields: [],
    tokenize: (text: string) => terms(text),
    processTerm: (t: string) => t,
    searchOptions: {
      boost: BOOST,
      prefix: false,
      fuzzy: (term: string) => (term.length >= 6 ? 0.2 : false),
      combineWith: 'OR',
    },
  };
}

/** The content hash that keys the index: the training content the documents derive from, and the embedding model. */
export function indexKey(model: TrainedModel, embedderId?: string): string {
  const schema = [...model.snapshot.tables]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => ({ n: t.name, c: t.columns.map((c) => [c.name, c.dataType]), pk: t.primaryKey, fk: t.foreignKeys }));
  const values = model.values.map((v) => ({ t: v.table, c: v.column, v: v.values }));
  return sha256Hex(canonicalize({ format: INDEX_FORMAT, profile: model.profile, schema, joins: model.joins, values, embedder: embedderId ?? null }));
}

export async function buildIndex(model: TrainedModel, opts: BuildOptions = {}): Promise<RetrievalIndex> {
  const docs = buildDocuments(model);
  const mini = new MiniSearch<RetrievalDoc>(miniOptions());
  mini.addAll(docs);
  const warnings: string[] = [];
  let vectors: number[][] | null = null;
  let embedder = opts.embedder;
  if (embedder) {
    try {
      vectors = await embedAll(embedder, docs.map(embeddingText));
    } catch (e) {
      warnings.push(`embeddings unavailable, lexical ranking only: ${e instanceof Error ? e.message : String(e)}`);
      embedder = undefined;
    }
  }
  return makeIndex(indexKey(model, embedder?.id), docs, mini, vectors, embedder, warnings);
}

/** Rebuilds an index from its persisted form; undefined when the data is not an index of this format. */
export function indexFromJSON(data: unknown, embedder?: Embedder): RetrievalIndex | undefined {
  const p = data as PersistedIndex;
  if (!p || typeof p !== 'object' || p.format !== INDEX_FORMAT || !Array.isArray(p.docs) || !p.lexical) return undefined;
  if ((p.embedder ?? undefined) !== embedder?.id && p.embedder !== null) return undefined;
  const mini = MiniSearch.loadJS<RetrievalDoc>(p.lexical as Parameters<typeof MiniSearch.loadJS>[0], miniOptions());
  const useVectors = p.vectors && embedder && p.embedder === embedder.id ? p.vectors : null;
  return makeIndex(p.key, p.docs, mini, useVectors, useVectors ? embedder : undefined, []);
}

/** Writes the index as JSON (atomically: temp file, then rename). */
export function saveIndex(index: RetrievalIndex, path: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(index.toJSON()));
  renameSync(tmp, path);
}

export interface OpenIndexOptions extends BuildOptions {
  /** Folder of persisted indexes (e.g. <OTC_DATA_DIR>/retrieval). Without it, nothing is persisted. */
  cacheDir?: string;
}

/** The file an index of this training version is persisted in. */
export function indexPath(cacheDir: string, key: string): string {
  return join(cacheDir, `retrieval-${key}.json`);
}

/**
 * The index of the model's training version: loaded from the cache folder when a file for its
 * content hash exists and reads back, otherwise built (and saved when a cache folder is given).
 */
export async function openIndex(model: TrainedModel, opts: OpenIndexOptions = {}): Promise<RetrievalIndex & { loaded: boolean }> {
  const key = indexKey(model, opts.embedder?.id);
  if (opts.cacheDir) {
    const path = indexPath(opts.cacheDir, key);
    if (existsSync(path)) {
      try {
        const idx = indexFromJSON(JSON.parse(readFileSync(path, 'utf8')), opts.embedder);
        if (idx && idx.key === key) return Object.assign(idx, { loaded: true });
      } catch {
        // unreadable or from another version: rebuilt below and overwritten
      }
    }
  }
  const idx = await buildIndex(model, opts);
  if (opts.cacheDir && idx.key === key) {
    try {
      mkdirSync(opts.cacheDir, { recursive: true });
      saveIndex(idx, indexPath(opts.cacheDir, key));
    } catch (e) {
      // a read-only data folder costs a rebuild next time, never an answer
      (idx.warnings as string[]).push(`the retrieval index could not be saved in ${opts.cacheDir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return Object.assign(idx, { loaded: false });
}

function makeIndex(key: string, docs: RetrievalDoc[], mini: MiniSearch<RetrievalDoc>, vectors: number[][] | null, embedder: Embedder | undefined, warnings: string[]): RetrievalIndex {
  const byId = new Map(docs.map((d, i) => [d.id, i]));
  return {
    key,
    docs,
    vectors: !!vectors,
    warnings,
    async search(question, opts = {}) {
      const limit = opts.limit ?? 60;
      const lex: SearchResult[] = mini.search(question);
      const top = lex[0]?.score ?? 0;
      const lexical = new Map<number, number>();
      const fields = new Map<number, string[]>();
      lex.forEach((r) => {
        const i = byId.get(r.id as string)!;
        lexical.set(i, top > 0 ? r.score / top : 0);
        fields.set(i, [...new Set(Object.values(r.match).flat())]);
      });
      let qv: number[] | undefined;
      if (vectors && embedder) {
        try {
          qv = (await embedder.embed([question], { signal: opts.signal }))[0];
        } catch {
          qv = undefined; // the endpoint failed for this question: lexical ranking alone
        }
      }
      if (!qv || !vectors) {
        return lex.slice(0, limit).map((r) => {
          const i = byId.get(r.id as string)!;
          return { doc: docs[i]!, score: lexical.get(i)!, lexical: lexical.get(i)!, fields: fields.get(i)! };
        });
      }
      const sims = vectors.map((v) => cosine(qv!, v));
      const vecOrder = sims.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]);
      const fused = new Map<number, number>();
      lex.slice(0, 200).forEach((r, rank) => {
        const i = byId.get(r.id as string)!;
        fused.set(i, (fused.get(i) ?? 0) + 1 / (RRF_K + rank + 1));
      });
      vecOrder.slice(0, 200).forEach(([, i], rank) => fused.set(i, (fused.get(i) ?? 0) + 1 / (RRF_K + rank + 1)));
      const ranked = [...fused.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit);
      const best = ranked[0]?.[1] ?? 1;
      return ranked.map(([i, s]) => ({ doc: docs[i]!, score: s / best, lexical: lexical.get(i) ?? 0, vector: sims[i], fields: fields.get(i) ?? [] }));
    },
    toJSON: () => ({ format: INDEX_FORMAT, key, embedder: embedder?.id ?? null, docs, lexical: mini.toJSON(), vectors }),
  };
}

/** Text of a document for embedding: kind, name, synonyms and description (not the value lists). */
export function embeddingText(d: RetrievalDoc): string {
  const parts = [d.kind, d.name, d.words, d.text, d.kind === 'example' ? d.extra ?? '' : ''].filter(Boolean);
  return parts.join('. ').slice(0, 800);
}

async function embedAll(embedder: Embedder, texts: string[]): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i += EMBED_BATCH) out.push(...(await embedder.embed(texts.slice(i, i + EMBED_BATCH))));
  if (out.length !== texts.length) throw new Error(`the embeddings endpoint returned ${out.length} vectors for ${texts.length} texts`);
  return out;
}

export function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
