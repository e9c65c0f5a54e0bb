/**
 * The training lifecycle: versions in the app store (draft -> validated -> active, immutable
 * content, rollback), validation reports, diffs, schema drift, profile folders and bundles,
 * feedback promoted into examples, and the mandatory gate that every question passes.
 */
export type { AuditSink, TrainingContext, ChangeBy, TrainingAction, TrainingVersion, TrainingVersionSummary, TrainingEvent } from './types.js';
export { TrainingErrorCode, notTrained } from './errors.js';
export { contentHashOf, valuesHashOf, snapshotStructure } from './content.js';
export { chunkDocument, parseCsv, type DocumentChunk } from './chunks.js';
export {
  BUNDLE_FORMAT,
  readProfileFolder,
  writeProfileFolder,
  parseProfile,
  parseBundle,
  readBundleFile,
  writeBundleFile,
  toBundle,
  type TrainingBundle,
  type FolderRead,
} from './archive.js';
export { writeProfileTarball, readProfileTarball, readProfileSource, untar } from './tarball.js';
export {
  listVersions,
  getVersion,
  getActiveVersion,
  getActiveVersionId,
  loadVersionModel,
  createVersion,
  activateVersion,
  rollbackTo,
  listEvents,
  listChunks,
  type CreatedVersion,
} from './versions.js';
export {
  validateModel,
  formatValidation,
  sameResult,
  coverage,
  ambiguousWords,
  checkColumns,
  type ValidationReport,
  type ValidationIssue,
  type ExampleCheck,
  type CoverageReport,
  type ValidateOptions,
} from './validate.js';
export { diffModels, formatDiff, type VersionDiff, type SectionDiff, type WordChange } from './diff.js';
export { diffSnapshots, formatDrift, type SchemaDrift } from './drift.js';
export { importProfile, validateVersion, driftReport, reingest, refreshValues, diffVersions, trainForVersion, type ImportResult, type RetrainResult } from './operations.js';
export { requireActiveTraining, bootstrapTraining, type ActiveTraining, type BootstrapOptions, type BootstrapResult } from './gate.js';
export { recordFeedback, listCandidates, promoteCandidates, type FeedbackInput, type FeedbackCandidate } from './feedback.js';
export { deleteDraft, dismissCandidate } from './discard.js';
export { editContent, contentEditSchema, type ContentEdit } from './edit.js';
