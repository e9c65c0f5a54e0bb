import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ChartSpec } from '../../../charts/index.js';
import { api } from '../api.js';

/** The Reports page URL whose new-template form is prefilled with a saved question. */
export const scheduleFormUrl = (savedId: string) => `/reports?saved=${encodeURIComponent(savedId)}#new-template`;

/**
 * "Schedule as report": saves the answer as a question (with its chart) and opens the Reports
 * page's new-template form prefilled with it, where the formats, recipients and schedule are set.
 */
export function ScheduleAsReport({ auditId, chart }: { auditId: string; chart: ChartSpec }) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  return (
    <>
      <button
        type="button"
        className="btn small"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            const saved = await api.saved.save(auditId, { chart: { kind: chart.kind } });
            await qc.invalidateQueries({ queryKey: ['saved'] });
            // the app's router follows the history (popstate)
            window.history.pushState(null, '', scheduleFormUrl(saved.id));
            window.dispatchEvent(new PopStateEvent('popstate'));
          } catch (e) {
            setMessage(e instanceof Error ? e.message : 'Not saved.');
            setBusy(false);
          }
        }}
      >
        Schedule as report
      </button>
      {message && (
        <span className="error small" role="alert">
          {message}
        </span>
      )}
    </>
  );
}
