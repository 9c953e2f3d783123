import type { LocalRequest, Reply } from '../http-server.ts';
import { parseBasicAuthorization } from './basic-auth.ts';
import { renderClient } from './client-views.ts';
import { type KindProfile, profileForPathSegment } from './kinds.ts';
import { stytchError, stytchSuccess } from './replies.ts';
import { type ClientRecord, RotationRefusedError, type StytchState } from './state.ts';

/** The four management calls rotation makes, for either client kind. */
export type ManagementAction = 'get' | 'rotate_start' | 'rotate' | 'rotate_cancel';

/** A management path, taken apart. */
export interface ManagementRoute {
  readonly profile: KindProfile;
  readonly action: ManagementAction;
  readonly method: 'GET' | 'POST';
  readonly clientId: string;
  /** The name used in the request log and fault rules, e.g. `connected_apps.rotate_start`. */
  readonly operation: string;
}

/**
 * Matches `/v1/{connected_apps|m2m}/clients/{client_id}[/secrets/rotate[/start|/cancel]]`. The
 * client id is one URL-encoded path segment, as the SDKs send it.
 */
export function matchManagementPath(path: string): ManagementRoute | undefined {
  const [empty, version, segment, clients, encodedId, ...rest] = path.split('/');
  const profile = profileForPathSegment(segment);
  if (empty !== '' || version !== 'v1' || !profile || clients !== 'clients' || !encodedId) {
    return undefined;
  }
  const clientId = decodeSegment(encodedId);
  const found = actionFor(rest);
  if (clientId === undefined || !found) return undefined;
  return {
    profile,
    clientId,
    ...found,
    operation: `${profile.operationPrefix}.${found.action}`,
  };
}

function actionFor(
  rest: readonly string[],
): { action: ManagementAction; method: 'GET' | 'POST' } | undefined {
  const tail = rest.join('/');
  if (tail === '') return { action: 'get', method: 'GET' };
  if (tail === 'secrets/rotate/start') return { action: 'rotate_start', method: 'POST' };
  if (tail === 'secrets/rotate') return { action: 'rotate', method: 'POST' };
  if (tail === 'secrets/rotate/cancel') return { action: 'rotate_cancel', method: 'POST' };
  return undefined;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Runs one management call against the state. Checks run in the order a caller would meet them at
 * Stytch: project credentials, then the request body, then the client, then its rotation state.
 */
export function handleManagement(
  state: StytchState,
  route: ManagementRoute,
  request: LocalRequest,
): Reply {
  const projectId = authenticatedProject(state, request);
  if (!projectId) {
    return stytchError(401, 'unauthorized_credentials', 'Unauthorized credentials.');
  }
  if (route.method === 'POST' && !isJsonObjectBody(request)) {
    // Strictest plausible: the SDKs always send `Content-Type: application/json` and `{}`, so the
    // local Stytch refuses anything else rather than guess that Stytch tolerates it.
    return stytchError(400, 'bad_request', 'The request body must be a JSON object.');
  }
  const { profile } = route;
  const client = state.findClient(projectId, profile.kind, route.clientId);
  if (!client) {
    return stytchError(
      404,
      profile.errors.notFound,
      `No ${profile.wrapperKey} with that client_id.`,
    );
  }
  try {
    return runAction(state, route, client);
  } catch (error) {
    if (error instanceof RotationRefusedError) return refusalReply(profile, error);
    throw error;
  }
}

function runAction(state: StytchState, route: ManagementRoute, client: ClientRecord): Reply {
  const { wrapperKey } = route.profile;
  switch (route.action) {
    case 'get':
      return stytchSuccess({ [wrapperKey]: renderClient(client) });
    case 'rotate_start': {
      const nextSecret = state.startRotation(client);
      return stytchSuccess({ [wrapperKey]: renderClient(client, nextSecret) });
    }
    case 'rotate':
      state.completeRotation(client);
      return stytchSuccess({ [wrapperKey]: renderClient(client) });
    case 'rotate_cancel':
      state.cancelRotation(client);
      return stytchSuccess({ [wrapperKey]: renderClient(client) });
  }
}

/** The project whose id and secret the request's HTTP Basic header carries, if they are valid. */
function authenticatedProject(state: StytchState, request: LocalRequest): string | undefined {
  const credentials = parseBasicAuthorization(request.headers.authorization);
  if (!credentials) return undefined;
  return state.authenticateProject(credentials.username, credentials.password)
    ? credentials.username
    : undefined;
}

function isJsonObjectBody(request: LocalRequest): boolean {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(contentType)) return false;
  try {
    const parsed: unknown = JSON.parse(request.body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
  } catch {
    return false;
  }
}

/** HTTP 400 for every refusal: Stytch's SDKs name the error types but not their status. */
function refusalReply(profile: KindProfile, error: RotationRefusedError): Reply {
  switch (error.refusal) {
    case 'already_rotating':
      return stytchError(400, profile.errors.alreadyRotating, 'A secret rotation is already open.');
    case 'not_rotating':
      return stytchError(400, profile.errors.notRotating, 'No secret rotation is open.');
    case 'public_client':
      return stytchError(
        400,
        'public_connected_apps_do_not_have_secrets',
        'Public Connected Apps do not have secrets.',
      );
  }
}
