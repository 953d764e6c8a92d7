import { generateKeyPair, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Authorization, createJwtAuthorizer } from '../../../src/local/http-api/authorizer';
import { LocalTokenIssuer } from '../../../src/local/http-api/token-issuer';
import { jwtRoute, testSigner } from './fixtures';

type Signer = Awaited<ReturnType<typeof testSigner>>;

const denial = (result: Authorization) => {
  if (result.allowed) throw new Error('expected the request to be denied');
  return result;
};

describe('the local JWT authorizer', () => {
  let signer: Signer;
  let authorize: ReturnType<typeof createJwtAuthorizer>;
  const route = jwtRoute({ scopes: ['alerts/read'] });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    signer = await testSigner();
    authorize = createJwtAuthorizer(signer.issuer);
  });

  it('lets a valid token through with its claims as strings and its scopes', async () => {
    const token = await signer.sign({ sub: 'alice', scope: 'alerts/read alerts/decide', groups: ['a', 'b'] });
    const result = await authorize(route, bearer(token));
    expect(result.allowed).toBe(true);
    if (!result.allowed) return;
    expect(result.jwt?.claims).toMatchObject({ sub: 'alice', aud: 'ai-ops', groups: '[a b]' });
    expect(typeof result.jwt?.claims.exp).toBe('string');
    expect(result.jwt?.scopes).toEqual(['alerts/read', 'alerts/decide']);
  });

  it('takes the token without the Bearer prefix too, as API Gateway does', async () => {
    const token = await signer.sign({ sub: 'alice', scope: 'alerts/read' });
    expect((await authorize(route, { authorization: token })).allowed).toBe(true);
  });

  it('answers 401 without a token', async () => {
    expect(denial(await authorize(route, {}))).toMatchObject({ statusCode: 401, reason: 'no token' });
    expect(denial(await authorize(route, { authorization: 'Bearer ' })).statusCode).toBe(401);
  });

  it('answers 401 for a token signed by another key under the same kid', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sub: 'mallory', scope: 'alerts/read' })
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
      .setIssuer(signer.issuer.issuerUrl)
      .setAudience('ai-ops')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const result = denial(await authorize(route, bearer(forged)));
    expect(result).toMatchObject({ statusCode: 401, reason: 'the token signature is invalid' });
    expect(result.wwwAuthenticate).toBe(
      'Bearer scope="" error="invalid_token" error_description="the token signature is invalid"',
    );
  });

  it('answers 401 for a token from another issuer key (unknown kid)', async () => {
    const other = await testSigner('other-key');
    const token = await other.sign({ sub: 'alice', scope: 'alerts/read' });
    expect(denial(await authorize(route, bearer(token))).statusCode).toBe(401);
  });

  it('answers 401 for an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signer.sign(
      { sub: 'alice', scope: 'alerts/read' },
      { iat: now - 7200, exp: now - 3600 },
    );
    expect(denial(await authorize(route, bearer(token)))).toMatchObject({
      statusCode: 401,
      reason: 'the token has expired',
    });
  });

  describe('a token it has already let through', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('is refused once it expires, and while it is not valid yet', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await signer.sign(
        { sub: 'station-7', scope: 'alerts/read', nbf: now - 10 },
        { iat: now - 30, exp: now + 60 },
      );
      expect((await authorize(route, bearer(token))).allowed).toBe(true);
      expect((await authorize(route, bearer(token))).allowed).toBe(true);

      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime((now + 61) * 1000);
      expect(denial(await authorize(route, bearer(token)))).toMatchObject({
        statusCode: 401,
        reason: 'the token has expired',
      });
      vi.setSystemTime((now - 20) * 1000);
      expect(denial(await authorize(route, bearer(token)))).toMatchObject({
        statusCode: 401,
        reason: 'the token is not valid yet',
      });
      vi.setSystemTime(now * 1000);
      expect((await authorize(route, bearer(token))).allowed).toBe(true);
    });

    it('is still checked against the scopes of each route', async () => {
      const token = await signer.sign({ sub: 'station-7', scope: 'metrics/write' });
      const writeRoute = jwtRoute({ scopes: ['metrics/write'] });
      expect((await authorize(writeRoute, bearer(token))).allowed).toBe(true);
      expect(denial(await authorize(route, bearer(token))).statusCode).toBe(403);
    });
  });

  it('answers 401 for a wrong audience, also when client_id stands in for a missing aud', async () => {
    const wrongAud = await signer.sign({ sub: 'alice', scope: 'alerts/read' }, { aud: 'someone-else' });
    expect(denial(await authorize(route, bearer(wrongAud)))).toMatchObject({
      statusCode: 401,
      reason: 'the token does not have a valid audience',
    });
    const noAud = await signer.sign({ sub: 'alice', scope: 'alerts/read' }, { aud: null });
    expect(denial(await authorize(route, bearer(noAud))).statusCode).toBe(401);
    // Cognito access tokens carry client_id instead of aud; API Gateway accepts that.
    const cognitoLike = await signer.sign(
      { sub: 'alice', scope: 'alerts/read', client_id: 'ai-ops' },
      { aud: null },
    );
    expect((await authorize(route, bearer(cognitoLike))).allowed).toBe(true);
  });

  it('answers 401 for a wrong issuer', async () => {
    const token = await signer.sign({ sub: 'alice', scope: 'alerts/read' }, { iss: 'https://evil.example/' });
    expect(denial(await authorize(route, bearer(token)))).toMatchObject({
      statusCode: 401,
      reason: 'the token does not have a valid issuer',
    });
  });

  it('answers 401 for a token that is not a JWT or not RSA-signed', async () => {
    expect(denial(await authorize(route, bearer('not.a.jwt'))).statusCode).toBe(401);
    const hmac = await new SignJWT({ sub: 'alice', scope: 'alerts/read' })
      .setProtectedHeader({ alg: 'HS256', kid: 'test-key' })
      .setIssuer(signer.issuer.issuerUrl)
      .setAudience('ai-ops')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!!'));
    expect(denial(await authorize(route, bearer(hmac))).statusCode).toBe(401);
  });

  it('answers 403 when the token has none of the route scopes', async () => {
    const token = await signer.sign({ sub: 'alice', scope: 'metrics/write' });
    const result = denial(await authorize(jwtRoute({ scopes: ['alerts/decide'] }), bearer(token)));
    expect(result.statusCode).toBe(403);
    expect(result.wwwAuthenticate).toContain('error="insufficient_scope"');
    const noScopes = await signer.sign({ sub: 'alice' });
    expect(denial(await authorize(route, bearer(noScopes))).statusCode).toBe(403);
  });

  it('accepts any one of several route scopes, read from scp as well', async () => {
    const token = await signer.sign({ sub: 'alice', scp: ['alerts/decide'] });
    const result = await authorize(jwtRoute({ scopes: ['alerts/read', 'alerts/decide'] }), bearer(token));
    expect(result.allowed).toBe(true);
  });

  it('sends scopes null on a route without scopes, and no authorizer context on a route without authorizer', async () => {
    const token = await signer.sign({ sub: 'alice' });
    const unscoped = await authorize(jwtRoute({ scopes: [] }), bearer(token));
    expect(unscoped).toMatchObject({ allowed: true, jwt: { scopes: null, claims: { sub: 'alice' } } });
    expect(await authorize(jwtRoute({ authorizer: undefined }), {})).toEqual({
      allowed: true,
      jwt: undefined,
    });
  });

  it('reads the token from the header named by the identity source', async () => {
    const token = await signer.sign({ sub: 'alice', scope: 'alerts/read' });
    const custom = jwtRoute();
    if (!custom.authorizer) throw new Error('fixture has an authorizer');
    custom.authorizer.identityHeader = 'x-token';
    expect((await authorize(custom, { 'x-token': token })).allowed).toBe(true);
    expect(denial(await authorize(custom, bearer(token))).statusCode).toBe(401);
  });

  it('accepts the tokens of the local issuer', async () => {
    const issuer = await LocalTokenIssuer.create({ audience: ['ai-ops'] });
    issuer.bind('http://127.0.0.1:3000');
    const token = await issuer.issue({ sub: 'bob', scopes: ['alerts/read'] });
    const result = await createJwtAuthorizer(issuer)(route, bearer(token));
    expect(result).toMatchObject({ allowed: true, jwt: { claims: { sub: 'bob', token_use: 'access' } } });
  });
});
