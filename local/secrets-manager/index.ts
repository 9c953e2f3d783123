import { type Clock, systemClock } from '../../lambda/clock.ts';
import { awsErrorReply, faultErrorCode, routeAwsJson } from '../aws-json.ts';
import { type RunningServer, startJsonServer } from '../http-server.ts';
import { RotationDriver } from './rotation-driver.ts';
import { secretsManagerService } from './server.ts';
import { copySecret, type Secret, SecretsState } from './state.ts';
import type {
  InvocationRecord,
  RotationEventRecord,
  RotationInvoker,
  RotationOutcome,
  RotationSettings,
  SecretSnapshot,
} from './types.ts';

export type {
  InvocationRecord,
  LocalRotationEvent,
  RotationEventRecord,
  RotationEventType,
  RotationInvoker,
  RotationOutcome,
  RotationSettings,
  SecretSnapshot,
} from './types.ts';

export interface SecretsManagerOptions {
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  /** The source of every date the service reports. @default systemClock */
  readonly clock?: Clock;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** How rotation functions are invoked and retried. */
  readonly rotation?: RotationSettings;
}

/** A running local Secrets Manager (AWS JSON 1.1 on 127.0.0.1) and its test hooks. */
export interface LocalSecretsManager extends RunningServer {
  readonly region: string;
  readonly accountId: string;
  /** Makes `functionArn` invocable as a rotation function. */
  registerFunction(functionArn: string, invoker: RotationInvoker): void;
  /** Every rotation event so far, oldest first. */
  readonly events: readonly RotationEventRecord[];
  /** Calls `listener` with each new rotation event; returns the unsubscribe function. */
  onEvent(listener: (event: RotationEventRecord) => void): () => void;
  /** Every rotation function invocation so far, oldest first. */
  readonly invocations: readonly InvocationRecord[];
  /**
   * Resolves when the rotation of `secretId` (ARN or name) with `token`, or its latest rotation,
   * has ended; rejects if no such rotation was started.
   */
  waitForRotation(secretId: string, token?: string): Promise<RotationOutcome>;
  /** Resolves once no rotation is running. */
  idle(): Promise<void>;
  /** The whole state of a secret, values included, for assertions. Never log it. */
  inspect(secretId: string): SecretSnapshot;
  /**
   * A deep copy of a secret's whole state (versions, labels, tags, rotation tokens), for tests that
   * start many runs from one state without building it again each time.
   */
  saveSecret(secretId: string): SavedSecret;
  /**
   * Puts a saved secret back in place of the live one with its ARN, every date moved forward by
   * `shiftMs` (so the saved state looks as recent as when it was saved). The tags are restored
   * from `saved.tags`: a caller that needs a date inside a tag value moved passes a copy of `saved`
   * with those values changed.
   */
  restoreSecret(saved: SavedSecret, shiftMs?: number): void;
}

/** A secret's state as {@link LocalSecretsManager.saveSecret} keeps it; opaque to callers. */
export interface SavedSecret {
  readonly arn: string;
  readonly tags: Readonly<Record<string, string>>;
}

const FAULT_MESSAGES: Record<string, string> = {
  ThrottlingException: 'Rate exceeded',
  InternalServiceError: 'An error occurred on the server side.',
};

/** Starts the local Secrets Manager. Close it to stop the server and any rotation after its step. */
export async function startSecretsManager(
  options: SecretsManagerOptions = {},
): Promise<LocalSecretsManager> {
  const clock = options.clock ?? systemClock;
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '000000000000';
  const state = new SecretsState(clock, region, accountId);
  const driver = new RotationDriver(state, clock, options.rotation);
  const service = secretsManagerService({ state, clock, rotation: driver });
  const server = await startJsonServer({
    name: 'secrets-manager',
    port: options.port,
    route: (req) => routeAwsJson(service, req),
    renderError: (status, errorType) => {
      const code = faultErrorCode(status, errorType, 'InternalServiceError');
      return awsErrorReply(code, FAULT_MESSAGES[code] ?? 'injected fault', status, 'Message');
    },
  });
  return {
    name: server.name,
    url: server.url,
    port: server.port,
    faults: server.faults,
    requestLog: server.requestLog,
    region,
    accountId,
    close: async () => {
      driver.stop();
      await server.close();
    },
    registerFunction: (functionArn, invoker) => driver.registerFunction(functionArn, invoker),
    events: driver.events,
    onEvent: (listener) => driver.onEvent(listener),
    invocations: driver.invocations,
    waitForRotation: (secretId, token) => driver.waitFor(secretId, token),
    idle: () => driver.idle(),
    inspect: (secretId) => {
      const secret = state.lookup(secretId);
      if (!secret) throw new Error(`no secret ${secretId} in the local Secrets Manager`);
      return snapshot(secret);
    },
    saveSecret: (secretId) => {
      const secret = state.lookup(secretId);
      if (!secret) throw new Error(`no secret ${secretId} in the local Secrets Manager`);
      const saved: SavedSecret & { readonly secret: Secret } = {
        arn: secret.arn,
        tags: Object.fromEntries(secret.tags),
        secret: copySecret(secret),
      };
      return saved;
    },
    restoreSecret: (saved, shiftMs = 0) => {
      const { secret } = saved as SavedSecret & { readonly secret?: Secret };
      if (secret === undefined) throw new Error('restoreSecret takes what saveSecret returned');
      const restored = copySecret(secret, shiftMs);
      restored.tags.clear();
      for (const [key, value] of Object.entries(saved.tags)) restored.tags.set(key, value);
      state.replace(restored);
    },
  };
}

function snapshot(secret: Secret): SecretSnapshot {
  const { enabled, lambdaArn, rules } = secret.rotation;
  return {
    name: secret.name,
    arn: secret.arn,
    ...(secret.description !== undefined ? { description: secret.description } : {}),
    tags: Object.fromEntries(secret.tags),
    rotation: {
      enabled,
      ...(lambdaArn ? { lambdaArn } : {}),
      ...(rules ? { rules: { ...rules } } : {}),
    },
    ...(secret.lastRotatedDate ? { lastRotatedDate: secret.lastRotatedDate } : {}),
    ...(secret.deletedDate ? { deletedDate: secret.deletedDate } : {}),
    versions: [...secret.versions.values()].map((version) => ({
      versionId: version.versionId,
      stages: [...version.stages],
      ...(version.value !== undefined ? { value: version.value } : {}),
      createdDate: version.createdDate,
      ...(version.rotationToken ? { rotationToken: version.rotationToken } : {}),
    })),
  };
}
