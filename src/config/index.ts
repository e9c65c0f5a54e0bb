export { loadConfig, storeUrlOf, auditUrlOf, auditFilesOf, datasourceUrlOf, demoDatabasePath, todayOf, type LoadConfigOptions } from './load.js';
export { settings, type Config, type SettingKey } from './schema.js';
export { ConfigError } from './errors.js';
export { describeIssue } from './issue.js';
