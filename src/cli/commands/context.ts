import { join } from 'node:path';
import { Command } from 'commander';
import { z } from 'zod';
import { datasourceUrlOf, loadConfig } from '../../config/index.js';
import { action } from '../handle-error.js';
import { parseFlags } from '../parse.js';

const flags = z.object({
  db: z.string().trim().min(1).optional(),
  model: z.string().min(1).default('profiles/otc-ops'),
  maxTokens: z.coerce.number().int().min(200).max(100_000).default(1800),
  text: z.boolean().default(false),
});

export const contextCommand = new Command('context')
  .description('print, as JSON, the context the language model would be sent for a question: tables, columns, joins, rules, glossary, examples, resolved values and the token estimate')
  .argument('<question>', 'the question, in quotes')
  .option('--db <url>', 'database to train on: sqlite:path | postgres://… | mssql://… (default: OTC_DATASOURCE_URL or the demo database)')
  .option('--model <dir>', 'training profile folder', 'profiles/otc-ops')
  .option('--max-tokens <n>', 'token budget of the context', '1800')
  .option('--text', 'print the context as the prompt renders it instead of JSON')
  .action(
    action(async (question: string, raw: Record<string, unknown>) => {
      const f = parseFlags(flags, raw);
      const cfg = loadConfig();
      const [{ openDatasource }, { llmClientFromConfig }, { limitContextData, renderContext }, { embedderFromClient, openRetriever }, { loadProfile, trainModel }] = await Promise.all([
        import('../../datasource/index.js'),
        import('../../llm/index.js'),
        import('../../nl2sql/llm/index.js'),
        import('../../nl2sql/retrieval/index.js'),
        import('../../training/index.js'),
      ]);
      const profile = loadProfile(f.model);
      const ds = await openDatasource(f.db ?? datasourceUrlOf(cfg));
      let model;
      try {
        model = await trainModel(profile, ds);
      } finally {
        await ds.close();
      }
      const client = cfg.llmEmbeddingModel ? llmClientFromConfig(cfg) : undefined;
      const embedder = client && cfg.llmEmbeddingModel ? embedderFromClient(client, cfg.llmEmbeddingModel) : undefined;
      const retriever = await openRetriever(model, { cacheDir: join(cfg.dataDir, 'retrieval'), embedder });
      const retrieved = await retriever.retrieve(question, { maxTokens: f.maxTokens });
      // as the model would get it under OTC_LLM_PROMPT_DATA
      const r = { ...retrieved, context: limitContextData(retrieved.context, cfg.llmPromptData) };
      if (f.text) {
        process.stdout.write(renderContext(r.context) + '\n');
        return;
      }
      const out = {
        question,
        indexKey: r.indexKey,
        vectors: retriever.index.vectors,
        tokens: r.tokens,
        tables: r.tables,
        joinTables: r.bridges,
        columns: r.context.tables.map((t) => ({ table: t.name, columns: t.columns.map((c) => c.name) })),
        resolvedValues: r.context.resolvedValues,
        context: r.context,
      };
      process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    }),
  );
