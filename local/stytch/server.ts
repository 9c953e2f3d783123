import { type Clock, systemClock } from '../../lambda/clock.ts';
import { HttpError, type LocalRequest, type Routed, startJsonServer } from '../http-server.ts';
import { AccessTokenIssuer } from './access-tokens.ts';
import { type LocalStytch, LocalStytchServer } from './local-stytch.ts';
import { handleManagement, matchManagementPath } from './management-routes.ts';
import { matchProjectDomainPath, openIdConfiguration } from './project-domain.ts';
import { renderFaultError, stytchError } from './replies.ts';
import { StytchState } from './state.ts';
import { handleTokenRequest, type TokenEndpointBehaviour } from './token-endpoint.ts';

export interface StytchOptions {
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  /** The source of "now" for rotation timestamps and token claims. @default systemClock */
  readonly clock?: Clock;
  /** @default 'rfc6749' */
  readonly tokenEndpointBehaviour?: TokenEndpointBehaviour;
}

/** The token endpoint's path, as the SDKs build it: `/v1/public/{project_id}/oauth2/token`. */
const TOKEN_PATH = /^\/v1\/public\/([^/]+)\/oauth2\/token$/;

/**
 * Starts a local Stytch (management API, the token endpoint in both its forms, and each project
 * domain's OpenID configuration) on 127.0.0.1. The server only routes;
 * the handlers are plain functions over the state.
 */
export async function startStytch(options: StytchOptions = {}): Promise<LocalStytch> {
  const clock = options.clock ?? systemClock;
  const state = new StytchState(clock);
  const tokens = new AccessTokenIssuer(clock);
  // The behaviour can change while the server runs, so routes read it from the seeding API.
  let local: LocalStytch | undefined;
  const behaviour = () => local?.tokenEndpointBehaviour ?? 'rfc6749';

  const route = (request: LocalRequest): Routed => {
    const projectId = tokenProjectId(request.path);
    if (projectId !== undefined) {
      requireMethod(request, 'POST');
      return {
        operation: 'oauth2.token',
        run: () =>
          handleTokenRequest({ state, tokens, behaviour: behaviour() }, projectId, request),
      };
    }
    const domainRoute = matchProjectDomainPath(request.path);
    if (domainRoute !== undefined) {
      const { projectId } = domainRoute;
      if (domainRoute.route === 'token') {
        requireMethod(request, 'POST');
        return {
          operation: 'oauth2.token',
          run: () =>
            handleTokenRequest({ state, tokens, behaviour: behaviour() }, projectId, request),
        };
      }
      requireMethod(request, 'GET');
      return {
        operation: 'openid-configuration',
        run: () => openIdConfiguration(state, server.url, projectId),
      };
    }
    const management = matchManagementPath(request.path);
    if (!management) {
      throw new HttpError(stytchError(404, 'route_not_found', 'No such route.'));
    }
    requireMethod(request, management.method);
    return {
      operation: management.operation,
      run: () => handleManagement(state, management, request),
    };
  };

  const server = await startJsonServer({
    name: 'stytch',
    ...(options.port === undefined ? {} : { port: options.port }),
    route,
    renderError: renderFaultError,
  });
  local = new LocalStytchServer(server, state, tokens, options.tokenEndpointBehaviour ?? 'rfc6749');
  return local;
}

function tokenProjectId(path: string): string | undefined {
  const encoded = TOKEN_PATH.exec(path)?.[1];
  if (encoded === undefined) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/** Unconfirmed status: Stytch has a `method_not_allowed` error type; 405 is the HTTP convention. */
function requireMethod(request: LocalRequest, method: 'GET' | 'POST'): void {
  if (request.method !== method) {
    throw new HttpError(stytchError(405, 'method_not_allowed', `Use ${method} on this route.`));
  }
}
