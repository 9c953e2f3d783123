import type { FaultPlan } from '../faults.ts';
import type { RequestLogEntry, RunningServer } from '../http-server.ts';
import type { AccessTokenIssuer } from './access-tokens.ts';
import type { ConnectedAppClientType } from './kinds.ts';
import { projectDomainUrl } from './project-domain.ts';
import type { ClientRecord, ClientSpec, StytchState } from './state.ts';
import type { TokenEndpointBehaviour } from './token-endpoint.ts';

/** A seeded client; `clientSecret` is its only appearance in plaintext. */
export interface SeededClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A seeded public Connected App, which has no secret. */
export interface SeededPublicClient {
  readonly clientId: string;
  readonly clientSecret: undefined;
}

/** What the local Stytch holds for one client, without any secret material. */
export interface ClientStateView {
  readonly currentLastFour: string | null;
  readonly nextLastFour: string | null;
  /** When the open rotation started (by the injected clock), null when none is open. */
  readonly rotationStartedAt: Date | null;
  readonly deleted: boolean;
}

/** The spec of a public Connected App, which is seeded without a secret. */
export type PublicConnectedAppSpec = ClientSpec & {
  readonly kind: 'connected_app';
  readonly clientType: Extract<ConnectedAppClientType, `${string}_public`>;
};

/** A running local Stytch and the seeding API tests use. */
export interface LocalStytch extends RunningServer {
  /** Everything the server holds, for tests that inspect it (hashes only, never a plaintext). */
  readonly state: StytchState;
  /** The token endpoint's current behaviour for bogus Connected App grants. */
  readonly tokenEndpointBehaviour: TokenEndpointBehaviour;
  /** M2M access tokens issued so far. */
  readonly tokensIssued: number;
  createProject(): { projectId: string; secret: string };
  /**
   * The project's domain, as a URL: its `/v1/oauth2/token` is the project-domain token endpoint
   * and its `/.well-known/openid-configuration` advertises it.
   */
  projectDomain(projectId: string): string;
  /** Seeds a client; the secret is returned once, and never for a public Connected App. */
  createClient(projectId: string, spec: PublicConnectedAppSpec): SeededPublicClient;
  createClient(projectId: string, spec: ClientSpec): SeededClient;
  /** A rotate_start "behind the store's back": returns the next secret. */
  startRotation(clientId: string): string;
  /** A rotate behind the store's back: the next secret becomes the only one. */
  completeRotation(clientId: string): void;
  /** A rotate_cancel behind the store's back. */
  cancelRotation(clientId: string): void;
  isValidSecret(clientId: string, secret: string): boolean;
  /** 0 (deleted or public), 1, or 2 while a rotation is open. */
  validSecretCount(clientId: string): number;
  validSecretHashes(clientId: string): string[];
  clientState(clientId: string): ClientStateView;
  /** Deletes the client: its management calls answer not-found, its secrets stop working. */
  deleteClient(clientId: string): void;
  setTokenEndpointBehaviour(behaviour: TokenEndpointBehaviour): void;
}

/** The seeding API over a running server; every call acts on the state directly. */
export class LocalStytchServer implements LocalStytch {
  #behaviour: TokenEndpointBehaviour;

  constructor(
    private readonly server: RunningServer,
    readonly state: StytchState,
    private readonly tokens: AccessTokenIssuer,
    behaviour: TokenEndpointBehaviour,
  ) {
    this.#behaviour = behaviour;
  }

  get name(): string {
    return this.server.name;
  }
  get url(): string {
    return this.server.url;
  }
  get port(): number {
    return this.server.port;
  }
  get faults(): FaultPlan {
    return this.server.faults;
  }
  get requestLog(): RequestLogEntry[] {
    return this.server.requestLog;
  }
  get tokenEndpointBehaviour(): TokenEndpointBehaviour {
    return this.#behaviour;
  }
  get tokensIssued(): number {
    return this.tokens.issued;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  createProject(): { projectId: string; secret: string } {
    return this.state.createProject();
  }

  projectDomain(projectId: string): string {
    return projectDomainUrl(this.server.url, projectId);
  }

  createClient(projectId: string, spec: PublicConnectedAppSpec): SeededPublicClient;
  createClient(projectId: string, spec: ClientSpec): SeededClient;
  createClient(projectId: string, spec: ClientSpec): SeededClient | SeededPublicClient {
    const { clientId, clientSecret } = this.state.createClient(projectId, spec);
    return clientSecret === undefined
      ? { clientId, clientSecret: undefined }
      : { clientId, clientSecret };
  }

  startRotation(clientId: string): string {
    return this.state.startRotation(this.#client(clientId));
  }

  completeRotation(clientId: string): void {
    this.state.completeRotation(this.#client(clientId));
  }

  cancelRotation(clientId: string): void {
    this.state.cancelRotation(this.#client(clientId));
  }

  isValidSecret(clientId: string, secret: string): boolean {
    const client = this.#record(clientId);
    return !client.deleted && this.state.matchSecret(client, secret) !== undefined;
  }

  validSecretCount(clientId: string): number {
    return this.validSecretHashes(clientId).length;
  }

  validSecretHashes(clientId: string): string[] {
    const client = this.#record(clientId);
    if (client.deleted) return [];
    return [client.current, client.next].flatMap((secret) => (secret ? [secret.hash] : []));
  }

  clientState(clientId: string): ClientStateView {
    const client = this.#record(clientId);
    return {
      currentLastFour: client.current?.lastFour ?? null,
      nextLastFour: client.next?.lastFour ?? null,
      rotationStartedAt: client.rotationStartedAt ?? null,
      deleted: client.deleted,
    };
  }

  deleteClient(clientId: string): void {
    this.#client(clientId).deleted = true;
  }

  setTokenEndpointBehaviour(behaviour: TokenEndpointBehaviour): void {
    this.#behaviour = behaviour;
  }

  /** Any client this server created, deleted or not. */
  #record(clientId: string): ClientRecord {
    const client = this.state.clients.get(clientId);
    if (!client) throw new Error(`the local Stytch has no client ${clientId}`);
    return client;
  }

  /** A client that is not deleted. */
  #client(clientId: string): ClientRecord {
    const client = this.state.liveClient(clientId);
    if (!client) throw new Error(`the local Stytch has no live client ${clientId}`);
    return client;
  }
}
