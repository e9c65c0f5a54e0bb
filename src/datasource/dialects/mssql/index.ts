import type { DialectEntry } from '../../registry.js';
import { mssqlDialect } from './dialect.js';
import { MssqlDatasource } from './driver/datasource.js';
import { parseMssqlUrl } from './url.js';

export const mssqlEntry: DialectEntry = {
  dialect: mssqlDialect,
  schemes: ['mssql', 'sqlserver'],
  validate: (url) => void parseMssqlUrl(url),
  open: (url, opts) => MssqlDatasource.open(parseMssqlUrl(url), opts, url),
};
