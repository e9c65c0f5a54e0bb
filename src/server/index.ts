/** The HTTP server: the API (OpenAPI at /api/docs) and the web app, in one process. */
export { buildServer } from './app.js';
export type { ServerDeps, ServerSettings } from './deps.js';
export { SESSION_COOKIE } from './session.js';
export { startServer, type StartedServer, type StartOptions } from './bootstrap.js';
