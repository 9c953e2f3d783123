/**
 * The failures of the per-client lease. Each is a RotationError with a stable code; none means that
 * anything was changed: the lease is taken before any mutating call and checked before each one.
 */
import { RotationError, type RotationErrorOptions } from '../errors.ts';

/**
 * Another actor holds the client's lease (code `LEASE_BUSY`). Retryable: Secrets Manager retries the
 * step, the reconcile visits the secret on its next pass, the operator runs the command again.
 */
export class LeaseBusyError extends RotationError {
  override readonly name = 'LeaseBusyError';
  readonly retryable = true;
  readonly clientId: string;
  /** Who holds the lease, e.g. `rotation createSecret <token> …` or `cli cancel …`. */
  readonly holder: string;
  /** When the holder's lease runs out, epoch ms. */
  readonly expiresAt: number;

  constructor(details: { clientId: string; holder: string; expiresAt: number }, message: string) {
    super('LEASE_BUSY', message);
    this.clientId = details.clientId;
    this.holder = details.holder;
    this.expiresAt = details.expiresAt;
  }
}

/**
 * The lease ran out before a mutating call, or its release found it taken over (code `LEASE_LOST`).
 * The call it guarded was not made; another actor may act on the client now.
 */
export class LeaseLostError extends RotationError {
  override readonly name = 'LeaseLostError';
  readonly retryable = true;
  readonly clientId: string;

  constructor(clientId: string, message: string) {
    super('LEASE_LOST', message);
    this.clientId = clientId;
  }
}

/**
 * The lease table could not be used (code `LEASE_UNAVAILABLE`): DynamoDB failed after the SDK's own
 * retries, or the role may not use the table. Fail safe: nothing is done without the lease.
 */
export class LeaseUnavailableError extends RotationError {
  override readonly name = 'LeaseUnavailableError';
  readonly clientId: string;
  /** The DynamoDB operation, e.g. `PutItem`. */
  readonly operation: string;
  /** The AWS error name, e.g. `AccessDeniedException`. */
  readonly awsErrorCode: string | undefined;
  readonly retryable: boolean;

  constructor(
    details: { clientId: string; operation: string; awsErrorCode?: string; retryable: boolean },
    message: string,
    options?: RotationErrorOptions,
  ) {
    super('LEASE_UNAVAILABLE', message, options);
    this.clientId = details.clientId;
    this.operation = details.operation;
    this.awsErrorCode = details.awsErrorCode;
    this.retryable = details.retryable;
  }
}

/**
 * The Stytch client is owned by another secret (code `CLIENT_CLAIMED`): two secrets naming one
 * client would undo each other's rotations, so only the first one to take the client's lease may
 * act on it. Not retryable; an operator transfers the client with `stytch-rotation lease transfer`.
 */
export class ClientClaimedError extends RotationError {
  override readonly name = 'ClientClaimedError';
  readonly clientId: string;
  /** The secret this actor works for. */
  readonly secretArn: string;
  /** The secret that owns the client. */
  readonly ownerSecretArn: string;

  constructor(details: { clientId: string; secretArn: string; ownerSecretArn: string }) {
    super(
      'CLIENT_CLAIMED',
      `${details.secretArn} names Stytch client ${details.clientId}, which ${details.ownerSecretArn} ` +
        "already manages; two secrets rotating one client would revoke each other's secrets, so " +
        'nothing was done. Point this secret at its own client, or, if it replaces the other ' +
        `secret, run: stytch-rotation lease transfer ${details.secretArn}`,
    );
    this.clientId = details.clientId;
    this.secretArn = details.secretArn;
    this.ownerSecretArn = details.ownerSecretArn;
  }
}
