/** JSON schemas of the API's bodies and replies (the OpenAPI document is generated from them). */
import { understoodQuerySchema } from '../nl2sql/index.js';

const err = { $ref: 'ErrorResponse#' } as const;
/** Error replies every route may give. */
export const errors = { '4xx': err, '5xx': err } as const;

export const userSchema = {
  type: 'object',
  required: ['id', 'username', 'role', 'authProvider', 'disabled', 'createdAt'],
  properties: {
    id: { type: 'string' },
    username: { type: 'string' },
    displayName: { type: ['string', 'null'] },
    role: { type: 'string', enum: ['viewer', 'analyst', 'admin', 'auditor'] },
    authProvider: { type: 'string' },
    disabled: { type: 'boolean' },
    createdAt: { type: 'string' },
    lastLoginAt: { type: ['string', 'null'] },
    mustChangePassword: { type: 'boolean', description: 'An administrator set the password: the user chooses their own at the next sign-in' },
  },
  additionalProperties: false,
} as const;

export const meSchema = {
  type: 'object',
  required: ['user', 'permissions', 'csrfToken'],
  properties: {
    user: userSchema,
    permissions: { type: 'array', items: { type: 'string' } },
    csrfToken: { type: 'string' },
  },
  additionalProperties: false,
} as const;

/** How a result column is shown (src/charts/types.ts ColumnFormat). */
export const columnFormatSchema = {
  type: 'object',
  required: ['name', 'label'],
  properties: {
    name: { type: 'string' },
    label: { type: 'string', description: 'Header with the unit, e.g. "Notional (USD)"' },
    role: { type: 'string', enum: ['measure', 'dimension', 'time', 'detail'] },
    type: { type: 'string', enum: ['number', 'percent', 'date', 'text'] },
    decimals: { type: 'integer' },
    unit: { type: 'string' },
    values: { type: 'object', additionalProperties: { type: 'string' }, description: "Codes and flags -> the profile's words for them" },
  },
  additionalProperties: false,
} as const;

export const askAnswerSchema = {
  type: 'object',
  required: ['status', 'question', 'explanation', 'engine', 'ms'],
  properties: {
    status: { type: 'string', enum: ['answered', 'abstained', 'refused', 'error', 'choose'] },
    question: { type: 'string' },
    explanation: { type: 'string' },
    engine: { type: 'string' },
    sql: { type: 'string' },
    understood: understoodQuerySchema,
    semantic: {
      type: 'object',
      description: "What was understood, in the training profile's names (entity, measures, dimensions, named filters and dates): the semantic query, whose zod schema is src/nl2sql/semantic/semantic-query.ts",
      additionalProperties: true,
    },
    columns: { type: 'array', items: { type: 'string' } },
    columnFormats: { type: 'array', items: columnFormatSchema },
    rows: { type: 'array', items: { type: 'array', items: {} } },
    rowCount: { type: 'integer' },
    truncated: { type: 'boolean' },
    suggestions: { type: 'array', items: { type: 'string' } },
    code: { type: 'string' },
    message: { type: 'string' },
    trainingVersion: { type: 'string' },
    compileMs: { type: 'number' },
    ms: { type: 'number' },
    auditId: { type: 'string' },
    choices: { type: 'array', items: { type: 'object', required: ['label', 'means', 'pick'], properties: { label: { type: 'string' }, means: { type: 'string' }, pick: { type: 'object', additionalProperties: true } }, additionalProperties: false } },
    follows: { type: 'object', required: ['question'], properties: { question: { type: 'string' }, auditId: { type: 'string' } }, additionalProperties: false },
    ties: {
      type: 'object',
      description: 'A top N whose Nth ties with groups beyond it: how many more, which, and the follow-up question that includes them',
      required: ['rank', 'value', 'more', 'atLeast', 'groups', 'note', 'followUp'],
      properties: { rank: { type: 'integer' }, value: { type: ['number', 'string'] }, more: { type: 'integer' }, atLeast: { type: 'boolean' }, groups: { type: 'array', items: { type: 'string' } }, note: { type: 'string' }, followUp: { type: 'string' } },
      additionalProperties: false,
    },
    threadId: { type: 'string' },
  },
  additionalProperties: false,
} as const;

/** A "which one?" option picked, sent back with the question (what ChoiceOption.pick holds). */
export const choicePickSchema = {
  type: 'object',
  required: ['phrase', 'sense'],
  properties: {
    phrase: { type: 'string', minLength: 1, maxLength: 200 },
    sense: {
      oneOf: [
        { type: 'object', required: ['kind', 'dimension', 'value'], properties: { kind: { const: 'value' }, dimension: { type: 'string', minLength: 1, maxLength: 100 }, value: { type: 'string', minLength: 1, maxLength: 300 } }, additionalProperties: false },
        { type: 'object', required: ['kind', 'measure'], properties: { kind: { const: 'measure' }, measure: { type: 'string', minLength: 1, maxLength: 100 } }, additionalProperties: false },
        { type: 'object', required: ['kind', 'filter'], properties: { kind: { const: 'filter' }, filter: { type: 'string', minLength: 1, maxLength: 100 } }, additionalProperties: false },
      ],
    },
  },
  additionalProperties: false,
} as const;

export const auditRecordSchema = {
  type: 'object',
  required: ['id', 'seq', 'ts', 'kind', 'actor', 'outcome', 'hash', 'prevHash'],
  properties: {
    id: { type: 'string' },
    seq: { type: 'integer' },
    ts: { type: 'string' },
    kind: { type: 'string' },
    actor: { type: 'string' },
    outcome: { type: 'string' },
    question: { type: 'string' },
    sql: { type: 'string' },
    engine: { type: 'string' },
    durationMs: { type: 'number' },
    rowCount: { type: 'integer' },
    resultHash: { type: 'string' },
    correlationId: { type: 'string' },
    details: { type: 'object', additionalProperties: true },
    prevHash: { type: 'string' },
    hash: { type: 'string' },
  },
  additionalProperties: false,
} as const;

export const auditIdParams = {
  type: 'object',
  required: ['auditId'],
  properties: { auditId: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' } },
  additionalProperties: false,
} as const;
