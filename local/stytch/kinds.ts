/**
 * The two client kinds the local Stytch serves and everything that differs between them: id
 * prefix, path segment, wrapper key, operation-name prefix and error types. Source: stytch-node v14
 * `lib/b2c/connected_apps_clients_secrets.ts` and `lib/b2c/m2m_clients_secrets.ts` (paths, wrapper
 * keys) and the error types listed in /work/shared/reference/stytch-api.md.
 */
export type ClientKind = 'connected_app' | 'm2m';

/** Connected App client types, as Stytch names them. */
export type ConnectedAppClientType =
  | 'first_party'
  | 'first_party_public'
  | 'third_party'
  | 'third_party_public';

/** The Connected App client types that have no secret at all. */
export const PUBLIC_CLIENT_TYPES: ReadonlySet<ConnectedAppClientType> = new Set([
  'first_party_public',
  'third_party_public',
]);

export interface KindProfile {
  readonly kind: ClientKind;
  /** Client ids start with this in a test project. */
  readonly idPrefix: string;
  /** The segment after `/v1/` in the management paths. */
  readonly pathSegment: string;
  /** The key the client object sits under in a management answer. */
  readonly wrapperKey: string;
  /** The prefix of the operation names in the request log and fault rules. */
  readonly operationPrefix: string;
  readonly errors: {
    readonly notFound: string;
    readonly alreadyRotating: string;
    readonly notRotating: string;
  };
}

export const KIND_PROFILES: Readonly<Record<ClientKind, KindProfile>> = {
  connected_app: {
    kind: 'connected_app',
    idPrefix: 'connected-app-test-',
    pathSegment: 'connected_apps',
    wrapperKey: 'connected_app',
    operationPrefix: 'connected_apps',
    errors: {
      notFound: 'connected_app_not_found',
      alreadyRotating: 'connected_app_already_rotating_secret',
      notRotating: 'connected_app_not_rotating_secret',
    },
  },
  m2m: {
    kind: 'm2m',
    idPrefix: 'm2m-client-test-',
    pathSegment: 'm2m',
    wrapperKey: 'm2m_client',
    operationPrefix: 'm2m',
    errors: {
      notFound: 'm2m_client_not_found',
      alreadyRotating: 'm2m_client_already_rotating_secret',
      notRotating: 'm2m_client_not_rotating_secret',
    },
  },
};

/** The profile whose path segment is `segment`, if any. */
export function profileForPathSegment(segment: string | undefined): KindProfile | undefined {
  return Object.values(KIND_PROFILES).find((profile) => profile.pathSegment === segment);
}
