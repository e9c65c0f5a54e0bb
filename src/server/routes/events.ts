import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { can, type Permission } from '../../auth/index.js';
import type { AppEvent, AppEventType, Delivered } from '../../events/index.js';
import { errors } from '../schemas.js';
import { requireUser } from '../session.js';

/** Who may see each kind of event (the same permission as the page that shows it). */
const SEEN_WITH: Record<AppEventType, Permission | null> = {
  schedule_run: 'manage_schedules',
  schedule_changed: 'manage_schedules',
  training_activated: 'view',
  // between API processes only: a dashboard's viewers get its widgets on GET /api/dashboards/:id/events
  dashboard_widget: null,
  dashboard_realtime: null,
};

/** A comment line keeps proxies from closing an idle stream; the session is checked again at each. */
const HEARTBEAT_MS = 15_000;

/** Publishes on the deployment's event bus; a failure (Redis away) is logged, never thrown at the request that caused it. */
export function publishEvent(app: FastifyInstance, event: AppEvent): void {
  const bus = app.deps.events;
  if (!bus) return;
  bus.publish(event).catch((e: unknown) => app.log.warn({ err: (e as Error).message, event: event.type }, 'event not published to the other processes'));
}

/**
 * GET /api/events: server-sent events for the signed-in user, from every process of the
 * deployment (the event bus): schedule runs and changes (admins), the active training version
 * (everyone who may view). Each message is `event: <type>` with the event as JSON. The stream
 * ends when the session ends or the server shuts down; the browser's EventSource reconnects.
 */
export const eventRoutes: FastifyPluginAsync = async (app) => {
  const open = new Set<ServerResponse>();
  // Graceful shutdown waits for requests in flight: streams never finish by themselves.
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  app.get(
    '/api/events',
    {
      preHandler: requireUser,
      schema: {
        tags: ['system'],
        summary: 'Server-sent events (text/event-stream): schedule_run, schedule_changed (admins), training_activated',
        querystring: { type: 'object', properties: {}, additionalProperties: false },
        response: { 200: { description: 'an event stream: `event: <type>` and `data: <JSON>` per message', type: 'string' }, ...errors },
      },
    },
    async (req, reply) => {
      const bus = app.deps.events;
      let user = req.user!;
      const token = req.sessionToken;
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 3000\n: connected${bus ? '' : ' (no event bus: nothing will be pushed)'}\n\n`);
      open.add(res);
      const send = (e: Delivered) => {
        const needs = SEEN_WITH[e.type];
        if (needs === null || !can(user.role, needs)) return;
        res.write(`event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`);
      };
      const unsubscribe = bus?.subscribe(send) ?? (() => undefined);
      const heartbeat = setInterval(() => {
        void (async () => {
          const still = token ? await app.auth.userForSession(token).catch(() => null) : null;
          if (!still || still.id !== user.id) return res.end();
          user = still; // a role changed meanwhile applies from now on
          res.write(': heartbeat\n\n');
        })();
      }, HEARTBEAT_MS);
      heartbeat.unref();
      res.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(res);
      });
    },
  );
};
