/**
 * The query pipeline (understand -> compile -> guard -> cap -> execute -> audit): one path for
 * ask, eval, export, and next saved questions, report runs and dashboard refreshes.
 */
export { createPipeline, type PipelineOptions, type QueryPipeline, type SavedQuestion, type RerunOptions, type RerunInfo, type RerunAnswer } from './pipeline.js';
export { createUnderstandStage, type Understand } from './understand.js';
export { createCompileStage, type Compile, type Compiled } from './compile.js';
export { createGuardStage, type Guard, type GuardOutcome } from './guard.js';
export { rowCap, type RowCap } from './cap.js';
export { createExecuteStage, createExecuteStreamStage, type Execute, type ExecuteStream } from './execute.js';
export type { RerunStreamOptions, StreamedAnswer } from './rerun-stream.js';
export { createRunTrail, type AuditSink, type RunTrail } from './audit.js';
export { understoodQuerySchema } from './understood-schema.js';
