/**
 * Live push: viewers of a dashboard subscribe (Server-Sent Events); a refreshed widget is
 * serialised once and written to every subscriber of its dashboard. No viewer causes a query.
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
