import { LlmConfigError } from './errors.js';

export type LlmProvider = 'openai' | 'groq' | 'azure' | 'vllm' | 'ollama' | 'gateway';

export const LLM_PROVIDERS: readonly LlmProvider[] = ['openai', 'groq', 'azure', 'vllm', 'ollama', 'gateway'];

/** What a preset needs to build one endpoint. */
export interface EndpointSettings {
  provider: LlmProvider;
  baseUrl?: string;
  apiKey?: string;
  model?: string;
  /** Azure OpenAI: api-version query parameter. */
  apiVersion?: string;
  /** Azure OpenAI: resource name, used when baseUrl is not given (https://{resource}.openai.azure.com). */
  azureResource?: string;
  /** Extra headers sent on every request (in-house gateways: tenant, cost centre…). */
  extraHeaders?: Record<string, string>;
  /** Overrides the preset's choice of sending response_format {type:'json_object'}. */
  jsonMode?: boolean;
}

/** A resolved endpoint: where to POST and with which headers. */
export interface ResolvedEndpoint {
  provider: LlmProvider;
  /** Full URL of chat completions, query string included. */
  chatUrl: string;
  /** Full URL of embeddings for a model/deployment. */
  embeddingsUrl(model: string): string;
  headers: Record<string, string>;
  /** The model name put in the request body; undefined for Azure (the deployment is in the URL). */
  bodyModel?: string;
  /** Model name for display and audit (Azure: the deployment). */
  model: string;
  supportsJsonMode: boolean;
  /** The host the calls go to, for audit (no credentials, no query string). */
  host: string;
}

interface Preset {
  defaultBaseUrl?: string;
  keyRequired: boolean;
  supportsJsonMode: boolean;
  resolve(s: EndpointSettings & { baseUrl: string; model: string }): Omit<ResolvedEndpoint, 'provider' | 'model' | 'supportsJsonMode' | 'host'>;
}

/** Default Azure OpenAI api-version when OTC_LLM_API_VERSION is not set (a GA version). */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function bearer(apiKey: string | undefined): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}

function openAiStyle(s: EndpointSettings & { baseUrl: string; model: string }) {
  const base = trimSlash(s.baseUrl);
  return {
    chatUrl: `${base}/chat/completions`,
    embeddingsUrl: () => `${base}/embeddings`,
    headers: bearer(s.apiKey),
    bodyModel: s.model,
  };
}

const presets: Record<LlmProvider, Preset> = {
  openai: { defaultBaseUrl: 'https://api.openai.com/v1', keyRequired: true, supportsJsonMode: true, resolve: openAiStyle },
  groq: { defaultBaseUrl: 'https://api.groq.com/openai/v1', keyRequired: true, supportsJsonMode: true, resolve: openAiStyle },
  vllm: { keyRequired: false, supportsJsonMode: true, resolve: openAiStyle },
  ollama: { defaultBaseUrl: 'http://127.0.0.1:11434/v1', keyRequired: false, supportsJsonMode: true, resolve: openAiStyle },
  gateway: { keyRequired: false, supportsJsonMode: false, resolve: openAiStyle },
  azure: {
    keyRequired: true,
    supportsJsonMode: true,
    resolve(s) {
      // Accept https://{resource}.openai.azure.com, with or without a trailing /openai.
      const base = trimSlash(s.baseUrl).replace(/\/openai$/, '');
      const version = encodeURIComponent(s.apiVersion ?? AZURE_DEFAULT_API_VERSION);
      const deployment = (name: string) => `${base}/openai/deployments/${encodeURIComponent(name)}`;
      return {
        chatUrl: `${deployment(s.model)}/chat/completions?api-version=${version}`,
        embeddingsUrl: (model: string) => `${deployment(model)}/embeddings?api-version=${version}`,
        headers: (s.apiKey ? { 'api-key': s.apiKey } : {}) as Record<string, string>,
        bodyModel: undefined,
      };
    },
  },
};

/** Builds the endpoint of a preset, or throws LlmConfigError saying which setting is missing. */
export function resolveEndpoint(s: EndpointSettings): ResolvedEndpoint {
  const preset = presets[s.provider];
  if (!preset) throw new LlmConfigError(`OTC_LLM_PROVIDER: unknown provider "${String(s.provider)}"`, `one of ${LLM_PROVIDERS.join(', ')}`);
  let baseUrl = s.baseUrl ?? preset.defaultBaseUrl;
  if (!baseUrl && s.provider === 'azure' && s.azureResource) baseUrl = `https://${s.azureResource}.openai.azure.com`;
  if (!baseUrl) {
    const example = s.provider === 'azure' ? 'https://{resource}.openai.azure.com' : s.provider === 'vllm' ? 'http://vllm.bank.internal:8000/v1' : 'https://llm-gateway.bank.internal/v1';
    throw new LlmConfigError(`OTC_LLM_BASE_URL is required for provider "${s.provider}"`, `e.g. ${example}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new LlmConfigError(`OTC_LLM_BASE_URL: "${baseUrl}" is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new LlmConfigError(`OTC_LLM_BASE_URL must be http(s), not ${parsed.protocol}`);
  if (parsed.username || parsed.password) throw new LlmConfigError('OTC_LLM_BASE_URL must not contain credentials', 'put the key in OTC_LLM_API_KEY');
  if (!s.model) throw new LlmConfigError(`OTC_LLM_MODEL is required for provider "${s.provider}"`, s.provider === 'azure' ? 'Azure: the deployment name' : 'the model name the endpoint serves');
  if (preset.keyRequired && !s.apiKey) throw new LlmConfigError(`OTC_LLM_API_KEY is required for provider "${s.provider}"`);
  for (const name of Object.keys(s.extraHeaders ?? {})) {
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) throw new LlmConfigError(`OTC_LLM_EXTRA_HEADERS: "${name}" is not a valid header name`);
  }
  const r = preset.resolve({ ...s, baseUrl, model: s.model });
  return {
    provider: s.provider,
    chatUrl: r.chatUrl,
    embeddingsUrl: r.embeddingsUrl,
    headers: { ...lowerKeys(s.extraHeaders ?? {}), ...r.headers },
    bodyModel: r.bodyModel,
    model: s.model,
    supportsJsonMode: s.jsonMode ?? preset.supportsJsonMode,
    host: parsed.host,
  };
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
