/**
 * A rotation world for end-to-end tests: the local cloud, a Stytch project whose credentials sit in
 * SSM, and the rotation handler registered as the secrets' rotation function. Every call crosses a
 * real socket: the AWS SDK clients and undici talk to the local servers on 127.0.0.1.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { expect } from 'vitest';
import { createHandler, type Handler } from '../../lambda/rotation/handler.ts';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { ManualClock } from '../../local/manual-clock.ts';
import type { LocalRotationEvent, RotationOutcome } from '../../local/secrets-manager/index.ts';
import {
  createManagedSecret,
  localAwsClientConfig,
  localSecretsManagerClient,
  seedStytchProject,
} from '../../local/seed.ts';
import { hashSecret } from '../../local/stytch/index.ts';
import { RecordingLog } from '../unit/helpers/recording-log.ts';
import { CallInterceptor } from './call-interceptor.ts';

export const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:stytch-secret-rotation';
export const CREDENTIALS_PARAMETER = '/stytch-secret-rotation/credentials';
export const MANAGED_TAG = { key: 'stytch-secret-rotation', value: 'e2e' };

export interface WorldOptions {
  /** STYTCH_COMPLETION_DELAY_SECONDS. @default 0 */
  readonly completionDelaySeconds?: number;
  /** Attempts Secrets Manager makes per rotation. @default 3 */
  readonly maxAttempts?: number;
  /**
   * How far apart the local Secrets Manager's attempts are, on the world's clock.
   * @default RETRY_SPACING_MS
   */
  readonly retrySpacingMs?: number;
  /** Extra environment for the function. */
  readonly env?: Readonly<Record<string, string>>;
  readonly tokenEndpointBehaviour?: 'rfc6749' | 'grant-before-client-auth' | 'native-not-found';
  /**
   * Give the function its own Powertools logger (JSON lines on stdout and stderr) instead of the
   * RecordingLog, for tests that capture the real output; `expectNoSecretsLogged` then sees
   * nothing, so such a test checks what it captured itself. @default false
   */
  readonly realLogger?: boolean;
}

/**
 * The local Secrets Manager's wait between attempts of a failed rotation, on the world's clock:
 * longer than the rotation function's timeout here (20 s) plus the lease's grace (5 s), so a retry
 * finds the lease of an invocation that died holding it expired. How far apart AWS spaces its
 * retries is undocumented; see docs/concurrency.md for what a shorter spacing costs.
 */
export const RETRY_SPACING_MS = 30_000;

/** A Lambda-like context for invoking the handler directly. */
export const LAMBDA_CONTEXT = { getRemainingTimeInMillis: () => 30_000 };

/** Stytch operations (as the local Stytch names them) that change a client's secrets. */
export const MUTATING_STYTCH_OPERATION = /\.(rotate_start|rotate|rotate_cancel)$/;

export interface ManagedClient {
  readonly clientId: string;
  readonly secretArn: string;
  /** The secret Stytch issued when the client was created: unknown to the store. */
  readonly originalSecret: string;
}

/** Metrics the function publishes (the rotation's `RotationsDeferred`), summed per name. */
export class MetricTotals {
  readonly totals: Record<string, number> = {};
  #pending: Array<[string, number]> = [];

  addMetric(name: string, _unit: 'Count', value: number): void {
    this.#pending.push([name, value]);
  }

  publishStoredMetrics(): void {
    for (const [name, value] of this.#pending) this.totals[name] = (this.totals[name] ?? 0) + value;
    this.#pending = [];
  }
}

export class RotationWorld {
  /** Every secret ever seen in this world, for the no-leak check. */
  readonly knownSecrets: string[] = [];
  /** What the function's containers published as metrics, instead of EMF lines on stdout. */
  readonly metrics = new MetricTotals();
  /** Counts the function's external calls and injects faults into them. */
  readonly interceptor = new CallInterceptor();
  handler: Handler;

  private constructor(
    readonly cloud: LocalCloud,
    readonly clock: ManualClock,
    readonly log: RecordingLog,
    readonly sm: SecretsManagerClient,
    readonly projectId: string,
    private readonly functionEnv: Record<string, string>,
    private readonly realLogger = false,
  ) {
    this.handler = this.newHandler();
    // A crash kills the container: the next invocation starts cold, as Lambda would.
    this.interceptor.onCrash = () => {
      this.handler = this.newHandler();
    };
    cloud.secretsManager.registerFunction(FUNCTION_ARN, (event, context) =>
      this.handler(event, context),
    );
  }

  static async start(options: WorldOptions = {}): Promise<RotationWorld> {
    const clock = new ManualClock();
    const cloud = await startLocalCloud({
      clock,
      rotation: {
        maxAttempts: options.maxAttempts ?? 3,
        timeoutMs: 20_000,
        retryDelayMs: options.retrySpacingMs ?? RETRY_SPACING_MS,
        waitBetweenAttempts: async (ms) => clock.advance(ms),
      },
      tokenEndpointBehaviour: options.tokenEndpointBehaviour,
    });
    const project = seedStytchProject(cloud, CREDENTIALS_PARAMETER);
    const sm = localSecretsManagerClient(cloud);
    const env = {
      STYTCH_CREDENTIALS_PARAMETER: CREDENTIALS_PARAMETER,
      STYTCH_API_BASE_URL: cloud.stytch.url,
      STYTCH_COMPLETION_DELAY_SECONDS: String(options.completionDelaySeconds ?? 0),
      STYTCH_MANAGED_TAG: `${MANAGED_TAG.key}=${MANAGED_TAG.value}`,
      STYTCH_LEASE_TABLE: cloud.leaseTable,
      ...options.env,
    };
    const world = new RotationWorld(
      cloud,
      clock,
      new RecordingLog(),
      sm,
      project.projectId,
      env,
      options.realLogger,
    );
    world.knownSecrets.push(project.secret);
    return world;
  }

  /**
   * A fresh container, as after a cold start (caches and connections gone). `envOverrides` change
   * the function's environment for this container only; `undefined` removes a variable.
   */
  newHandler(envOverrides: Readonly<Record<string, string | undefined>> = {}): Handler {
    const { cloud } = this;
    return createHandler({
      env: { ...this.functionEnv, ...envOverrides },
      clock: this.clock,
      ...(this.realLogger ? {} : { log: this.log }),
      metrics: this.metrics,
      secretsManager: new SecretsManagerClient({
        ...localAwsClientConfig(cloud, cloud.secretsManager.url),
        maxAttempts: 3,
      }),
      ssm: new SSMClient({ ...localAwsClientConfig(cloud, cloud.ssm.url), maxAttempts: 3 }),
      dynamodb: new DynamoDBClient({
        ...localAwsClientConfig(cloud, cloud.dynamodb.url),
        maxAttempts: 3,
      }),
      stytchRetry: { baseDelayMs: 1, maxDelayMs: 5 },
      decorate: {
        store: (store) => this.interceptor.wrap('store', store),
        stytch: (client) => this.interceptor.wrap('stytch', client),
      },
    });
  }

  /** Creates a Stytch client and its managed secret `{client_id, ...extra}` with rotation enabled. */
  async addClient(
    kind: 'connected_app' | 'm2m',
    extra: Record<string, unknown> = {},
  ): Promise<ManagedClient> {
    const { clientId, clientSecret } = this.cloud.stytch.createClient(this.projectId, { kind });
    this.knownSecrets.push(clientSecret);
    const secretArn = await createManagedSecret(this.sm, {
      name: `stytch/e2e/${clientId}`,
      value: JSON.stringify({ client_id: clientId, ...extra }),
      tag: MANAGED_TAG,
      rotationFunctionArn: FUNCTION_ARN,
    });
    return { clientId, secretArn, originalSecret: clientSecret };
  }

  /** RotateSecret, then waits until Secrets Manager reports the rotation's end. */
  async rotate(secretArn: string): Promise<RotationOutcome> {
    const out = await this.sm.send(new RotateSecretCommand({ SecretId: secretArn }));
    const outcome = await this.cloud.secretsManager.waitForRotation(secretArn, out.VersionId);
    this.collectSecrets(secretArn);
    return outcome;
  }

  /** The stored versions of a secret: id, stages and the parsed value. */
  versions(secretArn: string) {
    return this.cloud.secretsManager.inspect(secretArn).versions.map((v) => ({
      versionId: v.versionId,
      stages: [...v.stages].sort(),
      value: v.value === undefined ? undefined : (JSON.parse(v.value) as Record<string, unknown>),
    }));
  }

  /** The client secret held by the version carrying `stage`. */
  secretAt(secretArn: string, stage: string): string | undefined {
    const version = this.versions(secretArn).find((v) => v.stages.includes(stage));
    const secret = version?.value?.client_secret;
    return typeof secret === 'string' ? secret : undefined;
  }

  /** True when AWSCURRENT's secret (before the first rotation: the original one) is valid now. */
  currentAuthenticates(client: ManagedClient): boolean {
    const current = this.secretAt(client.secretArn, 'AWSCURRENT') ?? client.originalSecret;
    return this.cloud.stytch.isValidSecret(client.clientId, current);
  }

  /**
   * The invariants a rotation must never break, checked now:
   * AWSCURRENT's secret authenticates at Stytch (after the first rotation), every secret Stytch
   * accepts is held by the store, and Stytch holds at most two.
   */
  expectInvariants(client: ManagedClient): void {
    this.collectSecrets(client.secretArn);
    const current = this.secretAt(client.secretArn, 'AWSCURRENT');
    if (current !== undefined) {
      expect(this.cloud.stytch.isValidSecret(client.clientId, current), 'AWSCURRENT is valid').toBe(
        true,
      );
    }
    const held = new Set(
      this.versions(client.secretArn)
        .map((v) => v.value?.client_secret)
        .filter((s): s is string => typeof s === 'string')
        .map(hashSecret),
    );
    if (current === undefined) held.add(hashSecret(client.originalSecret));
    const orphans = this.cloud.stytch
      .validSecretHashes(client.clientId)
      .filter((hash) => !held.has(hash));
    expect(orphans, 'valid Stytch secrets the store does not hold').toEqual([]);
    expect(this.cloud.stytch.validSecretCount(client.clientId)).toBeLessThanOrEqual(2);
  }

  /** Fails if any secret seen in this world appears in any log line. */
  expectNoSecretsLogged(): void {
    const text = this.log.text();
    const leaked = this.knownSecrets.filter((secret) => text.includes(secret)).length;
    expect(leaked, 'secrets found in the logs').toBe(0);
  }

  async close(): Promise<void> {
    this.sm.destroy();
    await this.cloud.close();
  }

  /** A managed secret whose value is `secretString` as given (any text), with rotation enabled. */
  addRawSecret(name: string, secretString: string): Promise<string> {
    return createManagedSecret(this.sm, {
      name: `stytch/e2e/raw/${name}`,
      value: secretString,
      tag: MANAGED_TAG,
      rotationFunctionArn: FUNCTION_ARN,
    });
  }

  /**
   * Starts a rotation as Secrets Manager does (RotateSecret attaches AWSPENDING to a new, empty
   * version) but runs none of its steps: a stand-in function records the event and refuses it until
   * Secrets Manager gives up. Returns the event, so a test can invoke the steps itself.
   */
  async recordRotationEvent(secretArn: string): Promise<LocalRotationEvent> {
    let recorded: LocalRotationEvent | undefined;
    this.cloud.secretsManager.registerFunction(FUNCTION_ARN, async (event) => {
      recorded = event;
      throw new Error('recorder: the test invokes the steps itself');
    });
    try {
      const out = await this.sm.send(new RotateSecretCommand({ SecretId: secretArn }));
      await this.cloud.secretsManager.waitForRotation(secretArn, out.VersionId);
    } finally {
      this.cloud.secretsManager.registerFunction(FUNCTION_ARN, (event, context) =>
        this.handler(event, context),
      );
    }
    if (recorded === undefined) throw new Error(`no rotation event was recorded for ${secretArn}`);
    return recorded;
  }

  private collectSecrets(secretArn: string): void {
    for (const version of this.versions(secretArn)) {
      const secret = version.value?.client_secret;
      if (typeof secret === 'string' && !this.knownSecrets.includes(secret)) {
        this.knownSecrets.push(secret);
      }
    }
  }
}
