/**
 * llm: connectors to language models over OpenAI-compatible HTTP (OpenAI, Groq, Azure OpenAI,
 * vLLM, Ollama, in-house gateways). Global fetch, no vendor SDK. See README.md in this folder.
 */
export { createLlmClient, type LlmClient, type LlmClientOptions, type ChatMessage, type ChatRequest, type ChatResult, type EmbeddingResult, type LlmUsage } from './client.js';
export { llmClientFromConfig, parseExtraHeaders } from './from-config.js';
export { resolveEndpoint, LLM_PROVIDERS, AZURE_DEFAULT_API_VERSION, type LlmProvider, type EndpointSettings, type ResolvedEndpoint } from './presets.js';
export {
  LlmError,
  LlmTimeoutError,
  LlmAuthError,
  LlmRateLimitedError,
  LlmBadResponseError,
  LlmUnreachableError,
  LlmRejectedError,
  LlmConfigError,
  isLlmError,
  redact,
  type LlmAttempt,
  type LlmErrorCode,
} from './errors.js';
export { backoffDelay, parseRetryAfter, type BackoffPolicy } from './retry.js';
export { estimateTokens } from './tokens.js';
