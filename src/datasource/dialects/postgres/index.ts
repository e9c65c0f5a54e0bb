import type { DialectEntry } from '../../registry.js';
import { postgresDialect } from './dialect.js';
import { PostgresDatasource } from './driver/datasource.js';
import { parsePostgresUrl } from './url.js';

export const postgresEntry: DialectEntry = {
  dialect: postgresDialect,
  schemes: ['postgres', 'postgresql'],
  validate: (url) => void parsePostgresUrl(url),
  open: (url, opts) => PostgresDatasource.open(parsePostgresUrl(url), opts, url),
};
