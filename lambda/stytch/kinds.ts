/**
 * The two kinds of Stytch client whose secrets rotate: Connected Apps and M2M clients. Both expose the
 * same four calls under a different path, response wrapper key and error-type prefix; everything
 * kind-specific lives here so the client and the steps stay kind-agnostic.
 */
import { SecretValueError } from '../errors.ts';

/** A Stytch client kind. The value doubles as the response wrapper key and the error-type prefix. */
export type ClientKind = 'connected_app' | 'm2m_client';

/** The management calls on one client, named as Stytch's SDKs name them. */
export type ClientOperation = 'get' | 'rotate_start' | 'rotate' | 'rotate_cancel';

/** Every Stytch call the client makes: the management calls and the token endpoint. */
export type StytchOperation = ClientOperation | 'token';

/** Everything that differs between the kinds. */
export interface ClientKindSpec {
  readonly kind: ClientKind;
  /** For messages: "Connected App" / "M2M client". */
  readonly label: string;
  /** The client id prefix that identifies the kind. */
  readonly idPrefix: string;
  /** The management API path of the client collection. */
  readonly collectionPath: string;
  /** The key that wraps the client object in every success response. */
  readonly wrapperKey: ClientKind;
  /** `error_type` answered by rotate_start while a rotation is already open. */
  readonly alreadyRotatingErrorType: string;
  /** `error_type` answered by rotate / rotate_cancel while no rotation is open. */
  readonly notRotatingErrorType: string;
  /** `error_type` answered when the client id is unknown to the project. */
  readonly notFoundErrorType: string;
}

function specFor(
  kind: ClientKind,
  label: string,
  idPrefix: string,
  collectionPath: string,
): ClientKindSpec {
  return {
    kind,
    label,
    idPrefix,
    collectionPath,
    wrapperKey: kind,
    alreadyRotatingErrorType: `${kind}_already_rotating_secret`,
    notRotatingErrorType: `${kind}_not_rotating_secret`,
    notFoundErrorType: `${kind}_not_found`,
  };
}

/** The spec of each kind. */
export const CLIENT_KINDS: Readonly<Record<ClientKind, ClientKindSpec>> = {
  connected_app: specFor(
    'connected_app',
    'Connected App',
    'connected-app-',
    '/v1/connected_apps/clients',
  ),
  m2m_client: specFor('m2m_client', 'M2M client', 'm2m-client-', '/v1/m2m/clients'),
};

const OPERATION_SUFFIX: Readonly<Record<ClientOperation, string>> = {
  get: '',
  rotate_start: '/secrets/rotate/start',
  rotate: '/secrets/rotate',
  rotate_cancel: '/secrets/rotate/cancel',
};

/** The kind named by a client id's prefix, or `undefined` when no kind claims it. */
export function findClientKind(clientId: string): ClientKind | undefined {
  return Object.values(CLIENT_KINDS).find((spec) => clientId.startsWith(spec.idPrefix))?.kind;
}

/**
 * The kind named by a client id's prefix.
 * @throws SecretValueError when the id starts with neither `connected-app-` nor `m2m-client-`; the
 *   message gives the id's length only, since a mistyped value may be a secret pasted in the wrong key.
 */
export function clientKindOf(clientId: string): ClientKind {
  const kind = findClientKind(clientId);
  if (kind === undefined) {
    throw new SecretValueError(
      `client id (${clientId.length} characters) starts with neither ${knownPrefixes()}; ` +
        'set client_id to a Connected App or M2M client id from the Stytch dashboard',
    );
  }
  return kind;
}

/** The known id prefixes, quoted, for messages. */
export function knownPrefixes(): string {
  return Object.values(CLIENT_KINDS)
    .map((spec) => `"${spec.idPrefix}"`)
    .join(' or ');
}

/** The HTTP method of a management call. */
export function methodOf(operation: ClientOperation): 'GET' | 'POST' {
  return operation === 'get' ? 'GET' : 'POST';
}

/** The path of a management call on one client; the id is URL-encoded. */
export function clientPath(clientId: string, operation: ClientOperation): string {
  const spec = CLIENT_KINDS[clientKindOf(clientId)];
  return `${spec.collectionPath}/${encodeURIComponent(clientId)}${OPERATION_SUFFIX[operation]}`;
}
