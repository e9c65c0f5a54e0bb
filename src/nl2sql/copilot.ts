/**
 * The copilot service is the query pipeline (src/nl2sql/pipeline): question -> semantic engine
 * (then the fallback engine) -> compile -> SQL guard -> row cap -> datasource -> audit. These
 * names stay for the callers that know the copilot by them.
 */
import { createPipeline, type PipelineOptions, type QueryPipeline } from './pipeline/index.js';

export type CopilotOptions = PipelineOptions;
export type Copilot = QueryPipeline;
export const createCopilot: (opts: CopilotOptions) => Copilot = createPipeline;
