import { randomBytes } from 'node:crypto';
import type { Clock } from '../../lambda/clock.ts';
import { AwsServiceError } from '../aws-json.ts';

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPENDING = 'AWSPENDING';
export const AWSPREVIOUS = 'AWSPREVIOUS';

/** One version of a secret. `value` is undefined for the empty version RotateSecret creates. */
export interface SecretVersion {
  readonly versionId: string;
  value: string | undefined;
  readonly stages: Set<string>;
  readonly createdDate: Date;
  lastAccessedDate: Date | undefined;
  /** The RotationToken PutSecretValue was called with, if any. */
  rotationToken: string | undefined;
}

/** RotationRules as stored; echoed back on the wire exactly as given. */
export interface RotationRules {
  readonly automaticallyAfterDays?: number;
  readonly scheduleExpression?: string;
  readonly duration?: string;
}

export interface RotationConfig {
  /** Undefined until rotation is first configured: DescribeSecret then omits RotationEnabled. */
  enabled: boolean | undefined;
  lambdaArn: string | undefined;
  rules: RotationRules | undefined;
}

export interface Secret {
  readonly arn: string;
  readonly name: string;
  description: string | undefined;
  /** Insertion-ordered, like the Tags list AWS returns. */
  readonly tags: Map<string, string>;
  readonly versions: Map<string, SecretVersion>;
  readonly createdDate: Date;
  lastChangedDate: Date;
  lastAccessedDate: Date | undefined;
  lastRotatedDate: Date | undefined;
  /** When DeleteSecret was called; undefined for a live secret. */
  deletedDate: Date | undefined;
  /** When the recovery window ends and the secret is purged. */
  deletionDate: Date | undefined;
  readonly rotation: RotationConfig;
  /** Every RotationToken this service handed to the rotation function for this secret. */
  readonly rotationTokens: Set<string>;
}

const ARN_SUFFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Every secret of one emulated account and region. */
export class SecretsState {
  readonly #secrets: Secret[] = [];

  constructor(
    readonly clock: Clock,
    readonly region: string,
    readonly accountId: string,
  ) {}

  /** `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>`. */
  newArn(name: string): string {
    const suffix = [...randomBytes(6)]
      .map((byte) => ARN_SUFFIX_ALPHABET[byte % ARN_SUFFIX_ALPHABET.length])
      .join('');
    return `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${suffix}`;
  }

  add(secret: Secret): void {
    this.#secrets.push(secret);
  }

  /** Puts `secret` in place of the secret with its ARN (or adds it), keeping the listing order. */
  replace(secret: Secret): void {
    const index = this.#secrets.findIndex((s) => s.arn === secret.arn);
    if (index >= 0) this.#secrets[index] = secret;
    else this.#secrets.push(secret);
  }

  remove(secret: Secret): void {
    const index = this.#secrets.indexOf(secret);
    if (index >= 0) this.#secrets.splice(index, 1);
  }

  /** Every secret, oldest first, including those scheduled for deletion. */
  all(): readonly Secret[] {
    this.#purgeExpired();
    return [...this.#secrets];
  }

  /** The secret named by full ARN or name, or undefined. Partial ARNs are not supported. */
  lookup(secretId: string): Secret | undefined {
    this.#purgeExpired();
    return this.#secrets.find((s) => s.arn === secretId || s.name === secretId);
  }

  /** The secret, even one scheduled for deletion (DescribeSecret, RestoreSecret). */
  find(secretId: string): Secret {
    const secret = this.lookup(secretId);
    if (!secret) {
      throw new AwsServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    }
    return secret;
  }

  /**
   * The secret for an operation that reads or changes it. AWS API reference (GetSecretValue,
   * PutSecretValue, ...): a secret marked for deletion answers InvalidRequestException.
   */
  findLive(secretId: string): Secret {
    const secret = this.find(secretId);
    if (secret.deletedDate) {
      throw new AwsServiceError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    return secret;
  }

  /** AWS purges a secret when its recovery window ends; here that happens on the next access. */
  #purgeExpired(): void {
    const now = this.clock.now().getTime();
    for (const secret of [...this.#secrets]) {
      if (secret.deletionDate && secret.deletionDate.getTime() <= now) this.remove(secret);
    }
  }
}

/** A new secret with no versions. */
export function newSecret(state: SecretsState, name: string, description?: string): Secret {
  const now = state.clock.now();
  return {
    arn: state.newArn(name),
    name,
    description,
    tags: new Map(),
    versions: new Map(),
    createdDate: now,
    lastChangedDate: now,
    lastAccessedDate: undefined,
    lastRotatedDate: undefined,
    deletedDate: undefined,
    deletionDate: undefined,
    rotation: { enabled: undefined, lambdaArn: undefined, rules: undefined },
    rotationTokens: new Set(),
  };
}

/** Adds an unlabelled version; the caller attaches stages. */
export function addVersion(
  secret: Secret,
  versionId: string,
  value: string | undefined,
  now: Date,
): SecretVersion {
  const version: SecretVersion = {
    versionId,
    value,
    stages: new Set(),
    createdDate: now,
    lastAccessedDate: undefined,
    rotationToken: undefined,
  };
  secret.versions.set(versionId, version);
  return version;
}

/** The version holding `stage`, if any. */
export function holderOf(secret: Secret, stage: string): SecretVersion | undefined {
  for (const version of secret.versions.values()) if (version.stages.has(stage)) return version;
  return undefined;
}

/**
 * The version AWSPENDING sits on when it is not also AWSCURRENT: a rotation in progress or a failed
 * one (AWS API reference, RotateSecret).
 */
export function pendingRotationVersion(secret: Secret): SecretVersion | undefined {
  const pending = holderOf(secret, AWSPENDING);
  return pending && !pending.stages.has(AWSCURRENT) ? pending : undefined;
}

/** `VersionIdsToStages`: only labelled versions; unlabelled ones are deprecated. */
export function versionIdsToStages(secret: Secret): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const version of secret.versions.values()) {
    if (version.stages.size > 0) map[version.versionId] = [...version.stages];
  }
  return map;
}

/**
 * A deep copy of `secret` with every date moved by `shiftMs`: what a test restores to start many
 * runs from one state, as if that state had just been reached.
 */
export function copySecret(secret: Secret, shiftMs = 0): Secret {
  const shift = (date: Date) => new Date(date.getTime() + shiftMs);
  const shiftOptional = (date: Date | undefined) => (date === undefined ? undefined : shift(date));
  const versions = new Map<string, SecretVersion>();
  for (const [id, version] of secret.versions) {
    versions.set(id, {
      ...version,
      stages: new Set(version.stages),
      createdDate: shift(version.createdDate),
      lastAccessedDate: shiftOptional(version.lastAccessedDate),
    });
  }
  return {
    ...secret,
    tags: new Map(secret.tags),
    versions,
    createdDate: shift(secret.createdDate),
    lastChangedDate: shift(secret.lastChangedDate),
    lastAccessedDate: shiftOptional(secret.lastAccessedDate),
    lastRotatedDate: shiftOptional(secret.lastRotatedDate),
    deletedDate: shiftOptional(secret.deletedDate),
    deletionDate: shiftOptional(secret.deletionDate),
    rotation: { ...secret.rotation },
    rotationTokens: new Set(secret.rotationTokens),
  };
}
