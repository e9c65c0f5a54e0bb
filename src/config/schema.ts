import { z } from 'zod';
import { ROLES } from '../auth/roles.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalText = z.string().trim().min(1).optional();
/** A mapping of claim values to roles: a JSON object in the environment, a mapping in a YAML file. */
const roleMap = z
  .unknown()
  .transform((v, ctx) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of claim value -> role, e.g. {"OTC-Admins":"admin"}' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1), z.enum(ROLES, 'every role must be one of viewer, analyst, admin, auditor'), 'must be a JSON object of claim value -> role, e.g. {"OTC-Admins":"admin"}'));

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
  auditPruneCron: {
    env: 'OTC_AUDIT_PRUNE_CRON',
    schema: z.string().trim().min(1).max(200).default('30 2 * * *'),
    doc: 'When the server archives and prunes expired audit records (with OTC_AUDIT_RETENTION_DAYS set): a cron expression, default 02:30 every day; `off` for `otc-copilot audit prune` only.',
  },
  auditPruneTimeZone: { env: 'OTC_AUDIT_PRUNE_TIMEZONE', schema: z.string().trim().min(1).default('UTC'), doc: 'IANA time zone of OTC_AUDIT_PRUNE_CRON.' },
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
  auditSqlLiterals: {
    env: 'OTC_AUDIT_SQL_LITERALS',
    schema: z.enum(['keep', 'strings']).default('keep'),
    doc: "What the audit keeps of values written in SQL: everything (keep), or every string literal masked as '[masked]' together with the same values in the question text and details of the run's records (strings).",
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
  logRequests: {
    env: 'OTC_LOG_REQUESTS',
    schema: z.enum(['auto', 'on', 'off']).default('auto'),
    doc: 'One JSON log line per HTTP request and response: auto = off when stdout is a terminal (so the start messages, such as the first admin password, stay in view), on otherwise (services, containers, log shippers); on or off forces it. Warnings and errors are logged either way.',
  },
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
  reportDir: { env: 'OTC_REPORT_DIR', schema: optionalText, doc: 'Folder of rendered report files, one sub-folder per run (default DATA_DIR/reports).' },
  reportMaxRows: { env: 'OTC_REPORT_MAX_ROWS', schema: intFrom(1, 100_000_000).default(1_000_000), doc: 'Row cap of each question of a report run (a template row limit may lower it). Rows stream from the database to the files, so it bounds file size and run time, not memory; a PDF shows the first 10,000 rows.' },
  reportAllowedDomains: { env: 'OTC_REPORT_ALLOWED_DOMAINS', schema: optionalText, doc: 'Comma-separated e-mail domains report recipients may be in; unset = any domain.' },
  reportInternalDomains: { env: 'OTC_REPORT_INTERNAL_DOMAINS', schema: optionalText, doc: "Comma-separated domains of the bank itself; a recipient elsewhere needs a second admin's approval (four eyes). Unset: every e-mail recipient needs it." },
  deliveryAttempts: { env: 'OTC_DELIVERY_ATTEMPTS', schema: intFrom(1, 20).default(4), doc: 'Attempts per report delivery target (timeouts and 5xx are retried with exponential backoff; 4xx fail at once).' },
  deliveryBackoffMs: { env: 'OTC_DELIVERY_BACKOFF_MS', schema: intFrom(1, 3_600_000).default(5000), doc: 'First retry delay of a delivery, doubled per attempt.' },
  deliveryTimeoutMs: { env: 'OTC_DELIVERY_TIMEOUT_MS', schema: intFrom(100, 600_000).default(30_000), doc: 'Timeout of one delivery attempt, in milliseconds.' },
  readinessIntervalMs: { env: 'OTC_READINESS_INTERVAL_MS', schema: intFrom(100, 3_600_000).default(60_000), doc: "Milliseconds between a report's data-readiness checks (until its cut-off)." },
  smtpUrl: { env: 'OTC_SMTP_URL', schema: optionalText, doc: 'SMTP server for report e-mail: smtp://user:pass@host:587 or smtps://… (never logged).' },
  mailFrom: { env: 'OTC_MAIL_FROM', schema: optionalText, doc: 'Sender address of report e-mail.' },
  mailMaxAttachmentMb: { env: 'OTC_MAIL_MAX_ATTACHMENT_MB', schema: intFrom(1, 100).default(10), doc: 'Above this total size, report e-mail carries download links instead of attachments.' },
  slackWebhookUrl: { env: 'OTC_SLACK_WEBHOOK_URL', schema: optionalText, doc: 'Slack incoming webhook for report messages (a secret; never logged).' },
  slackBotToken: { env: 'OTC_SLACK_BOT_TOKEN', schema: optionalText, doc: 'Slack bot token (files:write) for report file uploads (never logged).' },
  slackApiUrl: { env: 'OTC_SLACK_API_URL', schema: z.url().optional(), doc: 'Slack Web API base URL (default https://slack.com/api/; a proxy or test server).' },
  teamsWebhookUrl: { env: 'OTC_TEAMS_WEBHOOK_URL', schema: optionalText, doc: 'Microsoft Teams Workflows webhook URL for report cards (a secret; never logged).' },
  graphTenantId: { env: 'OTC_GRAPH_TENANT_ID', schema: optionalText, doc: 'Entra ID tenant of the app that uploads reports to SharePoint/OneDrive.' },
  graphClientId: { env: 'OTC_GRAPH_CLIENT_ID', schema: optionalText, doc: 'Client id of that app (Files.ReadWrite.All or Sites.Selected).' },
  graphClientSecret: { env: 'OTC_GRAPH_CLIENT_SECRET', schema: optionalText, doc: 'Client secret of that app (never logged).' },
  graphDriveId: { env: 'OTC_GRAPH_DRIVE_ID', schema: optionalText, doc: 'Drive (document library or OneDrive) that report folders live in.' },
  graphBaseUrl: { env: 'OTC_GRAPH_BASE_URL', schema: z.url().default('https://graph.microsoft.com/v1.0'), doc: 'Microsoft Graph base URL (national clouds, tests).' },
  graphLoginUrl: { env: 'OTC_GRAPH_LOGIN_URL', schema: z.url().default('https://login.microsoftonline.com'), doc: 'Microsoft identity platform URL for the app token.' },
  reportFileShareRoot: { env: 'OTC_REPORT_FILESHARE_ROOT', schema: optionalText, doc: 'Mounted file share that file-share report targets write under (folders outside it are refused).' },
  reportWebhookSecret: { env: 'OTC_REPORT_WEBHOOK_SECRET', schema: optionalText, doc: 'Shared secret of the HMAC-SHA256 signature of report webhooks (never logged).' },
  dashboardProbeIntervalMs: { env: 'OTC_DASHBOARD_PROBE_INTERVAL_MS', schema: intFrom(1000, 3_600_000).default(15_000), doc: 'Real-time dashboard widgets: milliseconds between two change probes of each source table (one row count and max of a key or date column per table, shared by every widget and viewer); a widget re-runs only when a probe of its tables changed.' },
  redisUrl: { env: 'OTC_REDIS_URL', schema: z.string().trim().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(), doc: 'Redis for the scheduler queue (BullMQ): the API only enqueues and `otc-copilot worker` processes run schedules. Unset = the in-process scheduler.' },
  redisPrefix: { env: 'OTC_REDIS_PREFIX', schema: z.string().trim().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)').default('otc'), doc: 'Prefix of every Redis key and channel of this deployment (scheduler queue, event bus, rate limits): lets several deployments or test runs share one Redis.' },
  shutdownGraceMs: { env: 'OTC_SHUTDOWN_GRACE_MS', schema: intFrom(0, 600_000).default(25_000), doc: 'On SIGTERM/SIGINT: how long requests in flight may run to their end before their connections are closed (keep it below the orchestrator\'s kill timeout, e.g. 30 s in Kubernetes).' },
  oidcIssuer: { env: 'OTC_OIDC_ISSUER', schema: z.url().optional(), doc: "Single sign-on: the OpenID Connect issuer URL of the bank's identity provider. Set = SSO on, and local passwords off except OTC_OIDC_EMERGENCY_ADMIN. https, or http on loopback only." },
  oidcClientId: { env: 'OTC_OIDC_CLIENT_ID', schema: optionalText, doc: 'Single sign-on: the client id registered at the identity provider.' },
  oidcClientSecret: { env: 'OTC_OIDC_CLIENT_SECRET', schema: optionalText, doc: 'Single sign-on: the client secret (client_secret_basic; never logged).' },
  oidcRedirectUri: { env: 'OTC_OIDC_REDIRECT_URI', schema: z.url().optional(), doc: 'Single sign-on: the redirect URI registered at the identity provider. Default: OTC_PUBLIC_URL/api/auth/oidc/callback.' },
  oidcPostLogoutRedirectUri: { env: 'OTC_OIDC_POST_LOGOUT_REDIRECT_URI', schema: z.url().optional(), doc: "Single sign-on: where the identity provider sends the browser after its sign-out (register it there). Default: OTC_PUBLIC_URL/." },
  oidcScopes: { env: 'OTC_OIDC_SCOPES', schema: z.string().trim().regex(/(^|\s)openid(\s|$)/, 'must include openid').default('openid profile email'), doc: 'Single sign-on: scopes asked for, space-separated (add the one that releases groups if your provider needs it).' },
  oidcUsernameClaim: { env: 'OTC_OIDC_USERNAME_CLAIM', schema: z.string().trim().min(1).default('preferred_username'), doc: 'Single sign-on: the claim that becomes the user name of a user created at first sign-in (then email, then sub).' },
  oidcRoleClaim: { env: 'OTC_OIDC_ROLE_CLAIM', schema: z.string().trim().min(1).default('groups'), doc: 'Single sign-on: the claim (ID token or userinfo) whose values are mapped to roles; a dotted path reaches into objects (realm_access.roles).' },
  oidcRoleMap: { env: 'OTC_OIDC_ROLE_MAP', schema: roleMap.optional(), doc: 'Single sign-on: claim value -> role, a JSON object, e.g. {"OTC-Admins":"admin","OTC-Ops":"analyst"}. Several matches: admin, then auditor, analyst, viewer wins. The role is set again at every sign-in.' },
  oidcDefaultRole: { env: 'OTC_OIDC_DEFAULT_ROLE', schema: z.enum(ROLES).optional(), doc: 'Single sign-on: role of a user none of whose values is mapped. Unset: such users are refused (audited).' },
  oidcEmergencyAdmin: { env: 'OTC_OIDC_EMERGENCY_ADMIN', schema: optionalText, doc: 'Single sign-on: the one local user who may still sign in with a password while SSO is on (break-glass). Unset: none.' },
} as const;

export type SettingKey = keyof typeof settings;
export type Config = { [K in SettingKey]: z.output<(typeof settings)[K]['schema']> };
