import { describe, expect, it } from 'vitest';
import { ConfigError, oidcEnv, oidcSettings, parseEnv, z } from './index.js';

const settings = (env: Record<string, string>, NODE_ENV = 'development') => oidcSettings({ ...parseEnv(z.object(oidcEnv), env), NODE_ENV });
const issues = (fn: () => unknown) => {
  try {
    fn();
    return [];
  } catch (error) {
    return error instanceof ConfigError ? error.issues : [String(error)];
  }
};

describe('OIDC settings', () => {
  it('are off without an issuer, with defaults when on', () => {
    expect(settings({})).toBeNull();
    expect(settings({ OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'centavo' })).toEqual({
      issuer: 'https://id.example.com',
      audience: 'centavo',
      algorithms: ['RS256', 'ES256', 'EdDSA'],
      clockToleranceSeconds: 30,
      jwksCooldownMs: 30_000,
      jwksMaxAgeMs: 600_000,
      recheckMs: 60_000,
    });
    expect(settings({ OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'web', OIDC_AUDIENCE: 'api://centavo' })?.audience).toBe('api://centavo');
  });

  it('refuse half a configuration, plain HTTP in production, and unsafe algorithms', () => {
    expect(issues(() => settings({ OIDC_ISSUER: 'https://id.example.com' }))).toEqual(['OIDC_CLIENT_ID: required when OIDC_ISSUER is set']);
    expect(issues(() => settings({ OIDC_CLIENT_ID: 'centavo' }))).toEqual(['OIDC_ISSUER: required when OIDC_CLIENT_ID or OIDC_AUDIENCE is set']);
    expect(settings({ OIDC_ISSUER: 'http://127.0.0.1:5600', OIDC_CLIENT_ID: 'centavo' })?.issuer).toBe('http://127.0.0.1:5600');
    expect(issues(() => settings({ OIDC_ISSUER: 'http://127.0.0.1:5600', OIDC_CLIENT_ID: 'centavo' }, 'production'))).toEqual([
      'OIDC_ISSUER: must be an https URL (http is allowed outside production only)',
    ]);
    for (const alg of ['none', 'HS256', 'RS256,HS512']) {
      expect(issues(() => settings({ OIDC_ISSUER: 'https://id.example.com', OIDC_CLIENT_ID: 'c', OIDC_ALGORITHMS: alg })).length).toBeGreaterThan(0);
    }
  });
});
