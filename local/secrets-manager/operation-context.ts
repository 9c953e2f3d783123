import type { Clock } from '../../lambda/clock.ts';
import type { StageObserver } from './stages.ts';
import type { Secret, SecretsState } from './state.ts';

/** What the operations need from the rotation driver; a fake in unit tests. */
export interface RotationControl extends StageObserver {
  /** Whether a rotation function is registered under this ARN. */
  hasFunction(functionArn: string): boolean;
  /** The token of the rotation running for this secret, if one is. */
  activeToken(secret: Secret): string | undefined;
  /** Whether a rotation with this token was ever started for this secret. */
  wasStarted(secret: Secret, token: string): boolean;
  /** Starts the asynchronous invocation of the four steps; AWSPENDING is already in place. */
  start(secret: Secret, token: string): void;
  /**
   * Runs the testSecret step once, as RotateSecret with RotateImmediately=false does to check the
   * configuration; AWSPENDING is already on an empty version. Resolves when the step has ended,
   * whatever its outcome.
   */
  testConfiguration(secret: Secret, token: string): Promise<void>;
  /**
   * Stops the running rotation after its current step and records RotationAbandoned for it, or for
   * `pendingVersionId` (a failed rotation awaiting its retry) when none is running.
   */
  cancel(secret: Secret, pendingVersionId: string | undefined): void;
}

/** Everything a Secrets Manager operation works on. */
export interface OperationContext {
  readonly state: SecretsState;
  readonly clock: Clock;
  readonly rotation: RotationControl;
}
