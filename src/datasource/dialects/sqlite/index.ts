import type { DialectEntry } from '../../registry.js';
import { sqliteDialect } from './dialect.js';
import { SqliteDatasource } from './driver/datasource.js';
import { looksLikeSqlitePath, parseSqliteUrl } from './url.js';

export const sqliteEntry: DialectEntry = {
  dialect: sqliteDialect,
  schemes: ['sqlite'],
  claimsPlainText: looksLikeSqlitePath,
  validate: (url) => void parseSqliteUrl(url),
  open: (url, opts) => SqliteDatasource.open(parseSqliteUrl(url), opts),
};
