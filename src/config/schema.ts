import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z.string().trim().min(1).optional();

/**
 * Every setting, with the environment variable that sets it. The README's configuration table
 * is written from this list (see `otc-copilot config --list`).
 */
export const settings = {
  dataDir: { env: 'OTC_DATA_DIR', schema: z.string().min(1).default('./data'), doc: 'Folder for the embedded SQLite files (app store, audit log, demo database).' },
  host: { env: 'OTC_HOST', schema: z.string().min(1).default('127.0.0.1'), doc: 'Address the server listens on (0.0.0.0 in containers).' },
  port: { env: 'OTC_PORT', schema: intFrom(1, 65535).default(8080), doc: 'HTTP port.' },
  publicUrl: { env: 'OTC_PUBLIC_URL', schema: z.url().optional(), doc: 'External URL when behind a proxy; https here turns on Secure cookies.' },
  trustedProxies: {
    env: 'OTC_TRUSTED_PROXIES',
    schema: z
      .string()
      .trim()
      .min(1)
      .transform((v) => v.split(',').map((p) => p.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^(?:[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(?:\/\d{1,3})?$|^(?:loopback|linklocal|uniquelocal)$/, 'IP addresses or CIDR ranges, comma-separated')).min(1))
      .optional(),
    doc: 'Reverse proxies whose X-Forwarded-For is believed: IP addresses or CIDR ranges, comma-separated (e.g. 10.0.0.0/8). Unset: none; the client address is the connection\'s.',
  },
  storeUrl: { env: 'OTC_STORE_URL', schema: optionalText, doc: 'App store: sqlite:PATH (default DATA_DIR/app.db) or postgres://…' },
  auditUrl: { env: 'OTC_AUDIT_URL', schema: optionalText, doc: 'Audit log store, kept apart from the app store: sqlite:PATH (default DATA_DIR/audit.db) or postgres://…' },
  auditSigningKeyFile: { env: 'OTC_AUDIT_SIGNING_KEY_FILE', schema: optionalText, doc: 'Ed25519 private key (PEM) held outside the audit store: signs the head, checkpoints and exports. Default DATA_DIR/audit-signing.key, generated once (0600) with its public key beside it (.pub).' },
  auditPublicKeyFile: { env: 'OTC_AUDIT_PUBLIC_KEY_FILE', schema: optionalText, doc: 'Public key (PEM) verifiers use when they do not hold the signing key. Default: the signing key file + .pub.' },
  auditCheckpointFile: { env: 'OTC_AUDIT_CHECKPOINT_FILE', schema: optionalText, doc: 'Append-only file of signed audit checkpoints, outside the audit store. Default DATA_DIR/audit-checkpoints.jsonl.' },
  auditCheckpointEvery: { env: 'OTC_AUDIT_CHECKPOINT_EVERY', schema: intFrom(1, 1_000_000).default(1), doc: 'Write a signed checkpoint every N audit records (the head anchor is signed at every record).' },
  auditRetentionDays: { env: 'OTC_AUDIT_RETENTION_DAYS', schema: intFrom(1, 36_500).optional(), doc: 'Audit records older than this are archived to signed export files and pruned by `otc-copilot audit prune` (unset: kept for ever).' },
  auditArchiveDir: { env: 'OTC_AUDIT_ARCHIVE_DIR', schema: optionalText, doc: 'Folder of the signed archives written before pruning. Default DATA_DIR/audit-archive.' },
  splunkHecUrl: { env: 'OTC_SPLUNK_HEC_URL', schema: z.url().optional(), doc: 'Splunk HTTP Event Collector base URL (e.g. https://splunk:8088): the JSON logs are also sent there, batched and retried, never blocking a request.' },
  splunkHecToken: { env: 'OTC_SPLUNK_HEC_TOKEN', schema: optionalText, doc: 'HEC token (never logged).' },
  splunkHecMaxBuffer: { env: 'OTC_SPLUNK_HEC_MAX_BUFFER', schema: intFrom(100, 10_000_000).default(10_000), doc: 'Log events held while the collector is down; beyond it the oldest are dropped and counted (GET /api/audit/status).' },
  maskColumns: {
    env: 'OTC_MASK_COLUMNS',
    schema: z
      .string()
      .trim()
      .min(1)
      .transform((v) => v.split(',').map((p) => p.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'column names, comma-separated')).min(1))
      .optional(),
    doc: 'Columns (e.g. counterparty_name,account_no) whose values are masked in the logs, the audit records and downloaded exports.',
  },
  auditResults: { env: 'OTC_AUDIT_RESULTS', schema: z.enum(['count_hash', 'count', 'none']).default('count_hash'), doc: 'What the audit keeps of a result: row count and SHA-256 (default), the count only, or nothing. Rows are never kept.' },
  datasourceUrl: { env: 'OTC_DATASOURCE_URL', schema: optionalText, doc: "The bank's database: sqlite:PATH, postgres://…, mssql://user:pass@host:1433/db. Default: the demo database DATA_DIR/demo-ops.db, built on first start." },
  profileDir: { env: 'OTC_PROFILE_DIR', schema: z.string().min(1).default('profiles/otc-ops'), doc: 'Training profile folder imported on first start.' },
  today: { env: 'OTC_TODAY', schema: isoDate.optional(), doc: 'Fixed as-of date (YYYY-MM-DD) instead of the clock, for demos and tests.' },
  maxRows: { env: 'OTC_MAX_ROWS', schema: intFrom(1, 1_000_000).default(5000), doc: 'Row cap on every query; results say when they were cut.' },
  queryTimeoutMs: { env: 'OTC_QUERY_TIMEOUT_MS', schema: intFrom(100, 3_600_000).default(30_000), doc: 'Statement timeout for datasource queries, in milliseconds.' },
  demoTrades: { env: 'OTC_DEMO_TRADES', schema: intFrom(100, 5_000_000).default(50_000), doc: 'Trades in the demo database built on first start.' },
  adminPassword: { env: 'OTC_ADMIN_PASSWORD', schema: z.string().min(12, 'at least 12 characters').optional(), doc: 'Password of the first admin (otherwise one is generated and printed once).' },
  logLevel: { env: 'OTC_LOG_LEVEL', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'), doc: 'Log level of the JSON logs on stdout.' },
  llmProvider: { env: 'OTC_LLM_PROVIDER', schema: z.enum(['openai', 'groq', 'azure', 'vllm', 'ollama', 'gateway']).optional(), doc: 'Preset for the language model endpoint; unset = semantic engine only.' },
  llmBaseUrl: { env: 'OTC_LLM_BASE_URL', schema: z.url().optional(), doc: 'OpenAI-compatible base URL (e.g. https://gateway.bank.internal/v1).' },
  llmApiKey: { env: 'OTC_LLM_API_KEY', schema: optionalText, doc: 'API key for the model endpoint (never logged).' },
  llmModel: { env: 'OTC_LLM_MODEL', schema: optionalText, doc: 'Model name (Azure: the deployment name).' },
  llmApiVersion: { env: 'OTC_LLM_API_VERSION', schema: optionalText, doc: 'Azure OpenAI api-version.' },
  llmTimeoutMs: { env: 'OTC_LLM_TIMEOUT_MS', schema: intFrom(1000, 600_000).default(30_000), doc: 'Timeout of one model call, in milliseconds.' },
  llmMaxRetries: { env: 'OTC_LLM_MAX_RETRIES', schema: intFrom(0, 10).default(2), doc: 'Retries of one model call on 429, 5xx and network errors (exponential backoff, Retry-After honoured).' },
  llmAuditPrompts: { env: 'OTC_LLM_AUDIT_PROMPTS', schema: z.enum(['full', 'hash']).default('hash'), doc: 'What the audit log keeps of each prompt and reply: the full text, or only its SHA-256.' },
  llmPromptData: {
    env: 'OTC_LLM_PROMPT_DATA',
    schema: z.enum(['none', 'columns', 'samples']).default('samples'),
    doc: "What of the bank's data may go into model prompts: none (schema and profile texts only), columns (also which column a word of the question matched, not the stored value), samples (also sample values and matched values as stored). Database error messages are never sent.",
  },
  llmExtraHeaders: { env: 'OTC_LLM_EXTRA_HEADERS', schema: optionalText, doc: 'Extra HTTP headers for an in-house gateway, as a JSON object (values never logged).' },
  llmEmbeddingModel: { env: 'OTC_LLM_EMBEDDING_MODEL', schema: optionalText, doc: 'Embedding model (Azure: its deployment) for retrieval; optional.' },
} as const;

export type SettingKey = keyof typeof settings;
export type Config = { [K in SettingKey]: z.output<(typeof settings)[K]['schema']> };
