import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCOPES, LocalTokenIssuer } from '../../../src/local/http-api/token-issuer';

describe('LocalTokenIssuer', () => {
  it('issues RS256 access tokens that verify against its JWKS, with sub, scope, iss, aud, exp', async () => {
    const issuer = await LocalTokenIssuer.create({ audience: 'ai-ops' });
    issuer.bind('http://127.0.0.1:4321/');
    const token = await issuer.issue({
      sub: 'alice',
      scopes: ['alerts/read', 'alerts/decide'],
      ttlSeconds: 120,
    });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(issuer.jwks()), {
      issuer: 'http://127.0.0.1:4321/local-issuer',
      audience: 'ai-ops',
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: issuer.jwks().keys[0]?.kid });
    expect(payload).toMatchObject({
      sub: 'alice',
      scope: 'alerts/read alerts/decide',
      aud: 'ai-ops',
      token_use: 'access',
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);
    expect(payload.jti).toEqual(expect.any(String));
  });

  it('grants the three default scopes and every audience when there are several', async () => {
    const issuer = await LocalTokenIssuer.create({ audience: ['a', 'b'], issuerUrl: 'https://fixed/' });
    issuer.bind('http://127.0.0.1:1');
    const token = await issuer.issue({ sub: 'alice' });
    const { payload } = await jwtVerify(token, createLocalJWKSet(issuer.jwks()));
    expect(payload.scope).toBe(DEFAULT_SCOPES.join(' '));
    expect(payload.scope).toBe('metrics/write alerts/read alerts/decide');
    expect(payload.aud).toEqual(['a', 'b']);
    // A fixed issuer URL is not replaced by the URL the API listens on.
    expect(payload.iss).toBe('https://fixed/');
  });

  it('publishes only the public key', async () => {
    const issuer = await LocalTokenIssuer.create({ audience: 'ai-ops' });
    const [key] = issuer.jwks().keys;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(key).not.toHaveProperty('d');
  });

  it('refuses to issue before it knows its URL, without a subject or with a bad lifetime', async () => {
    const issuer = await LocalTokenIssuer.create({ audience: 'ai-ops' });
    await expect(issuer.issue({ sub: 'alice' })).rejects.toThrow(/not bound/);
    issuer.bind('http://127.0.0.1:1');
    await expect(issuer.issue({ sub: ' ' })).rejects.toThrow(/subject/);
    await expect(issuer.issue({ sub: 'a', ttlSeconds: 0 })).rejects.toThrow(/ttlSeconds/);
    const token = await issuer.issue({ sub: 'a', ttlSeconds: 5 });
    expect(decodeProtectedHeader(token).typ).toBe('JWT');
  });

  it('needs an audience', async () => {
    await expect(LocalTokenIssuer.create({ audience: [] })).rejects.toThrow(/audience/);
  });
});
