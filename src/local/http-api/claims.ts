import type { JWTPayload } from 'jose';

/**
 * One claim value as API Gateway hands it to the function: strings stay, numbers and booleans become
 * their text, arrays the bracketed space-separated form ('[admin ops]', as Cognito's groups arrive), and
 * nested objects their JSON text.
 */
const renderClaim = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(renderClaim).join(' ')}]`;
  return JSON.stringify(value);
};

/** requestContext.authorizer.jwt.claims: every claim as a string; null-valued claims are left out. */
export const shapeClaims = (payload: JWTPayload): Record<string, string> => {
  const claims: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (value === null || value === undefined) continue;
    claims[name] = renderClaim(value);
  }
  return claims;
};

const scopeList = (value: unknown): string[] => {
  if (typeof value === 'string') return value.split(' ').filter((scope) => scope !== '');
  if (Array.isArray(value)) return value.filter((scope): scope is string => typeof scope === 'string');
  return [];
};

/**
 * The token's scopes: the `scope` claim (space-separated, as Cognito access tokens carry it) and the `scp`
 * claim (an array or a space-separated string, as Okta and Entra ID carry it); API Gateway reads either.
 */
export const scopesOf = (payload: JWTPayload): string[] => [
  ...new Set([...scopeList(payload.scope), ...scopeList(payload.scp)]),
];
