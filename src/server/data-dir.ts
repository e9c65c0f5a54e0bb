import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The SQLite files the product keeps in OTC_DATA_DIR (and their WAL companions). */
const DATA_FILES = ['app.db', 'audit.db', 'demo-ops.db'];

/**
 * The data folder holds the bank's data (the store, the audit log, the demo database): it is
 * created readable by its owner only (0700). An existing folder is left as it is: its owner
 * chose its rights.
 */
export function prepareDataDir(dataDir: string): void {
  if (existsSync(dataDir)) return;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700); // whatever the umask
}

/**
 * The product's own files in the data folder are made owner-only (0600); SQLite creates a
 * database's -wal and -shm files with the database file's rights, so they follow.
 */
export function restrictDataFiles(dataDir: string): void {
  if (process.platform === 'win32') return;
  for (const name of DATA_FILES) {
    for (const suffix of ['', '-wal', '-shm']) {
      const p = join(dataDir, name + suffix);
      if (existsSync(p)) chmodSync(p, 0o600);
    }
  }
}
