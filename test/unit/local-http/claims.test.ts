import { describe, expect, it } from 'vitest';
import { scopesOf, shapeClaims } from '../../../src/local/http-api/claims';

describe('shapeClaims', () => {
  it('passes every claim as a string, the way API Gateway hands them to the function', () => {
    expect(
      shapeClaims({
        sub: 'alice',
        exp: 1787996002,
        email_verified: true,
        'cognito:groups': ['admin', 'ops'],
        aud: ['ai-ops'],
        address: { country: 'NL' },
        nothing: null,
      }),
    ).toEqual({
      sub: 'alice',
      exp: '1787996002',
      email_verified: 'true',
      'cognito:groups': '[admin ops]',
      aud: '[ai-ops]',
      address: '{"country":"NL"}',
    });
  });
});

describe('scopesOf', () => {
  it('splits the space-separated scope claim (Cognito access tokens)', () => {
    expect(scopesOf({ scope: 'alerts/read  alerts/decide' })).toEqual(['alerts/read', 'alerts/decide']);
  });

  it('reads the scp claim as an array or a string', () => {
    expect(scopesOf({ scp: ['alerts/read', 7, 'metrics/write'] })).toEqual(['alerts/read', 'metrics/write']);
    expect(scopesOf({ scp: 'alerts/read' })).toEqual(['alerts/read']);
  });

  it('has no scopes without either claim', () => {
    expect(scopesOf({ sub: 'x' })).toEqual([]);
  });
});
