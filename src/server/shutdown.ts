import type { FastifyInstance } from 'fastify';

/**
 * Graceful stop: the server stops accepting connections, /readyz answers 503 (load balancers
 * stop sending), idle keep-alive connections are closed (also those that become idle while
 * closing), and requests in flight run to their
 * end. Requests still running after `graceMs` have their connections closed so the process
 * can exit (an orchestrator would kill it anyway). Resolves when the server is closed.
 */
export async function closeGracefully(app: FastifyInstance, graceMs: number): Promise<{ forced: boolean }> {
  let forced = false;
  const timer = setTimeout(() => {
    forced = true;
    app.server.closeAllConnections();
  }, graceMs);
  timer.unref();
  // A keep-alive connection that finishes its request after close() began would otherwise stay
  // open until its keep-alive timeout (72 s in Fastify): close each as soon as it is idle.
  const idle = setInterval(() => app.server.closeIdleConnections(), 100);
  idle.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
    clearInterval(idle);
  }
  return { forced };
}
