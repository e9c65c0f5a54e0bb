/**
 * One correlation id per HTTP request: taken from a well-formed `X-Request-Id` header (a proxy's
 * or a client's) or made here, logged with every line of the request (pino's reqId), returned in
 * the `x-request-id` response header, and written by the audit log into the details of every
 * record appended while the request is handled (`request_id`), so log lines and audit records
 * of one request can be joined.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const als = new AsyncLocalStorage<{ requestId: string }>();

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

/** Fastify `genReqId`: the caller's X-Request-Id when well-formed, else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const h = req.headers['x-request-id'];
  return typeof h === 'string' && WELL_FORMED.test(h) ? h : randomUUID();
}

/** Runs `fn` (the rest of the request) with its id in context. */
export function runWithRequestId(requestId: string, fn: () => void): void {
  als.run({ requestId }, fn);
}

/** The id of the request being handled, if any. */
export function currentRequestId(): string | undefined {
  return als.getStore()?.requestId;
}
