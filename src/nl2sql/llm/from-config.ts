import type { Config } from '../../config/index.js';
import { llmClientFromConfig, type LlmClientOptions } from '../../llm/index.js';
import { createLlmEngine, type LlmEngine, type LlmEngineOptions } from './engine.js';

/**
 * The LLM engine the OTC_LLM_* settings describe (client, retries, timeout, audit retention),
 * or undefined when no model is configured. Throws LlmConfigError on incomplete settings.
 */
export function llmEngineFromConfig(
  cfg: Config,
  opts: Omit<LlmEngineOptions, 'client' | 'auditPrompts'> & { clientOverrides?: Partial<LlmClientOptions> } = {},
): LlmEngine | undefined {
  const { clientOverrides, ...engineOpts } = opts;
  const client = llmClientFromConfig(cfg, clientOverrides);
  if (!client) return undefined;
  return createLlmEngine({ ...engineOpts, client, auditPrompts: cfg.llmAuditPrompts, promptData: cfg.llmPromptData });
}
