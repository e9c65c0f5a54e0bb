/**
 * A dashboard page drawn on the server (the first paint of `/dashboards?id=…`): the web app's
 * top bar, toolbar, filter bar and grid with every widget drawn from its cached result, in the
 * markup and classes of the web app's own components (src/web: Header, Dashboards page,
 * WidgetCard, ResultTable), so the page the browser shows before the app starts is the page the
 * app then draws. Chart widgets are their server-drawn SVG (first-paint.ts, cached per result and
 * size); KPI figures and tables are HTML. Every text is escaped; the SVG is ECharts' own (it
 * escapes the texts it draws). The block is `inert`: the app takes over its place when its own
 * dashboard page has drawn.
 */
import { verticalCompactor } from 'react-grid-layout/core';
import { formatNumber, formatValue, headerOf, toNumber } from '../charts/index.js';
import { WEB_GRID } from './grid.js';
import type { DashboardView, WidgetView } from './service.js';
import type { DashboardFilters, LayoutItem } from './types.js';

/** The web grid (react-grid-layout as the Dashboards page sets it up). */
const { cols: COLS, rowHeight: ROW, gap: GAP } = WEB_GRID;
/** The table widget's first page (ResultTable). */
const PAGE_SIZE = 10;

export interface PageUser {
  username: string;
  displayName: string | null;
  role: string;
}

/** What the top bar says about the data (GET /api/meta). */
export interface PageMeta {
  datasource: string;
  dialect: string;
  trainingVersion: string | null;
  trained: boolean;
  validated: boolean;
  dataAsOf: string;
  notTrained?: { message?: string };
}

export interface DashboardPageInput {
  dashboard: DashboardView;
  list: { id: string; name: string }[];
  user: PageUser;
  /** The user's permissions (the top bar's links, the toolbar's New and Duplicate). */
  can: (permission: string) => boolean;
  meta?: PageMeta;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Text or an attribute value, escaped for HTML. */
export function esc(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The data context of the top bar (Header): the datasource's file name, the training version, the as-of date. */
function context(m: PageMeta | undefined): string {
  if (!m) return '';
  const file = /[\\/]([^\\/]+)$/.exec(m.datasource);
  const training = m.notTrained?.message ?? m.trainingVersion ?? undefined;
  return (
    `<div><dt>Data</dt><dd title="${esc(m.datasource)}">${esc(file ? file[1] : m.datasource)} <span class="muted">(${esc(m.dialect)})</span></dd></div>` +
    `<div><dt>Training</dt><dd${m.trained && m.validated ? '' : ' class="warn"'}${training ? ` title="${esc(training)}"` : ''}>${esc(m.trainingVersion ?? 'none active')}</dd></div>` +
    `<div><dt>Data as of</dt><dd>${esc(m.dataAsOf)}</dd></div>`
  );
}

function topbar(user: PageUser, can: (p: string) => boolean, meta: PageMeta | undefined): string {
  const links = [
    ['ask', '/', 'Ask'],
    ['view', '/dashboards', 'Dashboards'],
    ['save_reports', '/reports', 'Reports'],
    ['read_audit', '/audit', 'Audit'],
    ['manage_training', '/training', 'Training'],
    ['manage_users', '/admin/users', 'Users'],
    ['manage_schedules', '/admin/scheduler', 'Scheduler'],
  ].filter(([p]) => can(p!));
  const nav = links.map(([, to, label]) => `<li><a href="${to}"${to === '/dashboards' ? ' aria-current="page"' : ''}>${label}</a></li>`).join('');
  return (
    '<header class="topbar"><div class="brand"><svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="7" fill="#1d4ed8"></rect><path d="M8 21l5-6 4 3 7-9" stroke="white" stroke-width="3" fill="none" stroke-linecap="round" stroke-linejoin="round"></path></svg><span>OTC Ops Copilot</span></div>' +
    `<nav aria-label="Main"><ul>${nav}</ul></nav><dl class="context" aria-label="Data context">${context(meta)}</dl>` +
    `<div class="who"><span class="user" title="Signed in as ${esc(user.username)}">${esc(user.displayName ?? user.username)} <span class="role">${esc(user.role)}</span></span><button type="button" class="btn ghost small">Sign out</button></div></header>`
  );
}

function toolbar(d: DashboardView, list: { id: string; name: string }[], canEdit: boolean): string {
  const options = list.map((b) => `<option value="${esc(b.id)}"${b.id === d.id ? ' selected' : ''}>${esc(b.name)}</option>`).join('');
  const btn = (label: string) => `<button type="button" class="btn small">${label}</button>`;
  const shared = d.sharing.roles.length || d.sharing.users.length ? `Shared with ${[...d.sharing.roles.map((r) => `${r}s`), ...d.sharing.users].join(', ')}` : 'Not shared';
  const href = (f: string) => `/api/dashboards/${encodeURIComponent(d.id)}/export.${f}`;
  return (
    '<div class="dash-toolbar"><h1 class="sr-only">Dashboards</h1>' +
    `<label class="inline">Dashboard <select aria-label="Dashboard">${options}</select></label>` +
    (canEdit ? btn('New') : '') +
    (d.editable ? btn('Rename') : '') +
    (canEdit ? btn('Duplicate') : '') +
    (d.editable ? btn('Delete') : '') +
    btn('Refresh all') +
    `<a class="btn small" href="${esc(href('pdf'))}" download="">Export PDF</a><a class="btn small" href="${esc(href('png'))}" download="">Export PNG</a>` +
    (canEdit ? `<a class="btn small" href="/reports?dashboard=${esc(encodeURIComponent(d.id))}#new-template">E-mail on a schedule…</a>` : '') +
    (d.editable ? `<span class="muted small">${esc(shared)}</span>${btn('Share…')}` : '') +
    '</div>'
  );
}

function filtersBar(d: DashboardView): string {
  const f: DashboardFilters = d.filters ?? {};
  const input = (label: string, value: string | undefined, extra = '') => `<label>${label} <input${extra} value="${esc(value ?? '')}"></label>`;
  return (
    '<form class="filters-bar" aria-label="Dashboard filters">' +
    input('From', f.from, ' type="date"') +
    input('To', f.to, ' type="date"') +
    input('Counterparty', f.counterparty?.join(', '), ' placeholder="any"') +
    input('Desk', f.desk?.join(', '), ' placeholder="any"') +
    input('Currency', f.currency?.join(', '), ' placeholder="any" size="8"') +
    (d.editable ? '<button type="submit" class="btn small primary">Apply filters</button><button type="button" class="btn small">Just for me</button>' : '<button type="submit" class="btn small primary">Apply for me</button>') +
    '</form>'
  );
}

/** "data as of 03 Dec, 14:05:09" as the web app says it (WidgetCard). */
function asOf(iso: string | null): string {
  if (!iso) return 'not run yet';
  return `data as of ${new Date(iso).toLocaleString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', day: '2-digit', month: 'short' })}`;
}
function refreshLabel(w: WidgetView): string {
  const r = w.refresh;
  return r.mode === 'realtime' ? 'real time' : r.mode === 'every' ? `every ${r.minutes} min` : r.mode === 'daily' ? `daily ${r.at} ${r.timeZone}` : 'manual';
}

/** The result's first page as the web app's sortable table shows it (ResultTable without column formats). */
function table(columns: string[], rows: unknown[][], caption: string): string {
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || r[i] === undefined || toNumber(r[i]) !== undefined));
  const cls = (i: number) => (numeric[i] ? ' class="num"' : '');
  const head = columns.map((c, i) => `<th scope="col" aria-sort="none"${cls(i)}><button type="button" class="sort">${esc(headerOf(c))}<span aria-hidden="true" class="sort-mark">↕</span></button></th>`).join('');
  const body = rows
    .slice(0, PAGE_SIZE)
    .map((r) => `<tr>${columns.map((_, i) => `<td${cls(i)}>${esc(formatValue(r[i]))}</td>`).join('')}</tr>`)
    .join('');
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const pager =
    rows.length > PAGE_SIZE
      ? `<div class="pager"><button type="button" class="btn small" disabled="">Previous</button><span aria-live="polite">Page 1 of ${pages} · ${rows.length.toLocaleString('en-US')} rows</span><button type="button" class="btn small">Next</button><label class="inline">Rows per page <select><option selected>10</option><option>25</option><option>50</option><option>100</option></select></label></div>`
      : '';
  return `<div class="table-wrap"><div class="scroll" tabindex="0" role="region" aria-label="${esc(caption)}"><table class="result"><caption class="sr-only">${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>${pager}</div>`;
}

function body(w: WidgetView): string {
  const k = w.kpi;
  if (!w.result) return '<p class="muted">No result yet.</p>';
  if (w.chart.type === 'kpi' && k) {
    const trend = k.change !== undefined ? `<span class="kpi-trend">${k.change >= 0 ? '▲' : '▼'} ${esc(formatNumber(Math.abs(k.change)))} vs previous period</span>` : '';
    return `<div class="kpi-tile ${esc(k.status ?? 'none')}" data-kpi-status="${esc(k.status ?? 'none')}"><span class="kpi-value">${k.value === null ? '—' : esc(formatNumber(k.value))}</span><span class="kpi-label">${esc(k.label.replace(/_/g, ' '))}</span>${trend}</div>`;
  }
  if (w.chart.type === 'table') return table(w.result.columns, w.result.rows, w.title);
  // the server's drawing, scaled to the box as the app shows it until ECharts takes over (WidgetCard)
  const svg = w.firstPaint?.svg.replace(/^<svg width="\d+" height="\d+"/, '<svg width="100%" height="100%" preserveAspectRatio="xMidYMid meet"') ?? '';
  return `<div class="widget-chart" role="img" aria-label="${esc(`${w.chart.type} chart: ${w.title}`)}" data-chart-type="${esc(w.chart.type)}">${svg}</div>`;
}

function widget(w: WidgetView, editable: boolean): string {
  const outdated = w.savedStatus === 'changed' || w.savedStatus === 'uncompilable';
  const icon = (t: string, label: string, c: string) => `<button type="button" class="btn small icon" title="${t}" aria-label="${esc(`${label} ${w.title}`)}">${c}</button>`;
  return (
    `<article class="widget${w.error ? ' has-error' : ''}" aria-label="${esc(w.title)}" data-widget-id="${esc(w.id)}">` +
    `<header class="widget-head"><div class="widget-title"><h2 title="${esc(w.question ?? w.title)}">${esc(w.title)}</h2><p class="muted small" data-testid="as-of">${esc(asOf(w.dataAsOf))} · ${esc(refreshLabel(w))}</p></div>` +
    `<div class="widget-actions">${icon('Refresh now', 'Refresh', '↻')}${editable ? icon('Edit', 'Edit', '✎') + icon('Remove', 'Remove', '×') : ''}</div></header>` +
    (w.error ? `<p class="widget-error" role="alert">Refresh failed: ${esc(w.error.message)}${w.result ? ' (showing the last good result)' : ''}</p>` : '') +
    (outdated ? `<p class="widget-note">Saved under another training version, which reads it differently now. ${editable ? '<button type="button" class="btn small">Re-generate</button>' : ''}</p>` : '') +
    `<div class="widget-body">${body(w)}</div></article>`
  );
}

/** Each widget's place: the layout's, or where the web app puts a widget without one (Dashboards page), compacted upwards by react-grid-layout's own vertical compactor, as the app's grid does. */
export function placements(d: Pick<DashboardView, 'layout' | 'widgets'>): LayoutItem[] {
  const items = d.widgets.map((w, n) => ({ ...(d.layout.find((l) => l.i === w.id) ?? { i: w.id, x: (n % 2) * 6, y: 100 + n * 8, w: 6, h: 8 }) }));
  const placed = new Map(verticalCompactor.compact(items, COLS).map((l) => [l.i, l]));
  return items.map((it) => ({ ...it, x: placed.get(it.i)?.x ?? it.x, y: placed.get(it.i)?.y ?? it.y }));
}

/** The grid as react-grid-layout lays it out; widths are fractions of the container, so any page width matches. */
function grid(d: DashboardView): string {
  const places = placements(d);
  const px = (rows: number) => rows * ROW + Math.max(0, rows - 1) * GAP;
  const rows = Math.max(0, ...places.map((p) => p.y + p.h));
  const col = `((100% - ${(COLS + 1) * GAP}px) / ${COLS})`;
  const items = d.widgets
    .map((w, n) => {
      const p = places[n]!;
      const style = `position:absolute;left:calc(${GAP}px + ${p.x} * (${col} + ${GAP}px));width:calc(${p.w} * ${col} + ${(p.w - 1) * GAP}px);top:${GAP + p.y * (ROW + GAP)}px;height:${px(p.h)}px`;
      return `<div class="grid-item" style="${style}">${widget(w, d.editable)}</div>`;
    })
    .join('');
  return `<div class="grid-wrap"><div style="position:relative;height:${rows ? px(rows) + 2 * GAP : 0}px">${items}</div></div>`;
}

/** The page's first paint: the app's frame around the dashboard's grid, inert until the app takes its place. */
export function dashboardPageHtml({ dashboard: d, list, user, can, meta }: DashboardPageInput): string {
  return (
    `<div id="otc-first-paint" class="app" inert="">${topbar(user, can, meta)}` +
    `<main class="main"><section class="dashboards" aria-label="Dashboards">${toolbar(d, list, can('save_widgets'))}${filtersBar(d)}${grid(d)}</section></main></div>`
  );
}
