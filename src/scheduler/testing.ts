/**
 * Helpers for the scheduler's tests and benchmark: fresh stores (SQLite file or a temporary
 * PostgreSQL database), a silent logger that keeps what it was told, a settable clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SchedulerLogger } from './engine.js';

export interface LoggedLine {
  level: 'info' | 'warn' | 'error';
  msg: string;
  obj: object;
}

export function memoryLogger(): SchedulerLogger & { lines: LoggedLine[] } {
  const lines: LoggedLine[] = [];
  return {
    lines,
    info: (obj, msg) => void lines.push({ level: 'info', msg, obj }),
    warn: (obj, msg) => void lines.push({ level: 'warn', msg, obj }),
    error: (obj, msg) => void lines.push({ level: 'error', msg, obj }),
  };
}

export interface ManualClock {
  now: () => number;
  set(iso: string | number): void;
  advance(ms: number): void;
}

export function manualClock(start: string | number): ManualClock {
  let t = typeof start === 'number' ? start : Date.parse(start);
  return {
    now: () => t,
    set: (v) => {
      t = typeof v === 'number' ? v : Date.parse(v);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export function tempDir(prefix = 'otc-sched-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
