import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { claimValues, mapRole, oidcSettingsOf } from './index.js';

const map = { roleClaim: 'groups', roleMap: { 'OTC-Ops': 'analyst', 'OTC-Admins': 'admin', 'OTC-Audit': 'auditor', 'OTC-Read': 'viewer' } } as const;

describe('role mapping from claims', () => {
  it('reads a claim as a list, by dotted path too', () => {
    expect(claimValues({ groups: ['a', 'b', 3] }, 'groups')).toEqual(['a', 'b']);
    expect(claimValues({ role: 'x' }, 'role')).toEqual(['x']);
    expect(claimValues({ realm_access: { roles: ['r1'] } }, 'realm_access.roles')).toEqual(['r1']);
    expect(claimValues({ 'https://bank/roles': ['y'] }, 'https://bank/roles')).toEqual(['y']);
    expect(claimValues({}, 'groups')).toEqual([]);
  });

  it('maps exact values; several roles: admin, then auditor, analyst, viewer', () => {
    expect(mapRole({ groups: ['Everyone', 'OTC-Ops'] }, map)).toEqual({ role: 'analyst', matched: ['OTC-Ops'], by: 'map' });
    expect(mapRole({ groups: ['OTC-Read', 'OTC-Audit', 'OTC-Ops'] }, map).role).toBe('auditor');
    expect(mapRole({ groups: ['OTC-Ops', 'OTC-Admins'] }, map).role).toBe('admin');
    expect(mapRole({ groups: ['otc-ops'] }, map).role).toBeUndefined(); // case matters
    expect(mapRole({ groups: ['toString', '__proto__'] }, map).role).toBeUndefined(); // no prototype keys
  });

  it('falls back to the default role, or to none', () => {
    expect(mapRole({ groups: ['Everyone'] }, { ...map, defaultRole: 'viewer' })).toEqual({ role: 'viewer', matched: [], by: 'default' });
    expect(mapRole({}, map)).toEqual({ role: undefined, matched: [], by: 'none' });
  });
});

describe('single sign-on settings', () => {
  const env = { OTC_OIDC_ISSUER: 'https://login.bank.example/realms/ops', OTC_OIDC_CLIENT_ID: 'otc', OTC_OIDC_CLIENT_SECRET: 's3cret-value', OTC_PUBLIC_URL: 'https://otc.bank.example/', OTC_OIDC_ROLE_MAP: '{"OTC-Ops":"analyst"}' };

  it('are off without an issuer, and complete with one', () => {
    expect(oidcSettingsOf(loadConfig({ env: {} }))).toBeUndefined();
    const s = oidcSettingsOf(loadConfig({ env }))!;
    expect(s).toMatchObject({ redirectUri: 'https://otc.bank.example/api/auth/oidc/callback', postLogoutRedirectUri: 'https://otc.bank.example/', roleMap: { 'OTC-Ops': 'analyst' }, scopes: 'openid profile email', roleClaim: 'groups' });
  });

  it('name what is missing, refuse plain http off loopback, and reject unknown roles', () => {
    expect(() => oidcSettingsOf(loadConfig({ env: { ...env, OTC_OIDC_CLIENT_SECRET: '' } }))).toThrow(/OTC_OIDC_CLIENT_SECRET/);
    expect(() => oidcSettingsOf(loadConfig({ env: { ...env, OTC_OIDC_ROLE_MAP: '' } }))).toThrow(/OTC_OIDC_ROLE_MAP/);
    expect(() => oidcSettingsOf(loadConfig({ env: { ...env, OTC_OIDC_ISSUER: 'http://login.bank.example' } }))).toThrow(/must be https/);
    expect(oidcSettingsOf(loadConfig({ env: { ...env, OTC_OIDC_ISSUER: 'http://127.0.0.1:9000' } }))?.issuer).toBe('http://127.0.0.1:9000');
    expect(() => loadConfig({ env: { ...env, OTC_OIDC_ROLE_MAP: '{"OTC-Ops":"superuser"}' } })).toThrow(/OTC_OIDC_ROLE_MAP.*viewer, analyst, admin, auditor/);
    expect(() => loadConfig({ env: { ...env, OTC_OIDC_ROLE_MAP: 'OTC-Ops=analyst' } })).toThrow(/JSON object/);
    expect(() => loadConfig({ env: { ...env, OTC_OIDC_SCOPES: 'profile email' } })).toThrow(/openid/);
  });

  it('never repeat the client secret in an error', () => {
    expect(() => loadConfig({ env: { ...env, OTC_OIDC_CLIENT_SECRET: '   ' } })).toThrow(/the value given/);
  });
});
