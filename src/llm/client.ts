import {
  LlmAuthError,
  LlmBadResponseError,
  LlmConfigError,
  LlmRateLimitedError,
  LlmRejectedError,
  LlmTimeoutError,
  LlmUnreachableError,
  redact,
  type LlmAttempt,
} from './errors.js';
import { resolveEndpoint, type EndpointSettings, type LlmProvider, type ResolvedEndpoint } from './presets.js';
import { backoffDelay, parseRetryAfter, type BackoffPolicy } from './retry.js';
import { estimateTokens } from './tokens.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Ask for a JSON object reply (response_format json_object) when the endpoint supports it. */
  json?: boolean;
  /** Default 0: the same question should give the same SQL. */
  temperature?: number;
  maxTokens?: number;
  /** Cancels the call (all attempts). */
  signal?: AbortSignal;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  /** False when the endpoint sent no usage and the counts are estimates. */
  reported: boolean;
}

export interface ChatResult {
  text: string;
  usage: LlmUsage;
  /** Milliseconds from the first attempt to the answer, waits included. */
  latencyMs: number;
  /** Every HTTP attempt, in order, with its status. */
  attempts: LlmAttempt[];
  model: string;
  finishReason?: string;
  /** True when response_format json_object was sent. */
  jsonMode: boolean;
}

export interface EmbeddingResult {
  vectors: number[][];
  usage: LlmUsage;
  latencyMs: number;
  attempts: LlmAttempt[];
  model: string;
}

/** An OpenAI-compatible model endpoint. Safe to share; holds no connection. */
export interface LlmClient {
  readonly provider: LlmProvider;
  readonly model: string;
  /** Host the calls go to (no credentials), for audit records. */
  readonly host: string;
  readonly supportsJsonMode: boolean;
  chat(request: ChatRequest): Promise<ChatResult>;
  /** Embeddings of texts, in order. Throws LlmConfigError when no embedding model is configured. */
  embed(texts: string[], opts?: { signal?: AbortSignal }): Promise<EmbeddingResult>;
}

export interface LlmClientOptions extends EndpointSettings {
  /** Timeout of one HTTP attempt, ms (default 30 000). A timed-out attempt is not retried. */
  timeoutMs?: number;
  /** Retries after the first attempt on 429, 5xx and network errors (default 2). */
  maxRetries?: number;
  backoff?: Partial<BackoffPolicy>;
  /** Longest Retry-After we wait for; a longer one fails at once with RATE_LIMITED (default 30 000). */
  maxRetryAfterMs?: number;
  /** Embedding model (Azure: its deployment). */
  embeddingModel?: string;
  /**
   * Largest chat reply body read, in bytes (default 256 KiB: a 1,024-token answer is ~4 KB).
   * A longer one is cut off and fails with OTC_ERR_LLM_BAD_RESPONSE, so a hostile or broken
   * endpoint cannot fill memory, prompts or the audit log. Embedding replies may be 64x larger.
   */
  maxResponseBytes?: number;
  /** Injection points for tests and instrumentation. */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Builds a client for one endpoint; throws LlmConfigError when the settings are incomplete. */
export function createLlmClient(options: LlmClientOptions): LlmClient {
  const endpoint = resolveEndpoint(options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRetries = options.maxRetries ?? 2;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new LlmConfigError(`OTC_LLM_TIMEOUT_MS: ${timeoutMs} is not a positive number of milliseconds`);
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || maxRetries > 10) throw new LlmConfigError(`OTC_LLM_MAX_RETRIES: ${maxRetries} must be a whole number from 0 to 10`);
  const backoff: BackoffPolicy = { baseMs: options.backoff?.baseMs ?? 500, maxMs: options.backoff?.maxMs ?? 8_000 };
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const secrets = [options.apiKey, ...Object.values(options.extraHeaders ?? {})];
  const clean = (s: string) => redact(s, secrets);
  const maxChatBytes = options.maxResponseBytes ?? 256 * 1024;
  if (!Number.isInteger(maxChatBytes) || maxChatBytes < 1024) throw new LlmConfigError(`maxResponseBytes: ${maxChatBytes} must be a whole number of at least 1024`);

  /** POSTs a JSON body with retries; returns the parsed 2xx body. */
  async function post(url: string, body: unknown, what: string, signal: AbortSignal | undefined, maxBytes: number): Promise<{ json: unknown; attempts: LlmAttempt[]; latencyMs: number }> {
    const attempts: LlmAttempt[] = [];
    const started = performance.now();
    const payload = JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw signal.reason;
      const t0 = performance.now();
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      let status: number;
      let text: string;
      let retryAfter: string | null = null;
      try {
        const res = await fetchImpl(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...endpoint.headers },
          body: payload,
          signal: combined,
          redirect: 'error',
        });
        status = res.status;
        retryAfter = res.headers.get('retry-after');
        const read = await readLimited(res, maxBytes);
        if (read === undefined) {
          attempts.push({ attempt, status, ms: Math.round(performance.now() - t0) });
          throw new LlmBadResponseError(`the model at ${endpoint.host} answered ${what} with more than ${maxBytes} bytes; the reply was not read`, attempts);
        }
        text = read;
      } catch (e) {
        if (e instanceof LlmBadResponseError) throw e;
        const ms = Math.round(performance.now() - t0);
        if (signal?.aborted) throw signal.reason;
        if (timeout.aborted) {
          attempts.push({ attempt, status: 'timeout', ms });
          throw new LlmTimeoutError(`the model at ${endpoint.host} did not answer ${what} within ${timeoutMs} ms`, attempts);
        }
        attempts.push({ attempt, status: 'network', ms });
        const reason = clean(describeNetworkError(e));
        if (attempt > maxRetries) {
          throw new LlmUnreachableError(`cannot reach the model at ${endpoint.host} (${reason}) after ${attempt} attempt${attempt > 1 ? 's' : ''}`, attempts);
        }
        const waitMs = backoffDelay(attempt, backoff, random);
        attempts[attempts.length - 1].waitMs = waitMs;
        await sleep(waitMs);
        continue;
      }
      const ms = Math.round(performance.now() - t0);
      attempts.push({ attempt, status, ms });
      if (status >= 200 && status < 300) {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw new LlmBadResponseError(`the model at ${endpoint.host} answered ${what} with something that is not JSON (${clean(snippet(text))})`, attempts);
        }
        return { json, attempts, latencyMs: Math.round(performance.now() - started) };
      }
      const serverSays = clean(serverMessage(text));
      if (status === 401 || status === 403) {
        throw new LlmAuthError(`the model at ${endpoint.host} refused the credentials (HTTP ${status}${serverSays ? `: ${serverSays}` : ''})`, attempts);
      }
      const retryable = status === 429 || status === 408 || status >= 500;
      if (!retryable) {
        throw new LlmRejectedError(`the model at ${endpoint.host} rejected the request (HTTP ${status}${serverSays ? `: ${serverSays}` : ''})`, attempts);
      }
      const fail = () =>
        status === 429
          ? new LlmRateLimitedError(`the model at ${endpoint.host} is rate limiting (HTTP 429 after ${attempt} attempt${attempt > 1 ? 's' : ''})${serverSays ? `: ${serverSays}` : ''}`, attempts)
          : new LlmUnreachableError(`the model at ${endpoint.host} failed (HTTP ${status} after ${attempt} attempt${attempt > 1 ? 's' : ''})${serverSays ? `: ${serverSays}` : ''}`, attempts);
      if (attempt > maxRetries) throw fail();
      const asked = parseRetryAfter(retryAfter, now());
      if (asked !== undefined && asked > maxRetryAfterMs) throw fail();
      const waitMs = asked ?? backoffDelay(attempt, backoff, random);
      attempts[attempts.length - 1].waitMs = waitMs;
      await sleep(waitMs);
    }
  }

  return {
    provider: endpoint.provider,
    model: endpoint.model,
    host: endpoint.host,
    supportsJsonMode: endpoint.supportsJsonMode,

    async chat(request: ChatRequest): Promise<ChatResult> {
      if (request.messages.length === 0) throw new LlmConfigError('a chat request needs at least one message');
      const jsonMode = Boolean(request.json && endpoint.supportsJsonMode);
      const body: Record<string, unknown> = {
        ...(endpoint.bodyModel ? { model: endpoint.bodyModel } : {}),
        messages: request.messages,
        temperature: request.temperature ?? 0,
        ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
        ...(jsonMode ? { response_format: { type: 'json_object' } } : {}),
      };
      const { json, attempts, latencyMs } = await post(endpoint.chatUrl, body, 'the chat request', request.signal, maxChatBytes);
      const choice = firstChoice(json);
      if (!choice) throw new LlmBadResponseError(`the model at ${endpoint.host} answered without choices[0].message.content`, attempts);
      return {
        // An endpoint that echoes the request's key into the reply must not put it in front of users.
        text: clean(choice.content),
        finishReason: choice.finishReason,
        usage: usageOf(json, () => estimateTokens(request.messages.map((m) => m.content).join('\n')), () => estimateTokens(choice.content)),
        latencyMs,
        attempts,
        model: endpoint.model,
        jsonMode,
      };
    },

    async embed(texts: string[], opts: { signal?: AbortSignal } = {}): Promise<EmbeddingResult> {
      const model = options.embeddingModel;
      if (!model) throw new LlmConfigError('no embedding model configured', 'set OTC_LLM_EMBEDDING_MODEL');
      const body = { ...(endpoint.provider === 'azure' ? {} : { model }), input: texts };
      const { json, attempts, latencyMs } = await post(endpoint.embeddingsUrl(model), body, 'the embeddings request', opts.signal, maxChatBytes * 64);
      const data = (json as { data?: unknown })?.data;
      if (!Array.isArray(data) || data.length !== texts.length) {
        throw new LlmBadResponseError(`the model at ${endpoint.host} answered embeddings without one vector per input`, attempts);
      }
      const vectors: number[][] = new Array(texts.length);
      for (const [i, item] of data.entries()) {
        const emb = (item as { embedding?: unknown; index?: unknown })?.embedding;
        const index = (item as { index?: unknown })?.index;
        const at = typeof index === 'number' ? index : i;
        if (!Array.isArray(emb) || !emb.every((x) => typeof x === 'number') || at < 0 || at >= texts.length) {
          throw new LlmBadResponseError(`the model at ${endpoint.host} answered a malformed embedding`, attempts);
        }
        vectors[at] = emb as number[];
      }
      return { vectors, usage: usageOf(json, () => estimateTokens(texts.join('\n')), () => 0), latencyMs, attempts, model };
    },
  };
}

/** The body as text, or undefined (and the body cancelled) when it is longer than `maxBytes`. */
async function readLimited(res: Response, maxBytes: number): Promise<string | undefined> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function firstChoice(json: unknown): { content: string; finishReason?: string } | undefined {
  const choices = (json as { choices?: unknown })?.choices;
  if (!Array.isArray(choices) || choices.length === 0) return undefined;
  const c = choices[0] as { message?: { content?: unknown }; finish_reason?: unknown };
  const content = c?.message?.content;
  if (typeof content !== 'string') return undefined;
  return { content, finishReason: typeof c.finish_reason === 'string' ? c.finish_reason : undefined };
}

function usageOf(json: unknown, promptEstimate: () => number, completionEstimate: () => number): LlmUsage {
  const u = (json as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } })?.usage;
  if (u && typeof u.prompt_tokens === 'number') {
    return { promptTokens: u.prompt_tokens, completionTokens: typeof u.completion_tokens === 'number' ? u.completion_tokens : 0, reported: true };
  }
  return { promptTokens: promptEstimate(), completionTokens: completionEstimate(), reported: false };
}

/** The server's own error message, when it sends the usual {error:{message}} body. */
function serverMessage(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof j?.error === 'string') return snippet(j.error);
    if (typeof j?.error?.message === 'string') return snippet(j.error.message);
    if (typeof j?.message === 'string') return snippet(j.message);
  } catch {
    /* not JSON */
  }
  return snippet(text);
}

function snippet(text: string, max = 200): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

function describeNetworkError(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown; message?: unknown } })?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return e instanceof Error ? e.message : String(e);
}

export type { ResolvedEndpoint };
