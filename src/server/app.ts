import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { ecsFormat } from '@elastic/ecs-pino-format';
import { redactPathsFor } from '../audit/privacy.js';
import { requestIdOf, runWithRequestId } from '../logging/request-context.js';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import helmet from 'helmet';
import { Redis } from 'ioredis';
import { createAuthService } from '../auth/index.js';
import { contextPlugin } from './context.js';
import type { ServerDeps } from './deps.js';
import { errorSchema, installErrorHandler, toErrorBody } from './errors.js';
import { webPlugin } from './plugins/web.js';
import { requestHardeningPlugin } from './plugins/request-hardening.js';
import { wellFormedInputPlugin } from './plugins/well-formed-input.js';
import { askRoutes } from './routes/ask.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { eventRoutes, publishEvent } from './routes/events.js';
import { exportRoutes } from './routes/export.js';
import { feedbackRoutes } from './routes/feedback.js';
import { healthRoutes } from './routes/health.js';
import { metaRoutes } from './routes/meta.js';
import { oidcRoutes } from './routes/oidc.js';
import { reportRoutes } from './routes/reports.js';
import { savedRoutes } from './routes/saved.js';
import { dashboardRoutes } from './routes/dashboards.js';
import { dashboardPageRoute } from './routes/dashboard-page.js';
import { createDashboardService } from '../dashboards/index.js';
import { threadRoutes } from './routes/threads.js';
import { trainingRoutes } from './routes/training/index.js';
import { userRoutes } from './routes/users.js';
import { scheduleRoutes } from './routes/schedules/index.js';
import { cookieOptions, CSRF_HMAC_KEY, csrfUserInfo, requirePermission, sessionPlugin } from './session.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * No line per request or response (OTC_LOG_REQUESTS=off, or auto on a terminal): the rest of
 * Fastify's log lines stay, a request that fails among them.
 */
class QuietRequests extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(...args: Parameters<LogController['requestCompleted']>): void {
    if (args[0]) super.requestCompleted(...args);
  }
}

/**
 * The HTTP server: one Fastify instance serving the API under /api (OpenAPI at /api/docs) and
 * the web app. Plugins are registered in a fixed order: context decorators, error handler,
 * security headers, cookies, CSRF, rate limits, sessions, OpenAPI, routes, static web app.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { settings } = deps;
  const app = Fastify({
    // ECS field names (log.level, @timestamp, message, http.*, url.*) for Elastic and Splunk; one id per request.
    logger: { ...ecsFormat({ convertReqRes: true, apmIntegration: false, serviceName: 'otc-copilot' }), level: settings.logLevel ?? 'info', redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]', ...redactPathsFor(settings.maskColumns)], ...(settings.logStream ? { stream: settings.logStream } : {}) },
    // Only the configured proxies' X-Forwarded-For is believed (OTC_TRUSTED_PROXIES), never anyone's.
    trustProxy: settings.trustedProxies?.length ? settings.trustedProxies : false,
    genReqId: requestIdOf,
    ...(settings.logRequests === false ? { logController: new QuietRequests() } : {}),
    bodyLimit: 256 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });
  const auth = deps.auth ?? createAuthService({ db: deps.store.db, audit: deps.audit, sessionTtlMs: settings.sessionTtlMs, ...(deps.sso ? { sso: { emergencyAdmin: deps.sso.emergencyAdmin } } : {}) });

  // 0. The request's correlation id: in the response header, and in context for the audit records.
  app.addHook('onRequest', (req, reply, done) => {
    void reply.header('x-request-id', req.id);
    runWithRequestId(req.id, done);
  });

  // 1. The opened modules, for every route.
  await app.register(contextPlugin, { deps, auth });
  app.addSchema(errorSchema);
  installErrorHandler(app);
  await app.register(wellFormedInputPlugin);

  // 2. Security headers; the CSP allows the SPA's own scripts and ECharts' inline styles.
  // helmet's middleware built once: @fastify/helmet built it again on every request (its options
  // parsed each time, ~1.3% of a busy server's event loop, issue 14 item 7); the headers are the same.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    hsts: settings.publicUrl?.startsWith('https:') ? undefined : false,
  });
  app.addHook('onRequest', (req, reply, done) => securityHeaders(req.raw, reply.raw, (e?: unknown) => done(e instanceof Error ? e : undefined)));

  // 3. Cookies, then CSRF (double submit: a secret cookie + the x-csrf-token header) on every state-changing /api route.
  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: 'otc_csrf',
    cookieOpts: cookieOptions(settings.publicUrl),
    getToken: (req) => req.headers['x-csrf-token'] as string | undefined,
    // tokens are bound to the session (session.ts csrfUserInfo)
    csrfOpts: { hmacKey: CSRF_HMAC_KEY },
    getUserInfo: csrfUserInfo,
  });
  app.addHook('onRequest', (req, reply, done) => {
    if (SAFE_METHODS.has(req.method) || !req.url.startsWith('/api/')) return done();
    app.csrfProtection(req, reply, done);
  });

  // 4. Sessions: request.user from the session cookie.
  await app.register(sessionPlugin);
  await app.register(requestHardeningPlugin); // signed in before a body is read; Cache-Control: no-store

  // 5. Rate limits, per route (sign-in, ask).
  // With several API processes the counters are in Redis; a Redis outage lets requests through
  // (skipOnError) rather than locking everyone out. The per-user-name sign-in limit is counted
  // there too (login-limiter.ts); during an outage each process still applies it to what it saw.
  const rl = settings.rateLimitRedis;
  const rateRedis = rl ? new Redis(rl.url, { connectTimeout: 500, maxRetriesPerRequest: 1, lazyConnect: false }) : undefined;
  if (rateRedis) {
    let down = false; // one warning per outage, not one per reconnect attempt
    rateRedis.on('error', (e: Error) => {
      if (!down) app.log.warn({ err: e.message }, 'rate limits: Redis cannot be reached; limits are not applied until it is back');
      down = true;
    });
    rateRedis.on('ready', () => {
      down = false;
    });
    app.addHook('onClose', async () => {
      await rateRedis.quit().catch(() => undefined);
    });
  }
  await app.register(fastifyRateLimit, {
    global: false,
    ...(rateRedis && rl ? { redis: rateRedis, nameSpace: `${rl.prefix}:rl:`, skipOnError: true } : {}),
    errorResponseBuilder: (_req, ctx) => {
      const e = new Error(`Too many requests. Try again in ${Math.ceil(ctx.ttl / 1000)} seconds.`) as Error & { statusCode: number };
      e.statusCode = ctx.statusCode;
      return e;
    },
  });

  // 6. OpenAPI document and its UI at /api/docs.
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'OTC Ops Copilot API', version: '1', description: 'Plain-English questions over OTC operations data. State-changing requests need the session cookie and an x-csrf-token header (GET /api/auth/csrf).' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'otc_session' } } },
      security: [{ session: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    // Swagger UI sets a few inline styles; allow them on its own pages only.
    transformStaticCSP: (header) => header.replace(/style-src ([^;]*)/, "style-src $1 'unsafe-inline'"),
  });

  // 7. Routes.
  await app.register(healthRoutes);
  await app.register(authRoutes, { sharedLimits: rateRedis && rl ? { redis: rateRedis, prefix: rl.prefix } : undefined });
  await app.register(oidcRoutes, { oidc: deps.sso?.provider, emergencyAdmin: deps.sso?.emergencyAdmin });
  await app.register(metaRoutes);
  await app.register(eventRoutes);
  await app.register(askRoutes);
  await app.register(threadRoutes);
  await app.register(exportRoutes);
  await app.register(feedbackRoutes);
  await app.register(savedRoutes);
  await app.register(reportRoutes);
  // Dashboards: the service runs the change probe of real-time widgets and registers the
  // scheduler's dashboard-refresh handler; it stops with the server.
  const dashboards =
    deps.dashboards ??
    createDashboardService({
      store: deps.store,
      audit: deps.audit,
      datasource: deps.datasource,
      answering: async () => deps.answering.require(),
      today: deps.today,
      maxRows: settings.maxRows,
      queryTimeoutMs: settings.queryTimeoutMs,
      probeIntervalMs: settings.dashboardProbeIntervalMs ?? 15_000,
      ...(deps.scheduler ? { scheduler: deps.scheduler } : {}),
      // several API processes: one probes at a time, each pushes every refresh to its own viewers
      ...(deps.events ? { events: deps.events } : {}),
      onError: (what, e) => app.log.warn({ err: e }, `dashboards: ${what} failed`),
    });
  app.decorate('dashboards', dashboards);
  await app.register(dashboardRoutes, { service: dashboards });
  // the dashboard page's first paint drawn here (what the routes above answer the request's own session)
  await app.register(dashboardPageRoute, { root: settings.webRoot, service: dashboards });
  await dashboards.start();
  app.addHook('onClose', async () => dashboards.close());
  await app.register(auditRoutes);
  await app.register(userRoutes);
  // Training: every route needs manage_training (admins). Other roles see what answers through
  // /api/meta; auditors see every training change as training_change records of the audit trail.
  // After an activation or a rollback the server answers with the new version at once.
  await app.register(trainingRoutes, {
    prefix: '/api/training',
    store: deps.store,
    audit: deps.audit,
    datasource: deps.datasource,
    datasourceKey: deps.datasourceKey ?? deps.datasource.description,
    requirePermission: () => requirePermission('manage_training'),
    // No `today`: validation runs at the as-of date the request gives, else the one the profile's examples were written for, else the clock.
    onActivated: async (version) => {
      await deps.answering.reload();
      // The other API processes follow the store on their next question; their browsers learn it now.
      publishEvent(app, { type: 'training_activated', datasourceKey: deps.datasourceKey ?? deps.datasource.description, versionId: version.id, label: `${version.profileName} v${version.version}` });
    },
  });

  // Schedules: admins (manage_schedules); the scheduler audits every change under their name.
  if (deps.scheduler) await app.register(scheduleRoutes, { prefix: '/api/schedules', scheduler: deps.scheduler, requirePermission: () => requirePermission('manage_schedules') });

  // 8. The web app, with the SPA fallback and the JSON 404 of /api.
  await app.register(webPlugin, { root: settings.webRoot });

  return app;
}

export { toErrorBody };
