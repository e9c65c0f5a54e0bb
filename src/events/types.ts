import { z } from 'zod';

/**
 * What one process tells the others (and the browsers connected to any of them) has happened.
 * The state itself is in the app store: an event only says "look again", so a lost event costs
 * a refresh, never a wrong answer.
 */
export const appEventSchema = z.discriminatedUnion('type', [
  /** A scheduled or manual run finished (in an API process or a worker). */
  z.object({
    type: z.literal('schedule_run'),
    scheduleId: z.string(),
    name: z.string().nullable(),
    slotId: z.string(),
    scheduledAt: z.string(),
    reason: z.string(),
    state: z.enum(['succeeded', 'failed', 'retrying', 'lost']),
    worker: z.string(),
    error: z.string().optional(),
  }),
  /** An admin registered, removed, paused, resumed or ran a schedule. */
  z.object({
    type: z.literal('schedule_changed'),
    scheduleId: z.string(),
    action: z.enum(['registered', 'removed', 'paused', 'resumed', 'run_now']),
    actor: z.string(),
  }),
  /** Another training version answers from now on (activation or rollback). */
  z.object({
    type: z.literal('training_activated'),
    datasourceKey: z.string(),
    versionId: z.string().nullable(),
    label: z.string(),
  }),
  /** A dashboard widget's new result is in the store: each API process re-reads it once for its own viewers (not sent on GET /api/events). */
  z.object({
    type: z.literal('dashboard_widget'),
    dashboardId: z.string(),
    widgetId: z.string(),
  }),
  /** Real-time widgets were added, edited or removed: each API process re-reads which tables they watch (not sent on GET /api/events). */
  z.object({
    type: z.literal('dashboard_realtime'),
  }),
]);

export type AppEvent = z.infer<typeof appEventSchema>;
export type AppEventType = AppEvent['type'];

/** An event as delivered: with the time it was published and the process that published it. */
export type Delivered = AppEvent & { at: string; origin: string };

export type EventListener = (event: Delivered) => void;

/**
 * Publish/subscribe between the processes of one deployment. Delivery is at most once and in
 * publish order per publisher; a subscriber that was disconnected misses what was published
 * meanwhile (see the note on AppEvent).
 */
export interface EventBus {
  /** 'local' (one process) or 'redis' (every process on the same Redis and prefix). */
  readonly kind: 'local' | 'redis';
  /** This process's id in `origin`. */
  readonly origin: string;
  /** Delivers to this process's listeners at once and to the other processes' through the bus. Rejects (OTC_ERR_EVENTS_UNAVAILABLE) when the bus cannot be reached. */
  publish(event: AppEvent): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void;
  /**
   * Takes or keeps the named lease for `ttlMs` (one holder across the deployment at a time);
   * true while this process holds it. Call again before it expires to keep it. The local bus
   * always holds it; the Redis bus answers false while Redis cannot be reached.
   */
  lease(name: string, ttlMs: number): Promise<boolean>;
  /** Idempotent. */
  close(): Promise<void>;
}
