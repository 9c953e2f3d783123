import type { Context, SecretsManagerRotationEvent } from 'aws-lambda';

/** The event Secrets Manager sends; @types/aws-lambda predates `RotationToken` (2025). */
export type LocalRotationEvent = SecretsManagerRotationEvent & { readonly RotationToken: string };

/** Invokes a rotation function once, in-process or in a child process. Rejects when the step failed. */
export type RotationInvoker = (event: LocalRotationEvent, context: Context) => Promise<unknown>;

export type RotationEventType =
  | 'RotationStarted'
  | 'RotationSucceeded'
  | 'RotationFailed'
  | 'RotationAbandoned';

/** One rotation event, as CloudTrail/EventBridge would report it. */
export interface RotationEventRecord {
  readonly type: RotationEventType;
  readonly secretArn: string;
  readonly versionId: string;
  readonly at: Date;
  /** The attempt count, on RotationFailed and RotationSucceeded. */
  readonly attempt?: number;
  /** The failed step's `ErrorName: message`, on RotationFailed. */
  readonly errorMessage?: string;
}

/** One invocation of a rotation function for one step. */
export interface InvocationRecord {
  readonly secretArn: string;
  readonly token: string;
  readonly step: SecretsManagerRotationEvent['Step'];
  readonly attempt: number;
  readonly ok: boolean;
  readonly errorName?: string;
  readonly errorMessage?: string;
  readonly durationMs: number;
}

/** How one rotation ended. */
export interface RotationOutcome {
  readonly outcome: 'succeeded' | 'failed' | 'cancelled';
  readonly attempts: number;
  readonly lastError?: { readonly name: string; readonly message: string };
}

/** How the emulator invokes rotation functions. */
export interface RotationSettings {
  /** Attempts of the whole four-step sequence before RotationFailed. @default 3 */
  readonly maxAttempts?: number;
  /** Wait between attempts. @default 0 */
  readonly retryDelayMs?: number;
  /**
   * How the wait between attempts passes. A world on a ManualClock advances that clock instead of
   * sleeping, so what is kept on it (a crashed holder's lease, a pending version's age) sees the
   * delay while the test runs at full speed. @default a real-time sleep
   */
  readonly waitBetweenAttempts?: (ms: number) => Promise<void>;
  /** Per-invocation timeout; a slower step counts as failed. @default 30000 */
  readonly timeoutMs?: number;
  /**
   * How many rotation-function invocations may run at once, as a function's reserved concurrency
   * bounds them; an invocation beyond it waits for a free slot, and its timeout starts once it runs.
   * @default - unbounded
   */
  readonly concurrency?: number;
}

/** A secret as tests see it: everything, values included. Never log one. */
export interface SecretSnapshot {
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly rotation: {
    readonly enabled: boolean | undefined;
    readonly lambdaArn?: string;
    readonly rules?: {
      readonly automaticallyAfterDays?: number;
      readonly scheduleExpression?: string;
      readonly duration?: string;
    };
  };
  readonly lastRotatedDate?: Date;
  readonly deletedDate?: Date;
  readonly versions: ReadonlyArray<{
    readonly versionId: string;
    readonly stages: readonly string[];
    readonly value?: string;
    readonly createdDate: Date;
    readonly rotationToken?: string;
  }>;
}
