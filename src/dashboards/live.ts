/**
 * Live push: viewers of a dashboard subscribe (Server-Sent Events); a refreshed widget is
 * serialised once and written to every subscriber of its dashboard. No viewer causes a query.
 * With several API processes, the one that refreshed a widget announces it on the event bus and
 * each other process re-reads the widget's cached result once (Relay), whatever its viewers.
 */
export interface LiveClient {
  /** Writes one SSE frame; false when the client is gone. */
  write(frame: string): boolean | void;
}

export class LiveHub {
  private readonly byDashboard = new Map<string, Set<LiveClient>>();
  private sent = 0;

  subscribe(dashboardId: string, client: LiveClient): () => void {
    let set = this.byDashboard.get(dashboardId);
    if (!set) this.byDashboard.set(dashboardId, (set = new Set()));
    set.add(client);
    return () => {
      set!.delete(client);
      if (!set!.size) this.byDashboard.delete(dashboardId);
    };
  }

  /** One event to every viewer of a dashboard; the payload is serialised once. Returns how many got it. */
  publish(dashboardId: string, event: string, payload: unknown): number {
    const set = this.byDashboard.get(dashboardId);
    if (!set?.size) return 0;
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const c of set) c.write(frame);
    this.sent += set.size;
    return set.size;
  }

  clients(dashboardId?: string): number {
    if (dashboardId !== undefined) return this.byDashboard.get(dashboardId)?.size ?? 0;
    let n = 0;
    for (const s of this.byDashboard.values()) n += s.size;
    return n;
  }

  /** Frames written since start (for the benchmark). */
  framesSent(): number {
    return this.sent;
  }
}

/**
 * Re-reads of widgets refreshed by another process: one at a time per widget; announcements that
 * arrive while one runs are folded into one more read after it.
 */
export class Relay {
  private readonly running = new Map<string, { again: boolean }>();
  count = 0;

  constructor(
    private readonly read: (widgetId: string) => Promise<void>,
    private readonly onError: (e: unknown) => void,
  ) {}

  add(widgetId: string): void {
    const cur = this.running.get(widgetId);
    if (cur) {
      cur.again = true;
      return;
    }
    const state = { again: false };
    this.running.set(widgetId, state);
    void (async () => {
      do {
        state.again = false;
        this.count++;
        await this.read(widgetId).catch(this.onError);
      } while (state.again);
      this.running.delete(widgetId);
    })();
  }
}
