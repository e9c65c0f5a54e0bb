/**
 * The change probe: one cheap query per source table (its row count and the max of a key or
 * date column) at a fixed interval, shared by every real-time widget and every viewer of that
 * table. A table whose figures moved since the last probe is reported once; widgets re-run only
 * then, and viewers get the new result pushed (live.ts), so real-time costs no query per viewer.
 */
import { sql } from 'kysely';
import type { Datasource } from '../datasource/types.js';
import type { TrainedModel } from '../training/index.js';

export interface ProbeStats {
  /** Probe queries run since start. */
  probes: number;
  /** Probes that found a change. */
  changes: number;
  /** Probes that failed (the table is probed again next time). */
  failures: number;
  tables: number;
  /** Whether this process probed at its last round (several API processes: one holds the probe's lease at a time). */
  owner: boolean;
}

/** The column whose max a table's probe reads: a one-column primary key, else the default date of the entity over that table. */
export function probeColumn(model: TrainedModel, table: string): string | undefined {
  const t = model.snapshot.tables.find((x) => x.name.toLowerCase() === table.toLowerCase());
  if (t && t.primaryKey.length === 1) return t.primaryKey[0];
  const e = Object.values(model.profile.entities).find((x) => x.table.toLowerCase() === table.toLowerCase());
  return e?.defaultDate;
}

/** The probe's SQL for a table, in the datasource's dialect (through its compile-only Kysely). */
export function probeSql(ds: Datasource, table: string, column: string | undefined): string {
  const db = ds.dialect.compiler();
  const sels = [sql`count(*)`.as('row_count'), ...(column ? [sql`max(${sql.ref(`${table}.${column}`)})`.as('max_key')] : [])];
  return db.selectFrom(table).select(sels as never).compile().sql;
}

export interface ChangeProbeOptions {
  datasource: Datasource;
  /** Milliseconds between two probe rounds (config OTC_DASHBOARD_PROBE_INTERVAL_MS). */
  intervalMs: number;
  timeoutMs: number;
  /** The trained model of the moment (for the key column of each table). */
  model: () => TrainedModel | undefined;
  /** Called once per round with the tables that changed (never with an empty list). */
  onChange: (tables: string[]) => Promise<void> | void;
  onError?: (table: string, e: unknown) => void;
  /**
   * Asked before each round: whether this process probes now (several API processes share one
   * probe: the holder of a lease on the event bus). Absent: always.
   */
  mayProbe?: () => Promise<boolean>;
}

export class ChangeProbe {
  private readonly seen = new Map<string, string>();
  private tables = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<string[]> | undefined;
  private readonly counts: Omit<ProbeStats, 'tables' | 'owner'> = { probes: 0, changes: 0, failures: 0 };
  private owner = false;

  constructor(private readonly o: ChangeProbeOptions) {}

  /** The tables to watch: the union of the real-time widgets' source tables. */
  watch(tables: Iterable<string>): void {
    this.tables = new Set([...tables].map((t) => t.toLowerCase()));
    for (const t of [...this.seen.keys()]) if (!this.tables.has(t)) this.seen.delete(t);
  }

  watched(): string[] {
    return [...this.tables].sort();
  }

  stats(): ProbeStats {
    return { ...this.counts, tables: this.tables.size, owner: this.owner };
  }

  /** One round: each watched table probed once; resolves to the tables that changed. Rounds never overlap. */
  tick(): Promise<string[]> {
    this.running ??= this.round().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async round(): Promise<string[]> {
    const model = this.o.model();
    if (!model || !this.tables.size) return [];
    this.owner = this.o.mayProbe ? await this.o.mayProbe() : true;
    // another process probes meanwhile; what this one saw last stays, so on taking over a table that moved since re-runs its widgets
    if (!this.owner) return [];
    const changed: string[] = [];
    for (const table of this.tables) {
      const real = model.snapshot.tables.find((t) => t.name.toLowerCase() === table)?.name ?? table;
      try {
        this.counts.probes++;
        const r = await this.o.datasource.query(probeSql(this.o.datasource, real, probeColumn(model, real)), { maxRows: 1, timeoutMs: this.o.timeoutMs });
        const sig = JSON.stringify(r.rows[0] ?? []);
        const before = this.seen.get(table);
        this.seen.set(table, sig);
        if (before !== undefined && before !== sig) changed.push(table);
      } catch (e) {
        this.counts.failures++;
        this.o.onError?.(table, e);
      }
    }
    if (changed.length) {
      this.counts.changes += changed.length;
      await this.o.onChange(changed);
    }
    return changed;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick().catch((e) => this.o.onError?.('*', e)), this.o.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}

/** Every table a typed query reads: its own, those of every column it names, and those of its EXISTS conditions. */
export function queryTables(q: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.table === 'string' && (typeof o.column === 'string' || 'entity' in o || 'negate' in o)) out.add(o.table.toLowerCase());
    for (const k of ['fromTable', 'toTable']) if (typeof o[k] === 'string') out.add((o[k] as string).toLowerCase());
    for (const x of Object.values(o)) walk(x);
  };
  walk(q);
  return [...out].sort();
}
