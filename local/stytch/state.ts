import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lambda/clock.ts';
import {
  type ClientKind,
  type ConnectedAppClientType,
  KIND_PROFILES,
  PUBLIC_CLIENT_TYPES,
} from './kinds.ts';
import {
  newClientSecret,
  newProjectSecret,
  type StoredSecret,
  secretMatches,
  storeSecret,
} from './secret-hashing.ts';

/** A Stytch project: its id and the hash of its secret. */
export interface ProjectRecord {
  readonly projectId: string;
  readonly secret: StoredSecret;
}

/** A Connected App or M2M client. Secrets are held only as hashes plus last four. */
export interface ClientRecord {
  readonly clientId: string;
  readonly projectId: string;
  readonly kind: ClientKind;
  /** Connected Apps only. */
  readonly clientType: ConnectedAppClientType | undefined;
  readonly name: string;
  readonly description: string;
  /** M2M only; empty for Connected Apps. */
  readonly scopes: readonly string[];
  /** Undefined for public Connected Apps, which have no secret. */
  current: StoredSecret | undefined;
  /** Set between rotate_start and rotate / rotate_cancel. */
  next: StoredSecret | undefined;
  rotationStartedAt: Date | undefined;
  deleted: boolean;
}

/** What a seeded client looks like to the caller that created it. */
export interface ClientSpec {
  readonly kind: ClientKind;
  /**
   * A chosen, unused id (e.g. one from cdk.json). Not checked against the kind, so a test can seed
   * a client whose id names the other kind. @default - the kind's test prefix and a random UUID
   */
  readonly clientId?: string;
  /** Connected Apps only. @default 'first_party' */
  readonly clientType?: ConnectedAppClientType;
  /** @default - a name derived from the kind */
  readonly name?: string;
  /** M2M only. @default ['read:users', 'write:users'] */
  readonly scopes?: readonly string[];
}

/** Why a rotation call was refused; the management routes turn it into the kind's error type. */
export type RotationRefusal = 'already_rotating' | 'not_rotating' | 'public_client';

export class RotationRefusedError extends Error {
  constructor(readonly refusal: RotationRefusal) {
    super(`rotation refused: ${refusal}`);
    this.name = 'RotationRefusedError';
  }
}

/**
 * The whole state of a local Stytch. Fields are public and plain (no `#private`) on purpose: a test
 * can `util.inspect` everything this object holds and prove no plaintext secret is among it.
 */
export class StytchState {
  readonly projects = new Map<string, ProjectRecord>();
  readonly clients = new Map<string, ClientRecord>();

  constructor(readonly clock: Clock) {}

  createProject(): { projectId: string; secret: string } {
    const projectId = `project-test-${randomUUID()}`;
    const secret = newProjectSecret();
    this.projects.set(projectId, { projectId, secret: storeSecret(secret) });
    return { projectId, secret };
  }

  /** Whether `projectId` exists and `secret` is its secret. */
  authenticateProject(projectId: string, secret: string): boolean {
    return secretMatches(this.projects.get(projectId)?.secret, secret);
  }

  /** Creates a client; the secret is returned once (undefined for public Connected Apps). */
  createClient(
    projectId: string,
    spec: ClientSpec,
  ): { clientId: string; clientSecret: string | undefined } {
    if (!this.projects.has(projectId)) throw new Error(`no project ${projectId}`);
    const clientType =
      spec.kind === 'connected_app' ? (spec.clientType ?? 'first_party') : undefined;
    const isPublic = clientType !== undefined && PUBLIC_CLIENT_TYPES.has(clientType);
    const clientSecret = isPublic ? undefined : newClientSecret();
    const clientId = spec.clientId ?? `${KIND_PROFILES[spec.kind].idPrefix}${randomUUID()}`;
    if (this.clients.has(clientId)) throw new Error(`client ${clientId} exists already`);
    this.clients.set(clientId, {
      clientId,
      projectId,
      kind: spec.kind,
      clientType,
      name: spec.name ?? `local ${spec.kind} client`,
      description: '',
      scopes: spec.kind === 'm2m' ? [...(spec.scopes ?? ['read:users', 'write:users'])] : [],
      current: clientSecret === undefined ? undefined : storeSecret(clientSecret),
      next: undefined,
      rotationStartedAt: undefined,
      deleted: false,
    });
    return { clientId, clientSecret };
  }

  /**
   * The live client `clientId` of this project and kind. A client of another project, of the other
   * kind, or deleted is reported as missing, like Stytch's `*_not_found`.
   */
  findClient(projectId: string, kind: ClientKind, clientId: string): ClientRecord | undefined {
    const client = this.clients.get(clientId);
    if (!client || client.deleted || client.projectId !== projectId || client.kind !== kind) {
      return undefined;
    }
    return client;
  }

  /** Any live client with this id, whatever its project (for the token endpoint and seeding). */
  liveClient(clientId: string): ClientRecord | undefined {
    const client = this.clients.get(clientId);
    return client && !client.deleted ? client : undefined;
  }

  /** rotate_start: issues the next secret, keeps its hash, returns the plaintext once. */
  startRotation(client: ClientRecord): string {
    if (!client.current) throw new RotationRefusedError('public_client');
    if (client.next) throw new RotationRefusedError('already_rotating');
    const nextSecret = newClientSecret();
    client.next = storeSecret(nextSecret);
    client.rotationStartedAt = this.clock.now();
    return nextSecret;
  }

  /** rotate: the next secret becomes the only valid one. */
  completeRotation(client: ClientRecord): void {
    if (!client.current) throw new RotationRefusedError('public_client');
    if (!client.next) throw new RotationRefusedError('not_rotating');
    client.current = client.next;
    client.next = undefined;
    client.rotationStartedAt = undefined;
  }

  /** rotate_cancel: discards the next secret. */
  cancelRotation(client: ClientRecord): void {
    if (!client.current) throw new RotationRefusedError('public_client');
    if (!client.next) throw new RotationRefusedError('not_rotating');
    client.next = undefined;
    client.rotationStartedAt = undefined;
  }

  /** Which of the client's secrets `secret` is, if any. */
  matchSecret(client: ClientRecord, secret: string): 'current' | 'next' | undefined {
    // Both comparisons always run, so the answer's timing does not tell which one matched.
    const isCurrent = secretMatches(client.current, secret);
    const isNext = secretMatches(client.next, secret);
    if (isCurrent) return 'current';
    return isNext ? 'next' : undefined;
  }
}
