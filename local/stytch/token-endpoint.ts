import type { LocalRequest, Reply } from '../http-server.ts';
import { ACCESS_TOKEN_LIFETIME_SECONDS, type AccessTokenIssuer } from './access-tokens.ts';
import { oauthError, stytchError, stytchSuccess } from './replies.ts';
import type { ClientRecord, StytchState } from './state.ts';
import {
  type ClientCredentials,
  InvalidTokenRequest,
  readTokenRequest,
  type TokenRequest,
} from './token-request.ts';

/**
 * How the token endpoint treats a Connected App that presents a bogus grant. Stytch's real answer
 * is unconfirmed, so rotation code is tested against each:
 * - `rfc6749` (default): client authentication first; a bad secret is 401 `invalid_client`, a good
 *   secret with a bogus grant 400 `invalid_grant`.
 * - `grant-before-client-auth`: the grant is checked first, so a bogus grant answers
 *   `invalid_grant` even with a wrong secret (a probe cannot tell the secrets apart).
 * - `native-not-found`: as `rfc6749`, but a bogus refresh token (or code) from an authenticated
 *   client answers 404 `idp_refresh_token_not_found` (`idp_auth_code_not_found`) in Stytch's
 *   management error shape.
 */
export type TokenEndpointBehaviour = 'rfc6749' | 'grant-before-client-auth' | 'native-not-found';

export const TOKEN_ENDPOINT_BEHAVIOURS: readonly TokenEndpointBehaviour[] = [
  'rfc6749',
  'grant-before-client-auth',
  'native-not-found',
];

export interface TokenEndpointContext {
  readonly state: StytchState;
  readonly tokens: AccessTokenIssuer;
  readonly behaviour: TokenEndpointBehaviour;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** RFC 6749 section 5.1: token answers must not be cached. */
const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** `POST /v1/public/{project_id}/oauth2/token`. */
export function handleTokenRequest(
  context: TokenEndpointContext,
  projectId: string,
  request: LocalRequest,
): Reply {
  let tokenRequest: TokenRequest;
  try {
    tokenRequest = readTokenRequest(request);
  } catch (error) {
    if (error instanceof InvalidTokenRequest) {
      return oauthError(400, 'invalid_request', error.message, NO_STORE);
    }
    throw error;
  }
  const { params } = tokenRequest;
  if (context.behaviour === 'grant-before-client-auth' && presentsUserGrant(params)) {
    return oauthError(400, 'invalid_grant', 'The grant is invalid, expired or revoked.', NO_STORE);
  }
  const client = authenticateClient(context.state, projectId, tokenRequest);
  if (!client) return invalidClient(tokenRequest.credentials);
  if (!params.grant_type) {
    return oauthError(400, 'invalid_request', 'grant_type is required.', NO_STORE);
  }
  return client.kind === 'm2m'
    ? clientCredentialsGrant(context, client, params)
    : connectedAppGrant(context.behaviour, params);
}

/** A grant that names a user token (which this local Stytch never issues, so it is bogus). */
function presentsUserGrant(params: Readonly<Record<string, string>>): boolean {
  return (
    (params.grant_type === 'refresh_token' && params.refresh_token !== undefined) ||
    (params.grant_type === 'authorization_code' && params.code !== undefined) ||
    (params.grant_type === JWT_BEARER && params.assertion !== undefined)
  );
}

/**
 * The client the request authenticates as. Strictest plausible: a client of another project, a
 * deleted one, a secret sent for a public client, or a missing secret for a confidential one all
 * fail authentication; either of a rotating client's two secrets passes.
 */
function authenticateClient(
  state: StytchState,
  projectId: string,
  { credentials, malformedAuthorization }: TokenRequest,
): ClientRecord | undefined {
  if (!credentials || malformedAuthorization) return undefined;
  const client = state.liveClient(credentials.clientId);
  if (!client || client.projectId !== projectId) return undefined;
  if (!client.current) return credentials.clientSecret === undefined ? client : undefined;
  if (credentials.clientSecret === undefined) return undefined;
  return state.matchSecret(client, credentials.clientSecret) ? client : undefined;
}

function invalidClient(credentials: ClientCredentials | undefined): Reply {
  // RFC 6749 section 5.2: 401, with WWW-Authenticate when the client used the Authorization header.
  const headers =
    credentials?.method === 'client_secret_basic'
      ? { ...NO_STORE, 'www-authenticate': 'Basic realm="stytch"' }
      : NO_STORE;
  return oauthError(401, 'invalid_client', 'Client authentication failed.', headers);
}

function clientCredentialsGrant(
  context: TokenEndpointContext,
  client: ClientRecord,
  params: Readonly<Record<string, string>>,
): Reply {
  if (params.grant_type !== 'client_credentials') {
    return oauthError(
      400,
      'unsupported_grant_type',
      'M2M clients use client_credentials.',
      NO_STORE,
    );
  }
  const requested = params.scope?.split(' ').filter((scope) => scope !== '');
  // stytch-node `m2m.ts`: "If omitted, all scopes assigned to the client will be returned."
  const scopes = requested ?? client.scopes;
  if (scopes.some((scope) => !client.scopes.includes(scope))) {
    return oauthError(
      400,
      'invalid_scope',
      'A requested scope is not granted to the client.',
      NO_STORE,
    );
  }
  const accessToken = context.tokens.issue(client.projectId, client.clientId, scopes);
  const reply = stytchSuccess({
    access_token: accessToken,
    token_type: 'bearer',
    expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
  });
  return { ...reply, headers: NO_STORE };
}

/** An authenticated Connected App: every user grant it presents is bogus here. */
function connectedAppGrant(
  behaviour: TokenEndpointBehaviour,
  params: Readonly<Record<string, string>>,
): Reply {
  const nativeNotFound = behaviour === 'native-not-found';
  switch (params.grant_type) {
    case 'refresh_token':
      if (!params.refresh_token) return missing('refresh_token');
      return nativeNotFound
        ? stytchError(404, 'idp_refresh_token_not_found', 'Refresh token not found.')
        : invalidGrant();
    case 'authorization_code':
      if (!params.code) return missing('code');
      return nativeNotFound
        ? stytchError(404, 'idp_auth_code_not_found', 'Authorization code not found.')
        : invalidGrant();
    case JWT_BEARER:
      return params.assertion ? invalidGrant() : missing('assertion');
    default:
      return oauthError(
        400,
        'unsupported_grant_type',
        'Connected Apps support authorization_code, refresh_token and jwt-bearer.',
        NO_STORE,
      );
  }
}

function invalidGrant(): Reply {
  return oauthError(400, 'invalid_grant', 'The grant is invalid, expired or revoked.', NO_STORE);
}

function missing(parameter: string): Reply {
  return oauthError(400, 'invalid_request', `${parameter} is required.`, NO_STORE);
}
