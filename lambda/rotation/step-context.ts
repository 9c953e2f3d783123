/**
 * What every step receives: its collaborators, built once per container by the handler, and the
 * facts of this invocation. Steps are plain async functions over this; they hold no state.
 */
import type { Clock } from '../clock.ts';
import type { RotationConfig } from '../config.ts';
import type { Log } from '../log.ts';
import type { MetricsSink } from '../reconcile/metrics.ts';
import type { SecretMetadata, SecretStore } from '../secrets/store.ts';
import type { StytchClient } from '../stytch/client.ts';
import type { ProbeCalibration } from './probe-calibration.ts';

export interface StepDeps {
  readonly store: SecretStore;
  readonly stytch: StytchClient;
  readonly config: RotationConfig;
  readonly clock: Clock;
  readonly log: Log;
  /** Which token endpoints have proven they reject a wrong secret with invalid_client. */
  readonly probe: ProbeCalibration;
  /** Where the runner counts deferred rotations (`RotationsDeferred`). @default - not counted */
  readonly metrics?: MetricsSink;
}

export interface StepInput {
  readonly metadata: SecretMetadata;
  /** The version this rotation creates (ClientRequestToken). */
  readonly token: string;
  readonly rotationToken: string | undefined;
  /** The guards' verdict: finishSecret still has work when the token is already AWSCURRENT. */
  readonly alreadyCurrent: boolean;
  /** Epoch ms after which no Stytch call may start or wait. */
  readonly deadline: number;
}

/** What a step reports for its closing log line. */
export interface StepResult {
  /** `deferred`: createSecret met an open overlap; the reconcile starts the rotation again later. */
  readonly outcome: 'succeeded' | 'skipped' | 'deferred';
  readonly detail: string;
  readonly clientId?: string;
}
