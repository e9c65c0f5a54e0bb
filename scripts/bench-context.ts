/**
 * Retrieval benchmark: for every answerable development question, the tables and columns its
 * gold SQL uses, and whether the context the LLM engine would be sent holds them; with the size
 * of that context in estimated tokens. Trains on a temporary copy of ops-dev.db.
 *
 *   npm run bench:context [-- --questions FILE --db FILE --model DIR --max-tokens N --verbose]
 *
 * With OTC_LLM_PROVIDER (+ base URL, model) and OTC_LLM_EMBEDDING_MODEL set, the embeddings
 * endpoint is used too (lexical and vector rankings fused).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { openDatasource } from '../src/datasource/index.js';
import { llmClientFromConfig } from '../src/llm/index.js';
import { percentile } from '../src/nl2sql/index.js';
import { embedderFromClient, openRetriever, sqlRefs } from '../src/nl2sql/retrieval/index.js';
import { loadProfile, trainModel } from '../src/training/index.js';
import { arg, BENCH_DIR } from './lib/bench-args.js';

const questionsFile = arg('questions', join(BENCH_DIR, 'ops-dev.jsonl'));
const sourceDb = arg('db', join(BENCH_DIR, 'ops-dev.db'));
const profileDir = arg('model', 'profiles/otc-ops');
const maxTokens = Number(arg('max-tokens', '1800'));
const verbose = process.argv.includes('--verbose');

interface Q {
  id: string;
  question: string;
  gold_sql: string | null;
  expect: string;
}

const tmp = mkdtempSync(join(tmpdir(), 'otc-bench-context-'));
try {
  const db = join(tmp, 'ops-dev.db');
  copyFileSync(sourceDb, db);
  const ds = await openDatasource(`sqlite:${db}`);
  const model = await trainModel(loadProfile(profileDir), ds);
  await ds.close();
  const t0 = performance.now();
  // With OTC_LLM_PROVIDER and OTC_LLM_EMBEDDING_MODEL set, vectors join the ranking.
  const cfg = loadConfig();
  const client = cfg.llmEmbeddingModel ? llmClientFromConfig(cfg) : undefined;
  const embedder = client && cfg.llmEmbeddingModel ? embedderFromClient(client, cfg.llmEmbeddingModel) : undefined;
  const retriever = await openRetriever(model, { cacheDir: join(tmp, 'retrieval'), embedder });
  for (const w of retriever.index.warnings) console.warn(`warning: ${w}`);
  const buildMs = performance.now() - t0;

  const questions = readFileSync(questionsFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Q)
    .filter((q) => q.expect === 'answer' && q.gold_sql);
  let colHit = 0;
  let colAll = 0;
  let tabHit = 0;
  let tabAll = 0;
  let complete = 0;
  const tokens: number[] = [];
  const ms: number[] = [];
  const misses: string[] = [];
  for (const q of questions) {
    const gold = sqlRefs(q.gold_sql!, model.snapshot);
    const t = performance.now();
    const r = await retriever.retrieve(q.question, { maxTokens });
    ms.push(performance.now() - t);
    tokens.push(r.tokens);
    const have = new Set<string>();
    const haveT = new Set<string>();
    for (const tb of r.context.tables) {
      haveT.add(tb.name.toLowerCase());
      for (const c of tb.columns) have.add(`${tb.name.toLowerCase()}.${c.name.toLowerCase()}`);
    }
    const missT = gold.tables.filter((x) => !haveT.has(x));
    const missC = gold.columns.filter((x) => !have.has(x));
    tabAll += gold.tables.length;
    tabHit += gold.tables.length - missT.length;
    colAll += gold.columns.length;
    colHit += gold.columns.length - missC.length;
    if (!missT.length && !missC.length) complete++;
    else misses.push(`${q.id} ${JSON.stringify(q.question)}: missing ${[...missT.map((x) => `table ${x}`), ...missC].join(', ')} (context: ${[...haveT].join(', ')})`);
    if (verbose) console.log(`${q.id} ${r.tokens} tok [${r.tables.join(', ')}${r.bridges.length ? ` + ${r.bridges.join(', ')}` : ''}] ${q.question}`);
  }
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : 'n/a');
  const sorted = [...tokens].sort((a, b) => a - b);
  console.log(`questions           ${questions.length} answerable (${questionsFile})`);
  console.log(`index               ${retriever.index.docs.length} documents, built in ${buildMs.toFixed(0)} ms, key ${retriever.index.key.slice(0, 12)}…, vectors ${retriever.index.vectors ? 'yes' : 'no'}`);
  console.log(`column recall       ${pct(colHit, colAll)}% (${colHit}/${colAll})`);
  console.log(`table recall        ${pct(tabHit, tabAll)}% (${tabHit}/${tabAll})`);
  console.log(`complete contexts   ${pct(complete, questions.length)}% (${complete}/${questions.length})`);
  console.log(`context tokens      median ${percentile(sorted, 50)}, p95 ${percentile(sorted, 95)}, max ${sorted[sorted.length - 1]} (budget ${maxTokens})`);
  console.log(`retrieve time       median ${percentile([...ms].sort((a, b) => a - b), 50).toFixed(1)} ms`);
  console.log(misses.length ? `misses (${misses.length}):\n  ${misses.join('\n  ')}` : 'misses              none');
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
