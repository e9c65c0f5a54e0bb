/** Training: profiles, the schema snapshot, validation against the database, the value index. */
export { loadProfile, crossCheck } from './load-profile.js';
export { trainModel, checkProfileAgainstSchema, deriveJoins, type TrainOptions } from './train.js';
export { saveModel, loadModel } from './model-file.js';
export { tokenize, normWord, normPhrase, editDistance, typoAllowance, type Token } from './text.js';
export type { TrainedModel, JoinEdge, ValueColumn, ValueEntry } from './types.js';
export type { Profile, EntityDef, DimensionDef, MeasureDef, FilterDef, ConditionDef, ExprDef, VocabularyDef, ExampleDef } from './profile-schema.js';
export { exampleSql, profileSchema } from './profile-schema.js';
export * from './lifecycle/index.js';
