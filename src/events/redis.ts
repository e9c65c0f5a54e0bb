/**
 * The event bus of the enterprise deployment: Redis pub/sub on one channel per deployment
 * (`<OTC_REDIS_PREFIX>:events`). A process delivers its own events to its listeners at once and
 * ignores their echo from Redis, so its own browsers are served even while Redis is away.
 * Messages are validated on receipt; an unknown type (a newer process during a rolling upgrade)
 * is dropped.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { eventsUnavailable } from './errors.js';
import { Listeners } from './local.js';
import { appEventSchema, type AppEvent, type Delivered, type EventBus } from './types.js';

export interface RedisEventBusOptions {
  /** redis://[user:password@]host:port[/db] or rediss://… */
  url: string;
  /** Key and channel prefix (OTC_REDIS_PREFIX). */
  prefix: string;
  origin?: string;
  /** Connection trouble and listener failures (logged by the caller); never thrown. */
  onError?: (e: unknown) => void;
  /** How long connecting may take at open (default 5000 ms). */
  connectTimeoutMs?: number;
}

const envelope = z.object({ at: z.string(), origin: z.string() });

/** host:port of the URL, never its password. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the configured Redis';
  }
}

export async function openRedisEventBus(o: RedisEventBusOptions): Promise<EventBus> {
  const origin = o.origin ?? randomUUID();
  const channel = `${o.prefix}:events`;
  const onError = o.onError ?? (() => undefined);
  const listeners = new Listeners();
  const common = { lazyConnect: true, connectTimeout: o.connectTimeoutMs ?? 5000 } as const;
  // Publishing fails fast while Redis is away (the caller logs it); the subscriber reconnects and subscribes again by itself.
  const pub = new Redis(o.url, { ...common, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  const sub = new Redis(o.url, { ...common, maxRetriesPerRequest: null, autoResubscribe: true });
  // One report per outage per connection, not one per reconnect attempt.
  for (const c of [pub, sub]) {
    let reported = false;
    c.on('error', (e: unknown) => {
      if (reported) return;
      reported = true;
      onError(eventsUnavailable(hostOf(o.url), (e as Error).message));
    });
    c.on('ready', () => {
      reported = false;
    });
  }
  sub.on('message', (ch: string, raw: string) => {
    if (ch !== channel) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const meta = envelope.safeParse(parsed);
    const event = appEventSchema.safeParse(parsed);
    if (!meta.success || !event.success || meta.data.origin === origin) return;
    listeners.deliver({ ...event.data, ...meta.data }, onError);
  });
  try {
    await pub.connect();
    await sub.connect();
    await sub.subscribe(channel);
  } catch (e) {
    pub.disconnect();
    sub.disconnect();
    throw eventsUnavailable(hostOf(o.url), (e as Error).message);
  }

  // Takes a free lease or extends our own, atomically: SET NX PX, else PEXPIRE when we hold it.
  const LEASE = `local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
  const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
  const held = new Set<string>();
  let closing: Promise<void> | undefined;
  return {
    kind: 'redis',
    origin,
    async publish(event: AppEvent) {
      const delivered: Delivered = { ...event, at: new Date().toISOString(), origin };
      listeners.deliver(delivered, onError);
      try {
        await pub.publish(channel, JSON.stringify(delivered));
      } catch (e) {
        throw eventsUnavailable(hostOf(o.url), (e as Error).message);
      }
    },
    subscribe: (l) => listeners.add(l),
    async lease(name: string, ttlMs: number) {
      try {
        const mine = (await pub.eval(LEASE, 1, `${o.prefix}:lease:${name}`, origin, String(Math.max(1, Math.round(ttlMs))))) === 1;
        if (mine) held.add(name);
        else held.delete(name);
        return mine;
      } catch (e) {
        onError(eventsUnavailable(hostOf(o.url), (e as Error).message));
        return false;
      }
    },
    close() {
      closing ??= (async () => {
        listeners.clear();
        // leases held are handed back at once (another process takes over on its next try, not after the expiry)
        await Promise.allSettled([...held].map((n) => pub.eval(RELEASE, 1, `${o.prefix}:lease:${n}`, origin)));
        await Promise.allSettled([sub.quit(), pub.quit()]);
      })();
      return closing;
    },
  };
}
