import path from 'node:path';
import { badUrl } from '../../errors.js';

/**
 * The file path of `sqlite:/abs/path.db`, `sqlite:relative/path.db`, `sqlite:///abs/path.db`
 * or a plain path ending .db/.sqlite/.sqlite3, resolved against the working directory.
 */
export function parseSqliteUrl(url: string): string {
  let p = url.trim();
  if (/^sqlite:/i.test(p)) {
    p = p.slice('sqlite:'.length);
    if (p.startsWith('//')) p = p.slice(2);
  }
  if (p === '' || p === '/') throw badUrl(`the SQLite URL "${url}" names no file`, 'use sqlite:/path/to/file.db');
  if (p === ':memory:' || p.startsWith('file:')) {
    throw badUrl(`"${url}" is not a SQLite database file path`, 'use sqlite:/path/to/file.db');
  }
  return path.resolve(p);
}

export function looksLikeSqlitePath(url: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && /\.(db|sqlite|sqlite3)$/i.test(url.trim());
}
