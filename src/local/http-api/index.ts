export { type Authorization, createJwtAuthorizer, type JwtContext, type TrustedIssuer } from './authorizer';
export { scopesOf, shapeClaims } from './claims';
export { buildHttpApiEvent, type LocalHttpApiEvent, type ReceivedRequest } from './event';
export { LOCAL_ROUTE_KEYS, type RuntimePart, type RuntimeRoutes } from './local-routes';
export { createRequestPipeline, type Outcome } from './pipeline';
export { type HttpReply, replyOf } from './result';
export { createRouteMatcher, type RouteMatch } from './route-matcher';
export {
  type HttpRoute,
  httpRoutesOf,
  type JwtAuthorizerConfig,
  jwtAudiencesOf,
  jwtAuthorizersOf,
} from './routes';
export { createLocalHttpApi, type LocalHttpApi, type LocalHttpApiOptions, type RequestInfo } from './server';
export {
  DEFAULT_SCOPES,
  ISSUER_PATH,
  type IssueRequest,
  JWKS_PATH,
  LocalTokenIssuer,
  type LocalTokenIssuerOptions,
} from './token-issuer';
