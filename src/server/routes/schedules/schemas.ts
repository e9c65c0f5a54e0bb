/** JSON schemas of the scheduler API (the scheduler validates specs itself, with coded errors). */
const scheduleSpec = { type: 'object', description: 'daily | weekly | monthly | every | cron, with timeZone (IANA) and an optional calendar', additionalProperties: true } as const;

export const scheduleSchema = {
  type: 'object',
  required: ['id', 'name', 'handler', 'payload', 'spec', 'description', 'catchUp', 'timeoutMs', 'maxAttempts', 'state', 'nextFireAt', 'createdBy', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    handler: { type: 'string' },
    payload: { type: 'object', additionalProperties: true },
    spec: scheduleSpec,
    description: { type: 'string' },
    catchUp: { type: 'string', enum: ['skip', 'latest', 'all'] },
    timeoutMs: { type: 'integer' },
    maxAttempts: { type: 'integer' },
    state: { type: 'string', enum: ['active', 'paused'] },
    nextFireAt: { type: ['string', 'null'] },
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
  additionalProperties: false,
} as const;

export const runSchema = {
  type: 'object',
  required: ['id', 'scheduleId', 'scheduledAt', 'reason', 'state', 'attempts', 'maxAttempts', 'fence', 'worker', 'claimedAt', 'finishedAt', 'error', 'idempotencyKey'],
  properties: {
    id: { type: 'string' },
    scheduleId: { type: 'string' },
    scheduledAt: { type: 'string' },
    reason: { type: 'string', enum: ['schedule', 'catch_up', 'manual'] },
    state: { type: 'string', enum: ['pending', 'running', 'succeeded', 'failed'] },
    attempts: { type: 'integer' },
    maxAttempts: { type: 'integer' },
    fence: { type: 'integer' },
    worker: { type: ['string', 'null'] },
    claimedAt: { type: ['string', 'null'] },
    finishedAt: { type: ['string', 'null'] },
    error: { type: ['string', 'null'] },
    idempotencyKey: { type: 'string' },
  },
  additionalProperties: false,
} as const;

export const scheduleOverviewSchema = {
  type: 'object',
  required: ['schedule', 'nextFires', 'lastRun'],
  properties: {
    schedule: scheduleSchema,
    nextFires: { type: 'array', items: { type: 'string' } },
    lastRun: { anyOf: [runSchema, { type: 'null' }] },
  },
  additionalProperties: false,
} as const;

export const scheduleInputBody = {
  type: 'object',
  required: ['name', 'handler', 'spec'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    handler: { type: 'string', minLength: 1, maxLength: 64 },
    payload: { type: 'object', additionalProperties: true },
    spec: scheduleSpec,
    catchUp: { type: 'string', enum: ['skip', 'latest', 'all'] },
    timeoutMs: { type: 'integer' },
    maxAttempts: { type: 'integer' },
  },
  additionalProperties: false,
} as const;

export const healthSchema = {
  type: 'object',
  required: ['backend', 'ok'],
  properties: { backend: { type: 'string' }, ok: { type: 'boolean' }, error: { type: 'string' }, since: { type: 'string' } },
  additionalProperties: false,
} as const;

export const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 64 } }, additionalProperties: false } as const;
