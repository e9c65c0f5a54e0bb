import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import {
  AZURE_DEFAULT_API_VERSION,
  backoffDelay,
  createLlmClient,
  isLlmError,
  llmClientFromConfig,
  LlmError,
  parseRetryAfter,
  resolveEndpoint,
  type LlmClientOptions,
} from './index.js';
import { chatCompletion, startScriptedServer, type ScriptStep, type ScriptedServer } from './testing/scripted-server.js';

const KEY = 'sk-test-SECRET-0123456789abcdef';
let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(script: ScriptStep[]): Promise<ScriptedServer> {
  server = await startScriptedServer(script);
  return server;
}

/** A client on the scripted server whose waits are recorded instead of slept. */
function clientOn(s: ScriptedServer, opts: Partial<LlmClientOptions> = {}) {
  const waits: number[] = [];
  const client = createLlmClient({
    provider: 'openai',
    baseUrl: `${s.origin}/v1`,
    apiKey: KEY,
    model: 'gpt-test',
    timeoutMs: 5_000,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...opts,
  });
  return { client, waits };
}

async function failure(p: Promise<unknown>): Promise<LlmError> {
  try {
    await p;
  } catch (e) {
    if (isLlmError(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

function expectNoKey(e: LlmError) {
  const all = `${e.message} ${e.hint ?? ''} ${JSON.stringify(e)} ${JSON.stringify(e.details)} ${String(e.stack)}`;
  expect(all).not.toContain(KEY);
  expect(all).not.toContain(KEY.slice(0, 8));
}

const ask = { messages: [{ role: 'user' as const, content: 'How many trades?' }] };

describe('chat completions over HTTP', () => {
  it('posts an OpenAI request with Bearer key and json_object, and returns text, usage, latency and attempts', async () => {
    const s = await serve([chatCompletion('{"sql":"SELECT 1"}', { prompt_tokens: 321, completion_tokens: 12 })]);
    const { client } = clientOn(s);
    const r = await client.chat({ ...ask, json: true });
    expect(r.text).toBe('{"sql":"SELECT 1"}');
    expect(r.usage).toEqual({ promptTokens: 321, completionTokens: 12, reported: true });
    expect(r.attempts.map((a) => a.status)).toEqual([200]);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(r.jsonMode).toBe(true);
    const req = s.requests[0];
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.json).toMatchObject({ model: 'gpt-test', temperature: 0, response_format: { type: 'json_object' }, messages: ask.messages });
  });

  it('estimates usage when the endpoint reports none', async () => {
    const s = await serve([{ status: 200, body: { choices: [{ message: { content: 'hello there' } }] } }]);
    const { client } = clientOn(s);
    const r = await client.chat(ask);
    expect(r.usage.reported).toBe(false);
    expect(r.usage.promptTokens).toBeGreaterThan(0);
    expect(r.usage.completionTokens).toBeGreaterThan(0);
  });

  it('gateway preset: any base URL, extra headers, no key, no response_format unless asked', async () => {
    const s = await serve([chatCompletion('a'), chatCompletion('b')]);
    const gw = createLlmClient({ provider: 'gateway', baseUrl: `${s.origin}/llm/v1/`, model: 'bank-sql-7b', extraHeaders: { 'X-Tenant': 'otc-ops' } });
    await gw.chat({ ...ask, json: true });
    expect(s.requests[0].url).toBe('/llm/v1/chat/completions');
    expect(s.requests[0].headers['x-tenant']).toBe('otc-ops');
    expect(s.requests[0].headers.authorization).toBeUndefined();
    expect(s.requests[0].json.response_format).toBeUndefined();
    const gwJson = createLlmClient({ provider: 'gateway', baseUrl: `${s.origin}/llm/v1`, model: 'bank-sql-7b', jsonMode: true });
    await gwJson.chat({ ...ask, json: true });
    expect(s.requests[1].json.response_format).toEqual({ type: 'json_object' });
  });

  it('429 with Retry-After in seconds: waits exactly that long, then succeeds', async () => {
    const s = await serve([{ status: 429, headers: { 'retry-after': '1' }, body: { error: { message: 'slow down' } } }, chatCompletion('ok')]);
    const { client, waits } = clientOn(s);
    const r = await client.chat(ask);
    expect(r.text).toBe('ok');
    expect(waits).toEqual([1000]);
    expect(r.attempts.map((a) => a.status)).toEqual([429, 200]);
    expect(r.attempts[0].waitMs).toBe(1000);
    expect(s.requests).toHaveLength(2);
  });

  it('429 with Retry-After: the default sleep really waits before the retry', async () => {
    const s = await serve([{ status: 429, headers: { 'retry-after': '1' } }, chatCompletion('ok')]);
    const client = createLlmClient({ provider: 'openai', baseUrl: `${s.origin}/v1`, apiKey: KEY, model: 'gpt-test' });
    const r = await client.chat(ask);
    expect(r.text).toBe('ok');
    expect(r.attempts.map((a) => [a.status, a.waitMs])).toEqual([
      [429, 1000],
      [200, undefined],
    ]);
  });

  it('429 with Retry-After as an HTTP date', async () => {
    const now = Date.parse('2026-11-20T10:00:00Z');
    const s = await serve([{ status: 429, headers: { 'retry-after': 'Fri, 20 Nov 2026 10:00:03 GMT' } }, chatCompletion('ok')]);
    const { client, waits } = clientOn(s, { now: () => now });
    await client.chat(ask);
    expect(waits).toEqual([3000]);
  });

  it('429 on every attempt: OTC_ERR_LLM_RATE_LIMITED after maxRetries, with each attempt recorded', async () => {
    const s = await serve([{ status: 429 }, { status: 429 }, { status: 429 }, chatCompletion('never')]);
    const { client, waits } = clientOn(s, { maxRetries: 2, backoff: { baseMs: 100, maxMs: 1000 } });
    const e = await failure(client.chat(ask));
    expect(e.code).toBe('OTC_ERR_LLM_RATE_LIMITED');
    expect(e.attempts.map((a) => a.status)).toEqual([429, 429, 429]);
    // exponential backoff with jitter (random fixed at 0.5): 100 -> 75, 200 -> 150
    expect(waits).toEqual([75, 150]);
    expect(s.requests).toHaveLength(3);
  });

  it('a Retry-After longer than we wait for fails at once', async () => {
    const s = await serve([{ status: 429, headers: { 'retry-after': '3600' } }, chatCompletion('never')]);
    const { client, waits } = clientOn(s, { maxRetryAfterMs: 10_000 });
    const e = await failure(client.chat(ask));
    expect(e.code).toBe('OTC_ERR_LLM_RATE_LIMITED');
    expect(waits).toEqual([]);
    expect(s.requests).toHaveLength(1);
  });

  it('500 then success: retried with backoff', async () => {
    const s = await serve([{ status: 500, body: { error: { message: 'upstream exploded' } } }, chatCompletion('ok')]);
    const { client, waits } = clientOn(s);
    const r = await client.chat(ask);
    expect(r.text).toBe('ok');
    expect(r.attempts.map((a) => a.status)).toEqual([500, 200]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
  });

  it('5xx on every attempt: OTC_ERR_LLM_UNREACHABLE', async () => {
    const s = await serve([{ status: 503 }, { status: 502 }]);
    const { client } = clientOn(s, { maxRetries: 1 });
    const e = await failure(client.chat(ask));
    expect(e.code).toBe('OTC_ERR_LLM_UNREACHABLE');
    expect(e.message).toContain('HTTP 502 after 2 attempts');
  });

  it('401 is not retried, and the key the server echoes is redacted', async () => {
    const s = await serve([{ status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}` } } }, chatCompletion('never')]);
    const { client, waits } = clientOn(s);
    const e = await failure(client.chat(ask));
    expect(e.code).toBe('OTC_ERR_LLM_AUTH');
    expect(e.message).toContain('HTTP 401');
    expect(e.message).toContain('[redacted]');
    expect(s.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    expectNoKey(e);
  });

  it('403 is an auth error too', async () => {
    const s = await serve([{ status: 403 }]);
    const e = await failure(clientOn(s).client.chat(ask));
    expect(e.code).toBe('OTC_ERR_LLM_AUTH');
  });

  it('another 4xx is rejected without retry', async () => {
    const s = await serve([{ status: 404, body: { error: { message: 'The model `gpt-nope` does not exist' } } }, chatCompletion('never')]);
    const e = await failure(clientOn(s).client.chat(ask));
    expect(e.code).toBe('OTC_ERR_LLM_REJECTED');
    expect(e.message).toContain('does not exist');
    expect(s.requests).toHaveLength(1);
  });

  it('a server that never answers within timeoutMs: OTC_ERR_LLM_TIMEOUT, not retried', async () => {
    const s = await serve([{ hang: true }, chatCompletion('too late')]);
    const { client } = clientOn(s, { timeoutMs: 300 });
    const e = await failure(client.chat(ask));
    expect(e.code).toBe('OTC_ERR_LLM_TIMEOUT');
    expect(e.attempts.map((a) => a.status)).toEqual(['timeout']);
    expect(s.requests).toHaveLength(1);
    expectNoKey(e);
  });

  it('malformed JSON and missing choices: OTC_ERR_LLM_BAD_RESPONSE', async () => {
    const s = await serve([{ status: 200, raw: '{"choices": [ {"message": ' }, { status: 200, body: { object: 'chat.completion', usage: {} } }, { status: 200, body: { choices: [{ message: { content: null } }] } }]);
    const { client } = clientOn(s);
    expect((await failure(client.chat(ask))).code).toBe('OTC_ERR_LLM_BAD_RESPONSE');
    expect((await failure(client.chat(ask))).code).toBe('OTC_ERR_LLM_BAD_RESPONSE');
    expect((await failure(client.chat(ask))).code).toBe('OTC_ERR_LLM_BAD_RESPONSE');
  });

  it('a dropped connection is retried; a closed port is OTC_ERR_LLM_UNREACHABLE after retries', async () => {
    const s = await serve([{ destroy: true }, chatCompletion('ok')]);
    const { client } = clientOn(s);
    const r = await client.chat(ask);
    expect(r.attempts.map((a) => a.status)).toEqual(['network', 200]);

    const dead = await startScriptedServer([]);
    const deadUrl = `${dead.origin}/v1`;
    await dead.close();
    const { client: c2, waits } = clientOn(s, { baseUrl: deadUrl, maxRetries: 2 });
    const e = await failure(c2.chat(ask));
    expect(e.code).toBe('OTC_ERR_LLM_UNREACHABLE');
    expect(e.attempts.map((a) => a.status)).toEqual(['network', 'network', 'network']);
    expect(waits).toHaveLength(2);
    expectNoKey(e);
  });
});

describe('presets', () => {
  it('Azure: deployment URL with api-version, api-key header instead of Bearer, no model in the body', async () => {
    const s = await serve([chatCompletion('{"sql":"SELECT 1"}')]);
    const client = createLlmClient({ provider: 'azure', baseUrl: `${s.origin}/`, apiKey: KEY, model: 'sql-gpt4o', apiVersion: '2024-06-01' });
    await client.chat({ ...ask, json: true });
    const req = s.requests[0];
    expect(req.url).toBe('/openai/deployments/sql-gpt4o/chat/completions?api-version=2024-06-01');
    expect(req.headers['api-key']).toBe(KEY);
    expect(req.headers.authorization).toBeUndefined();
    expect(req.json.model).toBeUndefined();
    expect(req.json.response_format).toEqual({ type: 'json_object' });
  });

  it('Azure from a resource name, default api-version', () => {
    const ep = resolveEndpoint({ provider: 'azure', azureResource: 'bank-ops', apiKey: KEY, model: 'dep1' });
    expect(ep.chatUrl).toBe(`https://bank-ops.openai.azure.com/openai/deployments/dep1/chat/completions?api-version=${AZURE_DEFAULT_API_VERSION}`);
    expect(resolveEndpoint({ provider: 'azure', baseUrl: 'https://x.openai.azure.com/openai/', apiKey: KEY, model: 'd' }).chatUrl).toBe(
      `https://x.openai.azure.com/openai/deployments/d/chat/completions?api-version=${AZURE_DEFAULT_API_VERSION}`,
    );
  });

  it('Groq: requests go to https://api.groq.com/openai/v1/chat/completions with a Bearer key', async () => {
    const s = await serve([chatCompletion('ok')]);
    const seen: string[] = [];
    // Redirect the real Groq URL to the scripted server (no internet here) and record what was asked for.
    const client = createLlmClient({
      provider: 'groq',
      apiKey: KEY,
      model: 'llama-3.3-70b-versatile',
      fetch: (input, init) => {
        const url = String(input);
        seen.push(url);
        return fetch(url.replace('https://api.groq.com', s.origin), init);
      },
    });
    await client.chat(ask);
    expect(seen).toEqual(['https://api.groq.com/openai/v1/chat/completions']);
    expect(s.requests[0].url).toBe('/openai/v1/chat/completions');
    expect(s.requests[0].headers.authorization).toBe(`Bearer ${KEY}`);
    expect(s.requests[0].json.model).toBe('llama-3.3-70b-versatile');
    expect(client.host).toBe('api.groq.com');
  });

  it('Ollama needs no key and defaults to 127.0.0.1:11434; vLLM needs a base URL', () => {
    const ep = resolveEndpoint({ provider: 'ollama', model: 'qwen2.5-coder' });
    expect(ep.chatUrl).toBe('http://127.0.0.1:11434/v1/chat/completions');
    expect(ep.headers.authorization).toBeUndefined();
    expect(() => resolveEndpoint({ provider: 'vllm', model: 'm' })).toThrow(/OTC_LLM_BASE_URL is required/);
  });

  it('incomplete settings are OTC_ERR_LLM_CONFIG naming the variable', () => {
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return `${(e as LlmError).code} ${(e as Error).message}`;
      }
      return 'no error';
    };
    expect(codeOf(() => resolveEndpoint({ provider: 'azure', baseUrl: 'https://x.openai.azure.com', model: 'd' }))).toMatch(/^OTC_ERR_LLM_CONFIG OTC_LLM_API_KEY/);
    expect(codeOf(() => resolveEndpoint({ provider: 'openai', apiKey: KEY }))).toMatch(/^OTC_ERR_LLM_CONFIG OTC_LLM_MODEL/);
    expect(codeOf(() => resolveEndpoint({ provider: 'gateway', baseUrl: `https://u:${KEY}@gw.bank/v1`, model: 'm' }))).toMatch(/must not contain credentials/);
    expect(codeOf(() => resolveEndpoint({ provider: 'gateway', baseUrl: `https://u:${KEY}@gw.bank/v1`, model: 'm' }))).not.toContain(KEY);
  });
});

describe('llmClientFromConfig', () => {
  it('undefined when no provider is configured', () => {
    expect(llmClientFromConfig(loadConfig({ env: {} }))).toBeUndefined();
  });

  it('model settings without a provider are a config error, not silently ignored', () => {
    expect(() => llmClientFromConfig(loadConfig({ env: { OTC_LLM_MODEL: 'x', OTC_LLM_API_KEY: KEY } }))).toThrow(/OTC_LLM_MODEL, OTC_LLM_API_KEY set but OTC_LLM_PROVIDER is not/);
  });

  it('reads the OTC_LLM_* settings: gateway with extra headers, retries and timeout', async () => {
    const s = await serve([{ status: 503 }, chatCompletion('ok')]);
    const cfg = loadConfig({
      env: {
        OTC_LLM_PROVIDER: 'gateway',
        OTC_LLM_BASE_URL: `${s.origin}/v1`,
        OTC_LLM_MODEL: 'bank-model',
        OTC_LLM_API_KEY: KEY,
        OTC_LLM_MAX_RETRIES: '1',
        OTC_LLM_TIMEOUT_MS: '5000',
        OTC_LLM_EXTRA_HEADERS: '{"X-Cost-Centre":"4711"}',
      },
    });
    const client = llmClientFromConfig(cfg, { sleep: async () => {} });
    expect(client?.provider).toBe('gateway');
    const r = await client!.chat(ask);
    expect(r.attempts.map((a) => a.status)).toEqual([503, 200]);
    expect(s.requests[1].headers['x-cost-centre']).toBe('4711');
    expect(s.requests[1].headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('reads the Azure settings: deployment, api-version, api-key header', async () => {
    const s = await serve([chatCompletion('ok')]);
    const cfg = loadConfig({
      env: { OTC_LLM_PROVIDER: 'azure', OTC_LLM_BASE_URL: s.origin, OTC_LLM_MODEL: 'ops-gpt4o', OTC_LLM_API_VERSION: '2025-01-01-preview', OTC_LLM_API_KEY: KEY },
    });
    await llmClientFromConfig(cfg)!.chat(ask);
    expect(s.requests[0].url).toBe('/openai/deployments/ops-gpt4o/chat/completions?api-version=2025-01-01-preview');
    expect(s.requests[0].headers['api-key']).toBe(KEY);
  });

  it('an incomplete provider setup is OTC_ERR_LLM_CONFIG, without the key in the message', () => {
    const cfg = loadConfig({ env: { OTC_LLM_PROVIDER: 'groq', OTC_LLM_API_KEY: KEY } });
    try {
      llmClientFromConfig(cfg);
      expect.unreachable();
    } catch (e) {
      expect((e as LlmError).code).toBe('OTC_ERR_LLM_CONFIG');
      expect((e as Error).message).toContain('OTC_LLM_MODEL is required');
      expectNoKey(e as LlmError);
    }
  });

  it('bad OTC_LLM_EXTRA_HEADERS is a config error', () => {
    const cfg = loadConfig({ env: { OTC_LLM_PROVIDER: 'ollama', OTC_LLM_MODEL: 'm', OTC_LLM_EXTRA_HEADERS: '[1]' } });
    expect(() => llmClientFromConfig(cfg)).toThrow(/must be a JSON object/);
  });
});

describe('embeddings', () => {
  it('returns one vector per input in input order', async () => {
    const s = await serve([{ status: 200, body: { data: [{ index: 1, embedding: [0, 1] }, { index: 0, embedding: [1, 0] }], usage: { prompt_tokens: 4 } } }]);
    const { client } = clientOn(s, { embeddingModel: 'text-embedding-3-small' });
    const r = await client.embed(['fails', 'trades']);
    expect(r.vectors).toEqual([[1, 0], [0, 1]]);
    expect(s.requests[0].url).toBe('/v1/embeddings');
    expect(s.requests[0].json).toEqual({ model: 'text-embedding-3-small', input: ['fails', 'trades'] });
    expect(r.usage.promptTokens).toBe(4);
  });

  it('without an embedding model: OTC_ERR_LLM_CONFIG', async () => {
    const s = await serve([]);
    const e = await failure(clientOn(s).client.embed(['x']));
    expect(e.code).toBe('OTC_ERR_LLM_CONFIG');
  });
});

describe('retry timing', () => {
  it('parses Retry-After seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-20T10:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Fri, 20 Nov 2026 10:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Fri, 20 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off exponentially, capped, with jitter in [half, full]', () => {
    const p = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, p, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, p, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
});
