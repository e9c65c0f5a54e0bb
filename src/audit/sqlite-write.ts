/**
 * The SQLite audit log's write connection: appends (units built on the head under BEGIN
 * IMMEDIATE, one transaction and one flush to disk per call) and prunes. Synchronous
 * (better-sqlite3), so it runs in the writer thread (sqlite-writer-worker.ts): the commit's
 * fsync never holds up the server's event loop.
 */
import Database from 'better-sqlite3';
import { OtcError } from '../shared/errors.js';
import { buildUnits, signLast, type AppendResult, type AppendUnit } from './append.js';
import { HEAD_KEY, headJson, parseHead, PRUNED_KEY, ROW_COLUMNS, type Head, type PrunedThrough } from './backend.js';
import { AuditErrorCode } from './errors.js';
import type { AuditKeys } from './signing.js';

export interface SqliteWriteConnection {
  appendUnits(units: AppendUnit[]): AppendResult;
  prune(p: PrunedThrough): number;
  close(): void;
}

/** Opens a write connection to an existing audit file (its tables created by sqlite.ts). */
export function openSqliteWriteConnection(path: string, keys: AuditKeys | undefined): SqliteWriteConnection {
  const db = new Database(path, { fileMustExist: true });
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = FULL'); // an acknowledged audit record survives a power cut

  const getMeta = db.prepare<[string], { value: string }>(`SELECT value FROM audit_meta WHERE key = ?`);
  const insert = db.prepare(`INSERT INTO audit_records (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map((c) => '@' + c).join(', ')})`);
  const setHead = db.prepare(`UPDATE audit_meta SET value = ? WHERE key = ?`);
  const setPruned = db.prepare(`INSERT INTO audit_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`);
  const deleteThrough = db.prepare(`DELETE FROM audit_records WHERE seq <= ?`);

  const currentHead = (): Head => {
    const head = parseHead(getMeta.get(HEAD_KEY)?.value);
    if (!head) throw new OtcError(AuditErrorCode.Corrupt, 'the audit log has lost its head anchor (audit_meta); run `otc-copilot audit verify`', { status: 500 });
    return head;
  };
  const appendTx = db.transaction((units: AppendUnit[]): AppendResult => {
    const { outcomes, rows } = buildUnits(units, currentHead(), new Date().toISOString());
    const checkpoint = signLast(rows, keys);
    for (const row of rows) insert.run(row);
    // the head moves once per transaction, to its last row, signed (the trigger holds it to a
    // record that exists, with every seq since the old head present): one statement per record
    // fewer than a move per record, each through the trigger (issue 14 item 7)
    const last = rows[rows.length - 1];
    if (last) setHead.run(headJson(last, checkpoint), HEAD_KEY);
    return { outcomes, ...(checkpoint ? { checkpoint } : {}) };
  });
  const pruneTx = db.transaction((p: PrunedThrough): number => {
    setPruned.run(PRUNED_KEY, JSON.stringify(p));
    return deleteThrough.run(p.seq).changes;
  });
  return {
    appendUnits: (units) => appendTx.immediate(units), // BEGIN IMMEDIATE: one writer at a time, across processes too
    prune: (p) => pruneTx.immediate(p),
    close: () => db.close(),
  };
}
