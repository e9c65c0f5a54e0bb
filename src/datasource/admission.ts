/**
 * Admission to a datasource's few query slots (SQLite's query processes, PostgreSQL's pool
 * connections), so slow queries cannot starve the others (issue 14 item 5):
 *
 * - the wait for a slot counts against the query's own timeout: a query that cannot start
 *   before its deadline fails with OTC_ERR_QUERY_TIMEOUT instead of waiting behind slow ones
 *   for ever; what is left of the timeout is what the statement may then run;
 * - SQL that a language model wrote (workload 'model': its cost is unknown, it may be a full
 *   scan or a runaway join) holds at most `slots - 1` slots, so at least one slot is always
 *   left for SQL that the semantic engine compiled from the profile (workload 'compiled':
 *   bounded shapes over indexed joins, the bulk of the questions). Model queries beyond their
 *   share wait their turn (and time out if it does not come).
 *
 * Waiters are served first in, first out among those allowed to run. A per-user limit was
 * considered and not chosen: the harm reported was a class of queries (model-written) filling
 * every slot, whoever asked; a single user's compiled questions are already bounded by the ask
 * rate limit.
 */
import { queryCancelled, queryTimeout } from './errors.js';
import type { Workload } from './types.js';

interface Waiter {
  workload: Workload;
  grant: (release: () => void) => void;
  fail: (e: Error) => void;
}

export class QueryAdmission {
  #free: number;
  #running: Record<Workload, number> = { compiled: 0, model: 0 };
  #waiting: Waiter[] = [];
  readonly #limit: Record<Workload, number>;

  constructor(readonly slots: number) {
    this.#free = Math.max(1, slots);
    this.#limit = { compiled: this.#free, model: Math.max(1, this.#free - 1) };
  }

  /** Slots held now by each workload (for tests and diagnostics). */
  get running(): Readonly<Record<Workload, number>> {
    return { ...this.#running };
  }

  /** Queries waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Waits for a slot, at most `waitMs` (the query's timeout; the caller runs the statement with
   * what is left). Resolves to the function that gives the slot back (call it exactly once).
   * Rejects with OTC_ERR_QUERY_TIMEOUT (reported as `timeoutMs`) or OTC_ERR_QUERY_CANCELLED.
   */
  acquire(workload: Workload, waitMs: number, timeoutMs: number, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(queryCancelled());
    if (this.#waiting.length === 0 && this.#allowed(workload)) return Promise.resolve(this.#take(workload));
    return new Promise((resolve, reject) => {
      const leave = () => {
        const i = this.#waiting.indexOf(w);
        if (i >= 0) this.#waiting.splice(i, 1);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const w: Waiter = {
        workload,
        grant: (release) => {
          leave();
          resolve(release);
        },
        fail: (e) => {
          leave();
          reject(e);
          // a waiter leaving may let another (of the other workload) through
          this.#dispatch();
        },
      };
      const onAbort = () => w.fail(queryCancelled());
      const timer = setTimeout(() => w.fail(queryTimeout(timeoutMs)), Math.max(0, waitMs));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(w);
      // those ahead may all be model queries over their share, while a slot is free for this one
      this.#dispatch();
    });
  }

  #allowed(workload: Workload): boolean {
    return this.#free > 0 && this.#running[workload] < this.#limit[workload];
  }

  #take(workload: Workload): () => void {
    this.#free--;
    this.#running[workload]++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#free++;
      this.#running[workload]--;
      this.#dispatch();
    };
  }

  #dispatch(): void {
    for (let i = 0; i < this.#waiting.length && this.#free > 0; ) {
      const w = this.#waiting[i]!;
      if (this.#allowed(w.workload)) w.grant(this.#take(w.workload)); // grant removes it from the list
      else i++;
    }
  }
}
