/**
 * The server's drawing of a dashboard page (server routes/dashboard-page.ts): shown by the
 * browser before the app starts, with the dashboard's JSON inlined so the app draws the same
 * page without fetching it again. The app's root stays out of sight meanwhile; `takeOver` removes
 * the drawing when the app's own page is in place (or the app shows another page).
 */
import type { DashboardSummary, DashboardView } from './dashboards-api.js';

export interface FirstPaintData {
  id: string;
  dashboard: DashboardView;
  list: DashboardSummary[];
  /** The top bar's GET /api/meta. */
  meta?: unknown;
}

export function firstPaintData(doc: Document = document): FirstPaintData | undefined {
  const text = doc.getElementById('otc-first-paint-data')?.textContent;
  if (!text) return undefined;
  try {
    return JSON.parse(text) as FirstPaintData;
  } catch {
    return undefined;
  }
}

export function takeOver(doc: Document = document): void {
  doc.getElementById('otc-first-paint')?.remove();
  doc.getElementById('otc-first-paint-data')?.remove();
}
