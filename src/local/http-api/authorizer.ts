import { createLocalJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { scopesOf, shapeClaims } from './claims';
import type { HttpRoute } from './routes';
import type { LocalTokenIssuer } from './token-issuer';

/** What the JWT authorizer puts in requestContext.authorizer.jwt. */
export interface JwtContext {
  claims: Record<string, string>;
  /** The token's scopes on a route that requires scopes; null on a route without, as API Gateway sends. */
  scopes: string[] | null;
}

/** The issuer the authorizer trusts: its `iss` and its public keys (API Gateway fetches them from jwks_uri). */
export type TrustedIssuer = Pick<LocalTokenIssuer, 'issuerUrl' | 'jwks'>;

export type Authorization =
  | { allowed: true; jwt: JwtContext | undefined }
  | { allowed: false; statusCode: 401 | 403; wwwAuthenticate: string; reason: string };

// API Gateway verifies RSA signatures only.
const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

const unauthorized = (reason: string): Authorization => ({
  allowed: false,
  statusCode: 401,
  // The header API Gateway answers a rejected token with, so `curl -v` shows why locally too.
  wwwAuthenticate: `Bearer scope="" error="invalid_token" error_description="${reason}"`,
  reason,
});

const forbidden = (required: readonly string[]): Authorization => {
  const reason = `the token has none of the scopes [${required.join(' ')}]`;
  return {
    allowed: false,
    statusCode: 403,
    wwwAuthenticate: `Bearer scope="${required.join(' ')}" error="insufficient_scope" error_description="${reason}"`,
    reason,
  };
};

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

const claimOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null && 'claim' in error ? error.claim : undefined;

/** jose's reasons in the words of API Gateway's www-authenticate error_description. */
const reasonOf = (error: unknown): string => {
  switch (errorCode(error)) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return claimOf(error) === 'iss'
        ? 'the token does not have a valid issuer'
        : claimOf(error) === 'nbf'
          ? 'the token is not valid yet'
          : `the token has an invalid ${String(claimOf(error))} claim`;
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'the token signature is invalid';
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'the token kid matches no signing key of the issuer';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'the token is not signed with an RSA algorithm';
    default:
      return 'the token is malformed';
  }
};

/** aud must match one audience; client_id (Cognito access tokens) is read only when aud is absent. */
const hasValidAudience = (payload: JWTPayload, audience: readonly string[]): boolean => {
  const presented =
    payload.aud !== undefined
      ? typeof payload.aud === 'string'
        ? [payload.aud]
        : payload.aud
      : typeof payload.client_id === 'string'
        ? [payload.client_id]
        : [];
  return presented.some((value) => audience.includes(value));
};

const tokenFrom = (headerValue: string | undefined): string | undefined => {
  // API Gateway takes the header as the token, with or without the Bearer prefix.
  const token = headerValue
    ?.trim()
    .replace(/^Bearer\s+/i, '')
    .trim();
  return token ? token : undefined;
};

/** Distinct tokens whose signature check is remembered (a fleet's stations each hold one or a few). */
const VERIFIED_TOKENS = 10_000;

/** jose's own time check (seconds, no tolerance): a token whose exp or nbf no longer holds is checked anew. */
const stillValid = (payload: JWTPayload, nowS: number): boolean =>
  (typeof payload.exp !== 'number' || payload.exp > nowS) &&
  (typeof payload.nbf !== 'number' || payload.nbf <= nowS);

/**
 * The local JWT authorizer: the checks API Gateway makes before invoking the function (token present,
 * RSA signature by a key of the issuer's JWKS, iss, aud or client_id, exp, nbf, iat, then at least one of
 * the route's scopes). The local issuer stands in for the definition's issuerUrl.
 */
export const createJwtAuthorizer = (
  issuer: TrustedIssuer,
): ((route: HttpRoute, headers: Readonly<Record<string, string>>) => Promise<Authorization>) => {
  const keys = createLocalJWKSet(issuer.jwks());
  // An RSA signature check was most of the API's own CPU per request, and a station sends the same token
  // with every reading. The issuer's keys never change while it runs, so a token that verified once
  // verifies again: only its time claims are checked anew (a stale one goes through jose again, which
  // then rejects it with its own reason). Oldest first out when full.
  const verified = new Map<string, JWTPayload>();
  const verify = async (token: string): Promise<JWTPayload> => {
    const known = verified.get(token);
    if (known && stillValid(known, Math.floor(Date.now() / 1000))) return known;
    verified.delete(token);
    const { payload } = await jwtVerify(token, keys, {
      issuer: issuer.issuerUrl,
      algorithms: ACCEPTED_ALGORITHMS,
    });
    if (verified.size >= VERIFIED_TOKENS) verified.delete(verified.keys().next().value ?? '');
    verified.set(token, payload);
    return payload;
  };
  return async (route, headers) => {
    const { authorizer } = route;
    if (!authorizer) return { allowed: true, jwt: undefined };
    const token = tokenFrom(headers[authorizer.identityHeader]);
    if (!token) return { ...unauthorized('no token'), wwwAuthenticate: 'Bearer' };
    let payload: JWTPayload;
    try {
      payload = await verify(token);
    } catch (error) {
      return unauthorized(reasonOf(error));
    }
    if (!hasValidAudience(payload, authorizer.audience))
      return unauthorized('the token does not have a valid audience');
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000)
      return unauthorized('the token was issued in the future');
    const scopes = scopesOf(payload);
    if (route.scopes.length > 0 && !route.scopes.some((scope) => scopes.includes(scope)))
      return forbidden(route.scopes);
    return {
      allowed: true,
      jwt: { claims: shapeClaims(payload), scopes: route.scopes.length > 0 ? scopes : null },
    };
  };
};
