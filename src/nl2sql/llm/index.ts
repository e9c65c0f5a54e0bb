/**
 * The LLM engine of nl2sql: a question, today's date, the dialect and the retrieved context
 * slice -> a guarded, executed SQL answer, or an abstention with the reason.
 */
export {
  createLlmEngine,
  type LlmEngine,
  type LlmEngineOptions,
  type LlmGenerateRequest,
  type LlmEngineResult,
  type LlmRound,
  type LlmRoundOutcome,
  type SqlGuardFn,
  type ExecuteFn,
} from './engine.js';
export {
  renderContext,
  estimateTokens,
  type LlmContext,
  type LlmTable,
  type LlmColumn,
  type LlmJoinPath,
  type LlmGlossaryTerm,
  type LlmExample,
  type LlmResolvedValue,
  type RenderOptions,
} from './context.js';
export { buildPrompt, repairMessage, ANSWER_SHAPE, type PromptInput } from './prompt.js';
export { parseModelReply, type ModelReply } from './extract.js';
export { dialectPrompt, type DialectPrompt } from './prompts/index.js';
export { llmEngineFromConfig } from './from-config.js';
export { createLlmFallback, createFallbackFromConfig, crossCheck, type LlmFallback, type LlmFallbackOptions, type FallbackFromConfigOptions, type CrossCheckRequest, type CrossCheckResult } from './fallback.js';
export { limitContextData, PROMPT_DATA_LEVELS, type PromptDataLevel } from './prompt-data.js';
export { classifyDbError, describeDbErrorForModel, type DbErrorForModel } from './db-error.js';
