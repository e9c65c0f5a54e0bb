import { createHmac } from 'node:crypto';
import { send, safeUrl } from './http.js';
import { ChannelNotConfigured } from './not-configured.js';
import type { Deliver } from './types.js';

/** The signature of a webhook body: hex HMAC-SHA256 of `${timestamp}.${body}` under the shared secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * A generic webhook: JSON describing the run and its files (names, rows, sizes, SHA-256, links),
 * signed with HMAC-SHA256 (headers X-OTC-Timestamp and X-OTC-Signature: sha256=<hex>), with the
 * run's Idempotency-Key so the receiver can drop a repeated delivery.
 */
export const deliver: Deliver<'webhook'> = async (report, target, ctx) => {
  const secret = ctx.settings.webhookSecret;
  if (!secret) throw new ChannelNotConfigured('webhook', ['OTC_REPORT_WEBHOOK_SECRET']);
  const body = JSON.stringify({
    event: 'report.run',
    runId: report.runId,
    idempotencyKey: report.idempotencyKey,
    title: report.title,
    asOf: report.asOf,
    summary: report.summary,
    files: report.files.map((f) => ({ name: f.name, format: f.format, rows: f.rows, bytes: f.bytes, sha256: f.sha256, url: report.linkFor(f) ?? null })),
  });
  const ts = String(Math.floor(Date.now() / 1000));
  const res = await send(`the webhook ${safeUrl(target.url)}`, target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-otc-timestamp': ts, 'x-otc-signature': `sha256=${signWebhook(secret, ts, body)}`, 'idempotency-key': `${report.idempotencyKey}:${ctx.targetKey}` },
    body,
    timeoutMs: ctx.timeoutMs,
  });
  return { recipients: [safeUrl(target.url)], details: { status: res.status } };
};
