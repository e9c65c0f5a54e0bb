import { PermanentDeliveryError, TransientDeliveryError } from '../errors.js';

/** The origin and path of a URL without its query or credentials (webhook URLs carry secrets in them). */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.split('/').slice(0, 3).join('/')}/…`;
  } catch {
    return '(an invalid URL)';
  }
}

/**
 * One HTTP request of a delivery, classified: 2xx returns the response; 4xx (but 408 and 429) is
 * a PermanentDeliveryError; 5xx, 408, 429, a timeout or a network error is a TransientDeliveryError.
 * `label` names the other side in errors (never the secret URL itself).
 */
export async function send(label: string, url: string, init: RequestInit & { timeoutMs: number }): Promise<Response> {
  const { timeoutMs, ...rest } = init;
  let res: Response;
  try {
    res = await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const timedOut = (e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError';
    throw new TransientDeliveryError(timedOut ? `${label} did not answer within ${timeoutMs} ms` : `${label} could not be reached: ${(e as Error).message}`, { cause: e });
  }
  if (res.ok) return res;
  const text = (await res.text().catch(() => '')).slice(0, 300);
  const message = `${label} answered ${res.status}${text ? `: ${text}` : ''}`;
  if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429) throw new PermanentDeliveryError(message);
  throw new TransientDeliveryError(message);
}
