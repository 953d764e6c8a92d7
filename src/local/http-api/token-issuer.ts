import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, SignJWT } from 'jose';

/** What `ai-ops token` and the CLI's automatic local token carry unless asked otherwise. */
export const DEFAULT_SCOPES: readonly string[] = ['metrics/write', 'alerts/read', 'alerts/decide'];

/** Where the issuer lives under the local API's URL: its `iss` and the base of its JWKS. */
export const ISSUER_PATH = '/local-issuer';
export const JWKS_PATH = `${ISSUER_PATH}/.well-known/jwks.json`;

// API Gateway's JWT authorizers accept RSA signatures only, so the stand-in for Cognito signs RS256 as
// Cognito does: a token the local API accepts is one the deployed API could accept from a real issuer.
export const SIGNING_ALGORITHM = 'RS256';

const MAX_TTL_SECONDS = 24 * 60 * 60;

export interface IssueRequest {
  sub: string;
  scopes?: readonly string[];
  ttlSeconds?: number;
}

export interface LocalTokenIssuerOptions {
  /** The audience(s) the definition's JWT authorizer requires (provider.httpApi.authorizers.jwt.audience). */
  audience: string | readonly string[];
  /** A fixed `iss`; by default the local API sets `${url}/local-issuer` once it listens. */
  issuerUrl?: string;
}

/**
 * The local stand-in for the stack's identity provider (Cognito or any OIDC issuer): a key pair made at
 * start, access tokens shaped like Cognito's, and the public key as a JWKS for the local authorizer.
 */
export class LocalTokenIssuer {
  private boundIssuer: string | undefined;

  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    readonly audience: readonly string[],
    issuerUrl: string | undefined,
  ) {
    this.boundIssuer = issuerUrl;
  }

  static async create(options: LocalTokenIssuerOptions): Promise<LocalTokenIssuer> {
    const audience = typeof options.audience === 'string' ? [options.audience] : [...options.audience];
    if (audience.length === 0) throw new Error('the local token issuer needs at least one audience');
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: false });
    const publicJwk: JWK = {
      ...(await exportJWK(publicKey)),
      kid: `local-${randomUUID()}`,
      alg: SIGNING_ALGORITHM,
      use: 'sig',
    };
    return new LocalTokenIssuer(privateKey, publicJwk, audience, options.issuerUrl);
  }

  /** Sets `iss` from the URL the local API listens on (known only once it listens, e.g. on port 0). */
  bind(baseUrl: string): void {
    this.boundIssuer ??= `${baseUrl.replace(/\/+$/, '')}${ISSUER_PATH}`;
  }

  get issuerUrl(): string {
    if (this.boundIssuer === undefined) throw new Error('the local token issuer is not bound to a URL yet');
    return this.boundIssuer;
  }

  /** The public key, as a real issuer publishes it at its jwks_uri. */
  jwks(): JSONWebKeySet {
    return { keys: [{ ...this.publicJwk }] };
  }

  /** A signed access token: sub, scope (space-joined), iss, aud, iat, exp, jti and token_use 'access'. */
  async issue({ sub, scopes = DEFAULT_SCOPES, ttlSeconds = 3600 }: IssueRequest): Promise<string> {
    if (sub.trim() === '') throw new Error('a token needs a subject');
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS)
      throw new Error(`ttlSeconds must be an integer from 1 to ${MAX_TTL_SECONDS}`);
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ scope: scopes.join(' '), token_use: 'access' })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: this.publicJwk.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(this.issuerUrl)
      .setAudience(this.audience.length === 1 ? (this.audience[0] ?? '') : [...this.audience])
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }
}
