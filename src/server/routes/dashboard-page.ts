import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../auth/index.js';
import { dashboardPageHtml, type PageMeta } from '../../dashboards/page-html.js';
import type { DashboardService, DashboardView } from '../../dashboards/service.js';
import { isOtcError } from '../../shared/errors.js';
import { requirePermission } from '../session.js';
import { dashboardListSchema, dashboardSchema, idParams } from './dashboards.js';
import { metaSchema, readMeta } from './meta.js';

/**
 * The dashboard page drawn on the server (GET /dashboards?id=…, the web app's own address): for
 * a signed-in user who may see the dashboard, the app's index.html with the dashboard's grid
 * already drawn from its widgets' cached results (page-html.ts) and the dashboard's JSON inlined
 * for the app, which takes over without fetching it again. The data is what the API answers this
 * user, read from the same code without a round through the router: the API routes' own
 * permission check (GET /api/dashboards and /api/dashboards/:id's preHandler), their id check,
 * the dashboards service (which decides who sees which dashboard), the top bar's readMeta, and
 * each answer serialized with its route's response schema. Anyone else (not signed in, a role
 * without dashboards, a password to change, a dashboard not shared with them, a viewer's own
 * filters in the address) gets the plain app page, which signs in or shows the API's error. Not
 * stored by browsers or proxies: it holds data.
 */
export const dashboardPageRoute: FastifyPluginAsync<{ root?: string; service: DashboardService }> = async (app, { root, service }) => {
  if (!root) return;
  const template = pageTemplate(root);
  const see = requirePermission('view');
  /** The last page drawn per user and dashboard, with the API answers it was drawn from. */
  const drawings = new Map<string, { page: Template; one: string; list: string; meta: string; html: string }>();

  app.get('/dashboards', { schema: { hide: true } }, async (req, reply) => {
    const page = template();
    const html = page && (req.headers.accept ?? '').includes('text/html') ? await firstPaint(req, reply, page).catch((e: unknown) => {
      req.log.warn({ err: e }, 'dashboard page: drawn by the app instead');
      return undefined;
    }) : undefined;
    if (html) return sendPage(reply, html);
    reply.callNotFound(); // the web plugin's answer: the plain app page, or the JSON 404
    return reply;
  });

  /** The API's answer of GET /api/dashboards/:id, or undefined where it answers an error (a bad id, not found, not shared). */
  async function dashboardOf(req: FastifyRequest, id: string, viewer: { username: string; role: string }): Promise<DashboardView | undefined> {
    if (!req.validateInput({ id }, idParams)) return undefined;
    return service.get(id, viewer).catch((e: unknown) => (isOtcError(e) && e.status < 500 ? undefined : Promise.reject(e)));
  }

  async function firstPaint(req: FastifyRequest, reply: FastifyReply, page: Template): Promise<string | undefined> {
    const u = req.user;
    if (!u) return undefined;
    // the API routes' own check: signed in, no password to change, a role that may view dashboards
    if (!(await see.call(app, req, reply).then(() => true, () => false))) return undefined;
    const q = new URLSearchParams(req.url.split('?')[1] ?? '');
    // a viewer's own filters (mine=1&…) are run by the app: only the shared view is drawn here
    if ([...q.keys()].some((k) => k !== 'id') || q.getAll('id').length > 1) return undefined;
    const viewer = { username: u.username, role: u.role };
    const asked = q.get('id');
    const [dashboards, metaOf, asAsked] = await Promise.all([service.list(viewer), readMeta(app.deps).catch(() => undefined), asked !== null ? dashboardOf(req, asked, viewer) : undefined]);
    const id = asked ?? dashboards[0]?.id;
    if (id === undefined) return undefined;
    const dashboard = asked !== null ? asAsked : await dashboardOf(req, id, viewer);
    if (!dashboard) return undefined;
    // each as its route sends it (the same schema, so the same JSON)
    const json = (v: unknown, schema: object) => reply.serializeInput(v as Record<string, unknown>, schema as Record<string, unknown>);
    const one = json(dashboard, dashboardSchema);
    const list = json(dashboards, dashboardListSchema);
    const meta = metaOf ? json(metaOf, metaSchema) : '';
    // drawn again only when what the API answers this user changed (a refresh, an edit, the list, the training)
    const key = `${u.id}|${u.role}|${u.displayName ?? ''}|${id}`;
    const hit = drawings.get(key);
    if (hit && hit.page === page && hit.one === one && hit.list === list && hit.meta === meta) return hit.html;
    const drawn = dashboardPageHtml({ dashboard: JSON.parse(one) as DashboardView, list: JSON.parse(list) as { id: string; name: string }[], user: u, can: (p) => can(u.role, p as never), ...(meta ? { meta: JSON.parse(meta) as PageMeta } : {}) });
    // `<` as \u003c: the JSON cannot end its script element, and stays the same JSON
    const data = `{"id":${JSON.stringify(id)},"dashboard":${one},"list":${list}${meta ? `,"meta":${meta}` : ''}}`.replace(/</g, '\\u003c');
    const html = page.head + FIRST_PAINT_STYLE + page.bodyOpen + drawn + `<script type="application/json" id="otc-first-paint-data">${data}</script>` + page.rest;
    drawings.delete(key); // most recent last: the oldest go first
    drawings.set(key, { page, one, list, meta, html });
    if (drawings.size > MAX_DRAWINGS) drawings.delete(drawings.keys().next().value!);
    return html;
  }
};

/** Pages kept drawn (per user and dashboard; each is 50-250 KB for a dozen widgets, so ~10 MB at most). */
const MAX_DRAWINGS = 50;

function sendPage(reply: FastifyReply, html: string) {
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('vary', 'cookie').send(html);
}

/** The app's root stays out of sight (laid out, so it can measure its grid) while the server's drawing is there. */
const FIRST_PAINT_STYLE = '<style>#otc-first-paint~#root{visibility:hidden;position:absolute;top:0;left:0;right:0}</style>';

interface Template {
  head: string;
  bodyOpen: string;
  rest: string;
}

/**
 * index.html split around `<body>`, its stylesheet inlined (the first paint waits for no request
 * but the page's own); read again when the file changes (a rebuild while the server runs).
 */
function pageTemplate(root: string): () => Template | undefined {
  let cached: { mtimeMs: number; t: Template | undefined } | undefined;
  return () => {
    const file = join(root, 'index.html');
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
    if (cached?.mtimeMs === mtimeMs) return cached.t;
    let html = readFileSync(file, 'utf8');
    html = html.replace(/<link rel="stylesheet"[^>]*href="\/(assets\/[^"]+\.css)"[^>]*>/g, (link, href: string) => {
      try {
        return `<style>${readFileSync(join(root, href), 'utf8').replace(/<\/style/gi, '<\\/style')}</style>`;
      } catch {
        return link;
      }
    });
    const at = html.search(/<body[^>]*>/);
    const open = /<body[^>]*>/.exec(html);
    const headEnd = html.indexOf('</head>');
    const t = at < 0 || !open || headEnd < 0 || headEnd > at ? undefined : { head: html.slice(0, headEnd), bodyOpen: html.slice(headEnd, at + open[0].length), rest: html.slice(at + open[0].length) };
    cached = { mtimeMs, t };
    return t;
  };
}
