import pg from 'pg';
import { OtcError } from '../shared/errors.js';
import { openPgPool } from '../shared/pg-pool.js';
import { scrubSecrets } from '../store/index.js';
import { GENESIS_HASH } from './chain.js';
import { AuditErrorCode } from './errors.js';
import { HEAD_KEY, headJson, parseHead, PRUNED_KEY, recordsTableSql, ROW_COLUMNS, SCHEMA_VERSION, whereOf, type AuditBackend, type AuditRow, type Head, type Snapshot } from './backend.js';
import { buildUnits, signLast } from './append.js';
import type { AuditKeys } from './signing.js';

const SCHEMA = `
${recordsTableSql('bigint')}
CREATE TABLE IF NOT EXISTS audit_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE OR REPLACE FUNCTION otc_audit_no_change() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  -- only records at or below the pruned-through marker (set in the same transaction by a prune) may go
  IF TG_OP = 'DELETE' AND OLD.seq <= COALESCE((SELECT (value::jsonb->>'seq')::bigint FROM audit_meta WHERE key = 'pruned_through'), 0) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE OR REPLACE FUNCTION otc_audit_append_only() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE OR REPLACE TRIGGER audit_records_no_change BEFORE UPDATE OR DELETE ON audit_records
  FOR EACH ROW EXECUTE FUNCTION otc_audit_no_change();
CREATE OR REPLACE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records
  FOR EACH STATEMENT EXECUTE FUNCTION otc_audit_append_only();
CREATE OR REPLACE FUNCTION otc_audit_head_forward() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
DECLARE o jsonb; n jsonb;
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.key = 'head' THEN
      RAISE EXCEPTION 'the audit head anchor cannot be deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.key = 'pruned_through' THEN
      RAISE EXCEPTION 'the audit pruned-through marker cannot be deleted' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.key = 'pruned_through' THEN
    IF NEW.key <> 'pruned_through' OR (NEW.value::jsonb->>'seq')::bigint <= (OLD.value::jsonb->>'seq')::bigint THEN
      RAISE EXCEPTION 'the audit pruned-through marker only moves forward' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.key <> 'head' THEN RETURN NEW; END IF;
  o := OLD.value::jsonb;
  n := NEW.value::jsonb;
  IF NEW.key <> 'head' OR (n->>'seq')::bigint IS DISTINCT FROM (o->>'seq')::bigint + 1
     OR NOT EXISTS (SELECT 1 FROM audit_records r WHERE r.seq = (n->>'seq')::bigint AND r.id = n->>'id' AND r.hash = n->>'hash') THEN
    RAISE EXCEPTION 'the audit head anchor only moves forward, one appended record at a time' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$fn$;
CREATE OR REPLACE TRIGGER audit_meta_head_guard BEFORE UPDATE OR DELETE ON audit_meta
  FOR EACH ROW EXECUTE FUNCTION otc_audit_head_forward();
CREATE OR REPLACE TRIGGER audit_meta_no_truncate BEFORE TRUNCATE ON audit_meta
  FOR EACH STATEMENT EXECUTE FUNCTION otc_audit_append_only();
`;

const SELECT_COLS = ROW_COLUMNS.join(', ');

/** pg returns bigint as text: back to numbers (seq and counts stay far below 2^53). */
function fromPg(r: Record<string, unknown>): AuditRow {
  return {
    ...(r as unknown as AuditRow),
    seq: Number(r.seq),
    duration_ms: r.duration_ms === null ? null : Number(r.duration_ms),
    row_count: r.row_count === null ? null : Number(r.row_count),
  };
}

export async function openPostgresBackend(
  target: { connectionString: string; display: string; schema?: string },
  create: boolean,
  keys: AuditKeys | undefined,
): Promise<AuditBackend> {
  const pool = openPgPool(target, 5);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new OtcError(
      AuditErrorCode.Unreachable,
      `cannot connect to the PostgreSQL audit log at ${target.display}: ${scrubSecrets((e as Error).message, target.connectionString)}`,
      { status: 503, hint: 'check OTC_AUDIT_URL, that the server is running and that the user may connect' },
    );
  }
  if (!create) {
    const r = await client.query<{ t: string | null }>(`SELECT to_regclass('audit_records')::text AS t`).catch(() => ({ rows: [{ t: null }] }));
    if (!r.rows[0]?.t) {
      client.release();
      await pool.end().catch(() => undefined);
      throw new OtcError(AuditErrorCode.NotFound, `there is no audit log at ${target.display}${target.schema ? ` (schema ${target.schema})` : ''}`, {
        status: 404,
        hint: 'check --audit / OTC_AUDIT_URL',
      });
    }
  }
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('otc_audit_schema'))`); // two processes starting at once
    if (target.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${target.schema}`);
    await client.query(SCHEMA);
    await client.query(`INSERT INTO audit_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [
      HEAD_KEY,
      JSON.stringify({ seq: 0, id: '', hash: GENESIS_HASH }),
    ]);
    await client.query(`INSERT INTO audit_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO NOTHING`, [SCHEMA_VERSION]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release();
    await pool.end().catch(() => undefined);
    throw new OtcError(AuditErrorCode.Unreachable, `cannot prepare the audit tables at ${target.display}: ${scrubSecrets((e as Error).message, target.connectionString)}`, {
      status: 503,
      cause: e,
    });
  }
  client.release();

  const insertSql = `INSERT INTO audit_records (${SELECT_COLS}) VALUES (${ROW_COLUMNS.map((_, i) => '$' + (i + 1)).join(', ')})`;
  let closed: Promise<void> | undefined;

  const connect = async (): Promise<pg.PoolClient> => {
    try {
      return await pool.connect();
    } catch (e) {
      throw new OtcError(
        AuditErrorCode.Unreachable,
        `lost the connection to the PostgreSQL audit log at ${target.display}: ${scrubSecrets((e as Error).message, target.connectionString)}`,
        { status: 503 },
      );
    }
  };

  /** Runs `fn` in a transaction opened with `begin`: committed if it returns, rolled back if it throws. */
  const inTransaction = async <T>(begin: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const c = await connect();
    try {
      await c.query(begin);
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  };

  /** Runs `fn` in a transaction holding the head row FOR UPDATE (the append lock). */
  const underHeadLock = async <T>(fn: (c: pg.PoolClient, head: Head) => Promise<T>): Promise<T> => {
    if (closed) throw new OtcError(AuditErrorCode.Closed, 'the audit log is closed', { status: 500 });
    return inTransaction('BEGIN', async (c) => {
      // The head row is the lock: every append takes it FOR UPDATE, so appends from any number
      // of processes are serialised and the chain cannot fork.
      const r = await c.query<{ value: string }>(`SELECT value FROM audit_meta WHERE key = $1 FOR UPDATE`, [HEAD_KEY]);
      const head = parseHead(r.rows[0]?.value);
      if (!head) throw new OtcError(AuditErrorCode.Corrupt, 'the audit log has lost its head anchor (audit_meta); run `otc-copilot audit verify`', { status: 500 });
      return fn(c, head);
    });
  };
  return {
    kind: 'postgres',
    appendUnits(units) {
      return underHeadLock(async (c, head) => {
        const { outcomes, rows } = buildUnits(units, head, new Date().toISOString());
        const checkpoint = signLast(rows, keys);
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!;
          await c.query(insertSql, ROW_COLUMNS.map((k) => row[k]));
          await c.query(`UPDATE audit_meta SET value = $1 WHERE key = $2`, [headJson(row, i === rows.length - 1 ? checkpoint : undefined), HEAD_KEY]);
        }
        return { outcomes, ...(checkpoint ? { checkpoint } : {}) };
      });
    },
    prune(p) {
      return underHeadLock(async (c) => {
        await c.query(`INSERT INTO audit_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [PRUNED_KEY, JSON.stringify(p)]);
        const r = await c.query(`DELETE FROM audit_records WHERE seq <= $1`, [p.seq]);
        return r.rowCount ?? 0;
      });
    },
    async meta(key) {
      const r = await pool.query<{ value: string }>(`SELECT value FROM audit_meta WHERE key = $1`, [key]);
      return r.rows[0]?.value;
    },
    snapshot(fn) {
      return inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', (c) => {
        const s: Snapshot = {
          async head() {
            const r = await c.query<{ value: string }>(`SELECT value FROM audit_meta WHERE key = $1`, [HEAD_KEY]);
            return parseHead(r.rows[0]?.value);
          },
          async after(afterSeq, limit) {
            const r = await c.query(`SELECT ${SELECT_COLS} FROM audit_records WHERE seq > $1 ORDER BY seq LIMIT $2`, [afterSeq, limit]);
            return r.rows.map(fromPg);
          },
          async lastBefore(seq) {
            const r = await c.query(`SELECT ${SELECT_COLS} FROM audit_records WHERE seq < $1 ORDER BY seq DESC LIMIT 1`, [seq]);
            return r.rows[0] ? fromPg(r.rows[0]) : undefined;
          },
          async at(seq) {
            const r = await c.query(`SELECT ${SELECT_COLS} FROM audit_records WHERE seq = $1`, [seq]);
            return r.rows[0] ? fromPg(r.rows[0]) : undefined;
          },
          async meta(key) {
            const r = await c.query<{ value: string }>(`SELECT value FROM audit_meta WHERE key = $1`, [key]);
            return r.rows[0]?.value;
          },
        };
        return fn(s);
      });
    },
    async select(f, order, limit, offset) {
      const w = whereOf(f, (n) => '$' + n, 'ILIKE');
      const n = w.params.length;
      const r = await pool.query(
        `SELECT ${SELECT_COLS} FROM audit_records${w.sql} ORDER BY seq ${order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${n + 1} OFFSET $${n + 2}`,
        [...w.params, limit, offset],
      );
      return r.rows.map(fromPg);
    },
    close() {
      closed ??= pool.end();
      return closed;
    },
  };
}
