/**
 * The local Stytch: management API (Connected App and M2M clients, secret rotation) and the OAuth
 * token endpoint, on 127.0.0.1, with fault injection and a request log.
 */
export { basicAuthorization } from './basic-auth.ts';
export type { ClientKind, ConnectedAppClientType } from './kinds.ts';
export type {
  ClientStateView,
  LocalStytch,
  PublicConnectedAppSpec,
  SeededClient,
  SeededPublicClient,
} from './local-stytch.ts';
export { hashSecret } from './secret-hashing.ts';
export { type StytchOptions, startStytch } from './server.ts';
export type { ClientSpec, StytchState } from './state.ts';
export { TOKEN_ENDPOINT_BEHAVIOURS, type TokenEndpointBehaviour } from './token-endpoint.ts';
