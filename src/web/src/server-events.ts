import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';

/** Which cached queries each server-sent event makes stale (GET /api/events; see docs/deployment.md). */
const STALE: Record<string, string[][]> = {
  training_activated: [['meta']],
  schedule_run: [['schedules'], ['schedule-runs']],
  schedule_changed: [['schedules']],
};

/**
 * While signed in: listens to the server's events (from any process of the deployment) and
 * refetches what they change, so the header shows a version activated elsewhere and the
 * Scheduler page shows a run the moment a worker finishes it.
 */
export function useServerEvents(signedIn: boolean): void {
  const qc = useQueryClient();
  useEffect(() => {
    if (!signedIn || typeof EventSource === 'undefined') return;
    const es = new EventSource('/api/events');
    for (const [type, keys] of Object.entries(STALE)) {
      es.addEventListener(type, () => {
        for (const queryKey of keys) void qc.invalidateQueries({ queryKey });
      });
    }
    return () => es.close();
  }, [signedIn, qc]);
}
