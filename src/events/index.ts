/**
 * Events between the processes of a deployment: what happened (a schedule ran, a schedule or the
 * active training version changed), for the server-sent events of every API process. One
 * interface, two buses: in the process (lightweight) and Redis pub/sub (enterprise).
 */
export { appEventSchema, type AppEvent, type AppEventType, type Delivered, type EventBus, type EventListener } from './types.js';
export { createLocalEventBus } from './local.js';
export { openRedisEventBus, type RedisEventBusOptions } from './redis.js';
export { EventsErrorCode } from './errors.js';

import { createLocalEventBus } from './local.js';
import { openRedisEventBus } from './redis.js';
import type { EventBus } from './types.js';

/** Redis pub/sub when OTC_REDIS_URL is set (every process of the deployment), else this process only. */
export function eventBusFromConfig(cfg: { redisUrl?: string; redisPrefix?: string }, opts: { onError?: (e: unknown) => void } = {}): Promise<EventBus> {
  return cfg.redisUrl ? openRedisEventBus({ url: cfg.redisUrl, prefix: cfg.redisPrefix ?? 'otc', ...opts }) : Promise.resolve(createLocalEventBus(opts));
}
