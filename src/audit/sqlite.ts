import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { OtcError } from '../shared/errors.js';
import { someTableNames, sqliteTableNames } from '../shared/sqlite-file.js';
import { GENESIS_HASH } from './chain.js';
import { AuditErrorCode } from './errors.js';
import { HEAD_KEY, parseHead, recordsTableSql, ROW_COLUMNS, SCHEMA_VERSION, whereOf, type AuditBackend, type AuditRow, type RowFilter, type Snapshot } from './backend.js';
import type { AuditKeys } from './signing.js';
import { startSqliteWriter, type SqliteWriter, type WriterLines } from './sqlite-writer.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
${recordsTableSql('INTEGER')}
CREATE TRIGGER IF NOT EXISTS audit_records_no_update BEFORE UPDATE ON audit_records
BEGIN SELECT RAISE(ABORT, 'audit records are append-only: UPDATE refused'); END;
DROP TRIGGER IF EXISTS audit_records_no_delete;
CREATE TRIGGER audit_records_no_delete BEFORE DELETE ON audit_records
WHEN OLD.seq > COALESCE((SELECT json_extract(value, '$.seq') FROM audit_meta WHERE key = 'pruned_through'), 0)
BEGIN SELECT RAISE(ABORT, 'audit records are append-only: DELETE refused'); END;
DROP TRIGGER IF EXISTS audit_meta_head_forward;
CREATE TRIGGER audit_meta_head_forward BEFORE UPDATE ON audit_meta
WHEN OLD.key = 'head' AND (
  NEW.key IS NOT 'head'
  OR json_type(NEW.value, '$.seq') IS NOT 'integer'
  OR json_extract(NEW.value, '$.seq') <= json_extract(OLD.value, '$.seq')
  OR NOT EXISTS (SELECT 1 FROM audit_records r WHERE r.seq = json_extract(NEW.value, '$.seq')
                 AND r.id = json_extract(NEW.value, '$.id') AND r.hash = json_extract(NEW.value, '$.hash'))
  OR (SELECT count(*) FROM audit_records r WHERE r.seq > json_extract(OLD.value, '$.seq') AND r.seq <= json_extract(NEW.value, '$.seq'))
     IS NOT json_extract(NEW.value, '$.seq') - json_extract(OLD.value, '$.seq'))
BEGIN SELECT RAISE(ABORT, 'the audit head anchor only moves forward, over every record appended after it, to one that exists with that id and hash'); END;
CREATE TRIGGER IF NOT EXISTS audit_meta_head_no_delete BEFORE DELETE ON audit_meta WHEN OLD.key = 'head'
BEGIN SELECT RAISE(ABORT, 'the audit head anchor cannot be deleted'); END;
CREATE TRIGGER IF NOT EXISTS audit_meta_pruned_forward BEFORE UPDATE ON audit_meta
WHEN OLD.key = 'pruned_through' AND (NEW.key IS NOT 'pruned_through' OR json_extract(NEW.value, '$.seq') <= json_extract(OLD.value, '$.seq'))
BEGIN SELECT RAISE(ABORT, 'the audit pruned-through marker only moves forward'); END;
CREATE TRIGGER IF NOT EXISTS audit_meta_pruned_no_delete BEFORE DELETE ON audit_meta WHEN OLD.key = 'pruned_through'
BEGIN SELECT RAISE(ABORT, 'the audit pruned-through marker cannot be deleted'); END;
`;

const SELECT_COLS = ROW_COLUMNS.join(', ');

/**
 * An existing file is opened as the audit log only when it is one, or (when creating) an empty
 * SQLite file: never a text file, and never another database (the app store, the bank's data),
 * into which audit tables would otherwise be written. Probed read-only: nothing is changed.
 */
function checkIsAuditFile(path: string, create: boolean): void {
  if (statSync(path).isDirectory()) {
    throw new OtcError(AuditErrorCode.NotFound, `there is no audit log at ${resolve(path)}: it is a folder, not a file`, { status: 404, hint: 'check --audit / OTC_AUDIT_URL / OTC_DATA_DIR' });
  }
  let tables: string[];
  try {
    tables = sqliteTableNames(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || code === 'EISDIR' || /not a database|directory/i.test((e as Error).message)) {
      throw new OtcError(AuditErrorCode.NotFound, `there is no audit log at ${resolve(path)}: the file is not a SQLite database`, {
        status: 404,
        hint: 'check --audit / OTC_AUDIT_URL / OTC_DATA_DIR',
      });
    }
    return; // locked, or opening failed for another reason: reported by the open below
  }
  if (tables.includes('audit_records')) return;
  if (!create) {
    throw new OtcError(AuditErrorCode.NotFound, `there is no audit log at ${resolve(path)}: the file holds no audit records table`, {
      status: 404,
      hint: 'check --audit / OTC_AUDIT_URL / OTC_DATA_DIR',
    });
  }
  if (tables.length) {
    throw new OtcError(
      AuditErrorCode.BadUrl,
      `${resolve(path)} is another database (it holds ${someTableNames(tables)}), not an audit log; nothing was written to it`,
      { status: 500, hint: 'the audit log is a SQLite file of its own: point --audit / OTC_AUDIT_URL at a new or existing audit file' },
    );
  }
}

/** `lines`: the checkpoint file, whose lines the writer thread then writes (with a signing key only). */
export async function openSqliteBackend(path: string, create: boolean, keys: AuditKeys | undefined, lines?: WriterLines): Promise<AuditBackend> {
  if (path === ':memory:') {
    throw new OtcError(AuditErrorCode.BadUrl, 'the audit log must be a file, not an in-memory database', { status: 500 });
  }
  if (!create && !existsSync(path)) {
    throw new OtcError(AuditErrorCode.NotFound, `there is no audit log at ${resolve(path)}`, {
      status: 404,
      hint: 'check --audit / OTC_AUDIT_URL / OTC_DATA_DIR',
    });
  }
  if (existsSync(path)) checkIsAuditFile(path, create);
  let db: Database.Database;
  try {
    mkdirSync(dirname(resolve(path)), { recursive: true });
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 10000');
    db.pragma('synchronous = FULL'); // an acknowledged audit record survives a power cut
    db.transaction(() => db.exec(SCHEMA)).immediate();
    db.prepare(`INSERT OR IGNORE INTO audit_meta (key, value) VALUES (?, ?)`).run(HEAD_KEY, JSON.stringify({ seq: 0, id: '', hash: GENESIS_HASH }));
    db.prepare(`INSERT OR IGNORE INTO audit_meta (key, value) VALUES ('schema_version', ?)`).run(SCHEMA_VERSION);
  } catch (e) {
    throw new OtcError(AuditErrorCode.Unreachable, `cannot open the audit log ${path}: ${(e as Error).message}`, {
      status: 503,
      hint: 'check that the folder exists and is writable',
      cause: e,
    });
  }

  const getHead = db.prepare<[string], { value: string }>(`SELECT value FROM audit_meta WHERE key = ?`);
  let closed = false;
  // Appends and prunes go through the writer thread; this connection only reads.
  let writer: SqliteWriter;
  try {
    writer = await startSqliteWriter(path, keys, create, lines);
  } catch (e) {
    db.close();
    throw new OtcError(AuditErrorCode.Unreachable, `cannot open the audit log ${path} for writing: ${(e as Error).message}`, { status: 503, cause: e });
  }
  const getMeta = (key: string) => getHead.get(key)?.value;
  const seqFromTs = db.prepare<[string], { seq: number }>(`SELECT seq FROM audit_records WHERE ts >= ? ORDER BY ts LIMIT 1`);
  const seqBeforeTs = db.prepare<[string], { seq: number }>(`SELECT seq FROM audit_records WHERE ts < ? ORDER BY ts DESC LIMIT 1`);
  const seqEnds = db.prepare<[], { lo: number | null; hi: number | null }>(`SELECT (SELECT MIN(seq) FROM audit_records) AS lo, (SELECT MAX(seq) FROM audit_records) AS hi`);
  /**
   * A date range with an equality filter (user, kind, datasource, outcome): when the range holds
   * many records (estimated from the seq at its two ends in the ts index; a planning hint only,
   * results do not depend on it), walking the (filter, seq) index newest first beats reading the
   * whole range through (filter, ts) and sorting it.
   */
  const wideRangeWithKey = (f: RowFilter): boolean => {
    if (f.fromTs === undefined && f.toTs === undefined) return false;
    if (f.kind === undefined && f.actor === undefined && f.engine === undefined && f.outcome === undefined) return false;
    const ends = seqEnds.get();
    const lo = f.fromTs !== undefined ? seqFromTs.get(f.fromTs)?.seq : (ends?.lo ?? undefined);
    const hi = f.toTs !== undefined ? seqBeforeTs.get(f.toTs)?.seq : (ends?.hi ?? undefined);
    return lo !== undefined && hi !== undefined && hi - lo > 20_000;
  };

  return {
    kind: 'sqlite',
    async appendUnits(units, early) {
      if (closed) throw new OtcError(AuditErrorCode.Closed, 'the audit log is closed', { status: 500 });
      return writer.appendUnits(units, early);
    },
    async prune(p) {
      if (closed) throw new OtcError(AuditErrorCode.Closed, 'the audit log is closed', { status: 500 });
      return writer.prune(p);
    },
    async meta(key) {
      return getMeta(key);
    },
    async snapshot(fn) {
      // A separate read-only connection inside one read transaction: a stable WAL snapshot while
      // appends go on through the main connection.
      const ro = new Database(path, { readonly: true, fileMustExist: true });
      try {
        ro.pragma('busy_timeout = 10000');
        ro.exec('BEGIN');
        const s: Snapshot = {
          async head() {
            return parseHead(ro.prepare<[string], { value: string }>(`SELECT value FROM audit_meta WHERE key = ?`).get(HEAD_KEY)?.value);
          },
          async after(afterSeq, limit) {
            return ro.prepare(`SELECT ${SELECT_COLS} FROM audit_records WHERE seq > ? ORDER BY seq LIMIT ?`).all(afterSeq, limit) as AuditRow[];
          },
          async lastBefore(seq) {
            return ro.prepare(`SELECT ${SELECT_COLS} FROM audit_records WHERE seq < ? ORDER BY seq DESC LIMIT 1`).get(seq) as AuditRow | undefined;
          },
          async at(seq) {
            return ro.prepare(`SELECT ${SELECT_COLS} FROM audit_records WHERE seq = ?`).get(seq) as AuditRow | undefined;
          },
          async meta(key) {
            return ro.prepare<[string], { value: string }>(`SELECT value FROM audit_meta WHERE key = ?`).get(key)?.value;
          },
        };
        const out = await fn(s);
        ro.exec('COMMIT');
        return out;
      } finally {
        ro.close();
      }
    },
    async select(f, order, limit, offset) {
      const w = whereOf(f, () => '?', 'LIKE', wideRangeWithKey(f));
      return db
        .prepare(`SELECT ${SELECT_COLS} FROM audit_records${w.sql} ORDER BY seq ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT ? OFFSET ?`)
        .all(...w.params, limit, offset) as AuditRow[];
    },
    async close() {
      if (closed) return;
      closed = true;
      await writer.close();
      db.close();
    },
  };
}
