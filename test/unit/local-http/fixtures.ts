import { exportJWK, generateKeyPair, type JSONWebKeySet, type JWTPayload, SignJWT } from 'jose';
import type { HttpRoute } from '../../../src/local/http-api/routes';
import type { ServiceDefinition } from '../../../src/local/service-definition';

/** A definition shaped like `serverless print` output, with every httpApi event form Serverless takes. */
export const definitionWith = (
  functions: ServiceDefinition['functions'],
  authorizers: Record<string, unknown> = {
    jwt: {
      type: 'jwt',
      identitySource: '$request.header.Authorization',
      issuerUrl: 'https://issuer.example.invalid/',
      audience: ['ai-ops'],
    },
  },
): ServiceDefinition => ({
  service: 'ai-ops',
  stage: 'test',
  provider: { name: 'aws', httpApi: { authorizers } },
  functions,
  resources: { Resources: {} },
});

export const jwtRoute = (overrides: Partial<HttpRoute> = {}): HttpRoute => ({
  functionName: 'queryAlerts',
  handler: 'handlers/query-alerts.handler',
  method: 'GET',
  path: '/alerts',
  routeKey: 'GET /alerts',
  authorizer: {
    name: 'jwt',
    identityHeader: 'authorization',
    audience: ['ai-ops'],
    issuerUrl: 'https://issuer.example.invalid/',
  },
  scopes: ['alerts/read'],
  ...overrides,
});

export const TEST_ISSUER = 'https://issuer.test/local';

/** A signing key of a test issuer, to make tokens the local issuer never would (expired, wrong aud ...). */
export const testSigner = async (kid = 'test-key') => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwks: JSONWebKeySet = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256' }] };
  const sign = (
    claims: JWTPayload,
    options: { kid?: string; iat?: number; exp?: number; iss?: string; aud?: string | string[] | null } = {},
  ): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: options.kid ?? kid })
      .setIssuer(options.iss ?? TEST_ISSUER)
      .setIssuedAt(options.iat ?? now)
      .setExpirationTime(options.exp ?? now + 600);
    if (options.aud !== null) jwt.setAudience(options.aud ?? 'ai-ops');
    return jwt.sign(privateKey);
  };
  return { jwks, sign, issuer: { issuerUrl: TEST_ISSUER, jwks: () => jwks } };
};
