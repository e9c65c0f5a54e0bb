import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../auth/index.js';
import { dashboardPageHtml, type PageMeta } from '../../dashboards/page-html.js';
import type { DashboardView } from '../../dashboards/service.js';

/**
 * The dashboard page drawn on the server (GET /dashboards?id=…, the web app's own address): for
 * a signed-in user who may see the dashboard, the app's index.html with the dashboard's grid
 * already drawn from its widgets' cached results (page-html.ts) and the dashboard's JSON inlined
 * for the app, which takes over without fetching it again. The data comes from the API itself
 * (GET /api/dashboards/:id, /api/dashboards and the top bar's /api/meta under the request's own cookie), so who sees what
 * is exactly the API's: anyone else (not signed in, a role without dashboards, a password to
 * change, a dashboard not shared with them, a viewer's own filters in the address) gets the
 * plain app page, which signs in or shows the API's error. Not stored by browsers or proxies:
 * it holds data.
 */
export const dashboardPageRoute: FastifyPluginAsync<{ root?: string }> = async (app, { root }) => {
  if (!root) return;
  const template = pageTemplate(root);
  /** The last page drawn per user and dashboard, with the API answers it was drawn from. */
  const drawings = new Map<string, { page: Template; one: string; list: string; meta: string; html: string }>();

  app.get('/dashboards', { schema: { hide: true } }, async (req, reply) => {
    const page = template();
    const html = page && (req.headers.accept ?? '').includes('text/html') ? await firstPaint(req, page).catch((e: unknown) => {
      req.log.warn({ err: e }, 'dashboard page: drawn by the app instead');
      return undefined;
    }) : undefined;
    if (html) return sendPage(reply, html);
    reply.callNotFound(); // the web plugin's answer: the plain app page, or the JSON 404
    return reply;
  });

  async function firstPaint(req: FastifyRequest, page: Template): Promise<string | undefined> {
    const u = req.user;
    if (!u || u.mustChangePassword || !can(u.role, 'view')) return undefined;
    const q = new URLSearchParams(req.url.split('?')[1] ?? '');
    // a viewer's own filters (mine=1&…) are run by the app: only the shared view is drawn here
    if ([...q.keys()].some((k) => k !== 'id') || q.getAll('id').length > 1) return undefined;
    const headers = { cookie: req.headers.cookie ?? '', accept: 'application/json' };
    const [list, meta] = await Promise.all([app.inject({ method: 'GET', url: '/api/dashboards', headers }), app.inject({ method: 'GET', url: '/api/meta', headers })]);
    if (list.statusCode !== 200) return undefined;
    const id = q.get('id') ?? (JSON.parse(list.body) as { id: string }[])[0]?.id;
    if (!id) return undefined;
    const one = await app.inject({ method: 'GET', url: `/api/dashboards/${encodeURIComponent(id)}`, headers });
    if (one.statusCode !== 200) return undefined;
    const withMeta = meta.statusCode === 200;
    // drawn again only when what the API answers this user changed (a refresh, an edit, the list, the training)
    const key = `${u.id}|${u.role}|${u.displayName ?? ''}|${id}`;
    const hit = drawings.get(key);
    if (hit && hit.page === page && hit.one === one.body && hit.list === list.body && hit.meta === meta.body) return hit.html;
    const dashboard = JSON.parse(one.body) as DashboardView;
    const drawn = dashboardPageHtml({ dashboard, list: JSON.parse(list.body) as { id: string; name: string }[], user: u, can: (p) => can(u.role, p as never), ...(withMeta ? { meta: JSON.parse(meta.body) as PageMeta } : {}) });
    // `<` as \u003c: the JSON cannot end its script element, and stays the same JSON
    const data = `{"id":${JSON.stringify(id)},"dashboard":${one.body},"list":${list.body}${withMeta ? `,"meta":${meta.body}` : ''}}`.replace(/</g, '\\u003c');
    const html = page.head + FIRST_PAINT_STYLE + page.bodyOpen + drawn + `<script type="application/json" id="otc-first-paint-data">${data}</script>` + page.rest;
    drawings.delete(key); // most recent last: the oldest go first
    drawings.set(key, { page, one: one.body, list: list.body, meta: meta.body, html });
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
