import { randomUUID } from 'node:crypto';
import type { AppEvent, Delivered, EventBus, EventListener } from './types.js';

/** Listeners of one process; a listener that throws does not stop the others. */
export class Listeners {
  private readonly set = new Set<EventListener>();
  add(listener: EventListener): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }
  deliver(event: Delivered, onError: (e: unknown) => void): void {
    for (const l of [...this.set]) {
      try {
        l(event);
      } catch (e) {
        onError(e);
      }
    }
  }
  clear(): void {
    this.set.clear();
  }
}

/** The bus of the lightweight deployment: one process, no Redis. */
export function createLocalEventBus(opts: { origin?: string; onError?: (e: unknown) => void } = {}): EventBus {
  const origin = opts.origin ?? randomUUID();
  const listeners = new Listeners();
  const onError = opts.onError ?? (() => undefined);
  return {
    kind: 'local',
    origin,
    async publish(event: AppEvent) {
      listeners.deliver({ ...event, at: new Date().toISOString(), origin }, onError);
    },
    subscribe: (l) => listeners.add(l),
    // one process: it is always the holder
    lease: async () => true,
    async close() {
      listeners.clear();
    },
  };
}
