import type { Config } from '../config/index.js';
import { createLlmClient, type LlmClient, type LlmClientOptions } from './client.js';
import { LlmConfigError } from './errors.js';

type LlmSettings = Pick<
  Config,
  'llmProvider' | 'llmBaseUrl' | 'llmApiKey' | 'llmModel' | 'llmApiVersion' | 'llmTimeoutMs' | 'llmMaxRetries' | 'llmExtraHeaders' | 'llmEmbeddingModel'
>;

/**
 * The client the OTC_LLM_* settings describe, or undefined when no model is configured
 * (OTC_LLM_PROVIDER unset: the semantic engine answers alone). Throws LlmConfigError when
 * the settings are incomplete, or when model settings are given without a provider.
 */
export function llmClientFromConfig(cfg: LlmSettings, overrides: Partial<LlmClientOptions> = {}): LlmClient | undefined {
  if (!cfg.llmProvider) {
    const stray = (
      [
        ['OTC_LLM_BASE_URL', cfg.llmBaseUrl],
        ['OTC_LLM_MODEL', cfg.llmModel],
        ['OTC_LLM_API_KEY', cfg.llmApiKey],
      ] as const
    )
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k);
    if (stray.length > 0) {
      throw new LlmConfigError(`${stray.join(', ')} set but OTC_LLM_PROVIDER is not`, 'set OTC_LLM_PROVIDER to openai, groq, azure, vllm, ollama or gateway, or unset the OTC_LLM_* settings');
    }
    return undefined;
  }
  return createLlmClient({
    provider: cfg.llmProvider,
    baseUrl: cfg.llmBaseUrl,
    apiKey: cfg.llmApiKey,
    model: cfg.llmModel,
    apiVersion: cfg.llmApiVersion,
    timeoutMs: cfg.llmTimeoutMs,
    maxRetries: cfg.llmMaxRetries,
    extraHeaders: parseExtraHeaders(cfg.llmExtraHeaders),
    embeddingModel: cfg.llmEmbeddingModel,
    ...overrides,
  });
}

/** OTC_LLM_EXTRA_HEADERS: a JSON object of header name -> string value. Values never appear in errors. */
export function parseExtraHeaders(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new LlmConfigError('OTC_LLM_EXTRA_HEADERS is not valid JSON', 'e.g. {"X-Tenant":"ops","X-Cost-Centre":"4711"}');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new LlmConfigError('OTC_LLM_EXTRA_HEADERS must be a JSON object of header names to values');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') throw new LlmConfigError(`OTC_LLM_EXTRA_HEADERS: the value of "${k}" must be a string`);
    out[k] = v;
  }
  return out;
}
