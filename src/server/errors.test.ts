import { describe, expect, it } from 'vitest';
import { OtcError } from '../shared/errors.js';
import { toErrorBody } from './errors.js';
import { cookieOptions } from './session.js';

describe('toErrorBody', () => {
  it('keeps the status, code, message and hint of an OtcError', () => {
    expect(toErrorBody(new OtcError('OTC_ERR_X', 'bad thing', { status: 409, hint: 'do this' }))).toEqual({ status: 409, body: { code: 'OTC_ERR_X', message: 'bad thing', hint: 'do this' } });
  });
  it('hides the internals of an unexpected error behind a 500', () => {
    const r = toErrorBody(new Error('SQLITE_CORRUPT at /secret/path/app.db'));
    expect(r.status).toBe(500);
    expect(r.body.code).toBe('OTC_ERR_INTERNAL');
    expect(r.body.message).not.toContain('/secret');
  });
  it('maps validation, CSRF and rate-limit errors to stable codes', () => {
    expect(toErrorBody(Object.assign(new Error('body must have required property question'), { validation: [{}], statusCode: 400 })).body.code).toBe('OTC_ERR_BAD_REQUEST');
    expect(toErrorBody(Object.assign(new Error('Invalid csrf token'), { code: 'FST_CSRF_INVALID_TOKEN', statusCode: 403 }))).toMatchObject({ status: 403, body: { code: 'OTC_ERR_CSRF' } });
    expect(toErrorBody(Object.assign(new Error('Too many'), { statusCode: 429 }))).toMatchObject({ status: 429, body: { code: 'OTC_ERR_RATE_LIMITED' } });
  });
});

describe('session cookie options', () => {
  it('are httpOnly and SameSite=Strict, Secure only behind an https public URL', () => {
    expect(cookieOptions(undefined)).toMatchObject({ httpOnly: true, sameSite: 'strict', secure: false, path: '/' });
    expect(cookieOptions('https://copilot.bank.example').secure).toBe(true);
    expect(cookieOptions('http://localhost:8080').secure).toBe(false);
  });
});
