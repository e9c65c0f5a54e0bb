/**
 * NL->SQL: the query pipeline (understand -> compile -> guard -> cap -> execute -> audit) and its engines.
 * The semantic engine is deterministic and offline; a fallback engine (LLM) plugs in through
 * CopilotOptions.fallback and is tried only when the semantic engine abstains.
 */
export { createCopilot, type Copilot, type CopilotOptions } from './copilot.js';
export {
  createPipeline,
  understoodQuerySchema,
  type PipelineOptions,
  type QueryPipeline,
  type SavedQuestion,
  type RerunOptions,
  type RerunInfo,
  type RerunAnswer,
  type RerunStreamOptions,
  type StreamedAnswer,
} from './pipeline/index.js';
export { createSemanticEngine, joinPaths, ABSTAIN_MESSAGE, type SemanticEngine, type TypedQuery, type Understood, type Condition, type LabelledCondition, type ColumnRef, type JoinStep } from './semantic/index.js';
export {
  semanticQuerySchema,
  semanticQueryJsonSchema,
  SemanticQueryError,
  type SemanticQuery,
  type SemanticQueryInput,
} from './semantic/index.js';
export type { NlEngine, EngineContext, EngineResult, FallbackEngine, FallbackRequest, FallbackResult, GuardFn, ExecuteFn } from './engine.js';
export type { AskAnswer, AskRequest, AnswerStatus, EngineName, PreviousTurn, ChoicePick, ChoiceOption, TieNote } from './types.js';
export { runEvaluation, readQuestions, percentile, type EvalQuestion, type EvalPrediction, type EvalSummary } from './evaluate.js';
export { describeColumns } from './columns.js';
