import { OtcError } from '../shared/errors.js';

/** Stable error codes of the datasource module. */
export const DatasourceErrorCode = {
  BadUrl: 'OTC_ERR_BAD_DATASOURCE_URL',
  NotFound: 'OTC_ERR_DATASOURCE_NOT_FOUND',
  Unreachable: 'OTC_ERR_DATASOURCE_UNREACHABLE',
  AuthFailed: 'OTC_ERR_DATASOURCE_AUTH_FAILED',
  Unreadable: 'OTC_ERR_DATASOURCE_UNREADABLE',
  NotReadOnly: 'OTC_ERR_QUERY_NOT_READ_ONLY',
  Timeout: 'OTC_ERR_QUERY_TIMEOUT',
  Cancelled: 'OTC_ERR_QUERY_CANCELLED',
  QueryFailed: 'OTC_ERR_QUERY_FAILED',
  Closed: 'OTC_ERR_DATASOURCE_CLOSED',
} as const;

export function badUrl(message: string, hint?: string): OtcError {
  return new OtcError(DatasourceErrorCode.BadUrl, message, {
    status: 400,
    hint: hint ?? 'use sqlite:PATH, postgres://user:pass@host:5432/db or mssql://user:pass@host:1433/db',
  });
}

export function unreachable(target: string, reason: string, cause?: unknown): OtcError {
  return new OtcError(DatasourceErrorCode.Unreachable, `cannot reach the database server at ${target}: ${reason}`, {
    status: 503,
    hint: 'check the host, the port, the network route and that the server is running',
    cause,
  });
}

export function queryTimeout(ms: number): OtcError {
  return new OtcError(DatasourceErrorCode.Timeout, `the query was stopped after ${ms} ms`, {
    status: 408,
    hint: 'narrow the question (a shorter period, fewer rows) or raise OTC_QUERY_TIMEOUT_MS',
  });
}

export function queryCancelled(): OtcError {
  return new OtcError(DatasourceErrorCode.Cancelled, 'the query was cancelled', { status: 499 });
}

export function notReadOnly(why: string): OtcError {
  return new OtcError(DatasourceErrorCode.NotReadOnly, `refused: ${why}; only a single read query can run`, { status: 400 });
}

export function queryFailed(message: string, cause?: unknown): OtcError {
  return new OtcError(DatasourceErrorCode.QueryFailed, `the database refused the query: ${message}`, { status: 400, cause });
}

export function closed(description: string): OtcError {
  return new OtcError(DatasourceErrorCode.Closed, `the datasource ${description} is closed`, { status: 500 });
}
