/**
 * The e2e RotationWorld (local cloud, Stytch project, credentials in SSM, the handler as rotation
 * function) with the handler swapped for one built for fault tests: short timeouts on every client,
 * the {@link CallTracer} on SSM, the store and Stytch, an optional broken variant of the code under
 * test, and every error an invocation threw kept for assertions.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Clock } from '../../../lambda/clock.ts';
import type { Log } from '../../../lambda/log.ts';
import { createHandler, type Handler } from '../../../lambda/rotation/handler.ts';
import type { SecretStore } from '../../../lambda/secrets/store.ts';
import type { StytchClient } from '../../../lambda/stytch/client.ts';
import type { LocalCloud } from '../../../local/cloud.ts';
import type { RunningServer } from '../../../local/http-server.ts';
import { createLambdaContext } from '../../../local/lambda-context.ts';
import type { RotationOutcome } from '../../../local/secrets-manager/index.ts';
import { createManagedSecret, localAwsClientConfig } from '../../../local/seed.ts';
import {
  CREDENTIALS_PARAMETER,
  FUNCTION_ARN,
  MANAGED_TAG,
  type ManagedClient,
  RotationWorld,
  type WorldOptions,
} from '../../e2e/rotation-world.ts';
import { CallTracer } from './call-tracer.ts';

/**
 * Timeouts short enough to explore every call quickly, long enough that a loaded 2-core machine
 * answering a healthy local call never trips them. `holdMs` is how long a 'slow-headers' fault
 * keeps an answer back: well past both, and past undici's timer resolution (its headers and body
 * timeouts run on "fast timers" that fire about 1 s after the start for any timeout under 1 s).
 */
export const TIMEOUTS = { stytchMs: 300, awsMs: 300, holdMs: 1_800 } as const;

/** The servers of the local cloud, by the prefix of the calls that reach them. */
export type ServerName = 'ssm' | 'store' | 'stytch' | 'lease';

/** What a broken variant may use besides the surface it wraps. */
export interface VariantContext {
  readonly clock: Clock;
  readonly log: Log;
  /** The traced Stytch client of the invocation in progress. */
  stytch(): StytchClient | undefined;
}

/** A deliberately broken version of the code under test, expressed through the container's hooks. */
export interface BrokenVariant {
  readonly name: string;
  readonly store?: (store: SecretStore, context: VariantContext) => SecretStore;
  readonly stytch?: (client: StytchClient, context: VariantContext) => StytchClient;
}

export interface ReliabilityWorldOptions extends Pick<WorldOptions, 'tokenEndpointBehaviour'> {
  /** STYTCH_COMPLETION_DELAY_SECONDS. @default 0 */
  readonly completionDelaySeconds?: number;
  /** Attempts Secrets Manager makes per rotation. @default 3 */
  readonly maxAttempts?: number;
  readonly variant?: BrokenVariant;
}

export class ReliabilityWorld {
  readonly tracer = new CallTracer();
  /** Every error an invocation of the function threw, typed as thrown. */
  readonly errors: unknown[] = [];
  #handler: Handler;
  readonly #awsClients: Array<{ destroy(): void }> = [];

  private constructor(
    readonly base: RotationWorld,
    private readonly options: ReliabilityWorldOptions,
  ) {
    this.#handler = this.#newHandler();
    this.tracer.onCrash = () => {
      this.#handler = this.#newHandler();
    };
    base.handler = async (event, context) => {
      try {
        await this.#handler(event, context);
      } catch (error) {
        this.errors.push(error);
        throw error;
      }
    };
  }

  static async start(options: ReliabilityWorldOptions = {}): Promise<ReliabilityWorld> {
    const base = await RotationWorld.start({
      completionDelaySeconds: options.completionDelaySeconds ?? 0,
      maxAttempts: options.maxAttempts ?? 3,
      tokenEndpointBehaviour: options.tokenEndpointBehaviour,
    });
    return new ReliabilityWorld(base, options);
  }

  get cloud(): LocalCloud {
    return this.base.cloud;
  }

  /** The local server a traced call of this prefix reaches. */
  server(name: ServerName): RunningServer {
    const { ssm, secretsManager, stytch, dynamodb } = this.cloud;
    return { ssm, store: secretsManager, stytch, lease: dynamodb }[name];
  }

  /** The next invocation starts in a fresh container: no cached credentials, connections or calibration. */
  coldStart(): void {
    this.#handler = this.#newHandler();
  }

  addClient(kind: 'connected_app' | 'm2m', extra?: Record<string, unknown>) {
    return this.base.addClient(kind, extra);
  }

  /** A managed secret holding `secretString` exactly (any text), with rotation enabled. */
  addRawSecret(secretString: string): Promise<string> {
    return createManagedSecret(this.base.sm, {
      name: `stytch/reliability/raw-${randomUUID()}`,
      value: secretString,
      tag: MANAGED_TAG,
      rotationFunctionArn: FUNCTION_ARN,
    });
  }

  rotate(secretArn: string): Promise<RotationOutcome> {
    return this.base.rotate(secretArn);
  }

  /** RotateSecret and wait, for a secret whose value need not be JSON (unlike {@link rotate}). */
  async rotateRaw(secretArn: string): Promise<RotationOutcome> {
    const out = await this.base.sm.send(new RotateSecretCommand({ SecretId: secretArn }));
    return this.cloud.secretsManager.waitForRotation(secretArn, out.VersionId);
  }

  /** AWSCURRENT's client secret; before the first rotation, the one Stytch issued at creation. */
  currentSecret(client: ManagedClient): string {
    return this.base.secretAt(client.secretArn, 'AWSCURRENT') ?? client.originalSecret;
  }

  /**
   * Runs the scheduled reconcile as EventBridge would invoke it, `hoursLater` after now (past
   * STYTCH_STUCK_ROTATION_HOURS, so a stuck rotation is abandoned). Resolves with the error it
   * threw, if any.
   */
  async runReconcile(hoursLater = 25): Promise<unknown> {
    this.base.clock.advance(hoursLater * 3_600_000);
    const event = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
    const context = createLambdaContext({ functionArn: FUNCTION_ARN, timeoutMs: 20_000 });
    return this.base.handler(event, context).then(
      () => undefined,
      (error: unknown) => error,
    );
  }

  async close(): Promise<void> {
    for (const client of this.#awsClients) client.destroy();
    await this.base.close();
  }

  #newHandler(): Handler {
    const { base, tracer } = this;
    const { cloud, clock, log } = base;
    const shortTimeouts = {
      maxAttempts: 3,
      requestHandler: {
        connectionTimeout: 1_000,
        requestTimeout: TIMEOUTS.awsMs,
        // Without this the SDK only warns when requestTimeout passes and keeps waiting.
        throwOnRequestTimeout: true,
      },
    };
    const secretsManager = new SecretsManagerClient({
      ...localAwsClientConfig(cloud, cloud.secretsManager.url),
      ...shortTimeouts,
    });
    const ssm = tracer.traceSsm(
      new SSMClient({ ...localAwsClientConfig(cloud, cloud.ssm.url), ...shortTimeouts }),
    );
    const dynamodb = new DynamoDBClient({
      ...localAwsClientConfig(cloud, cloud.dynamodb.url),
      ...shortTimeouts,
    });
    this.#awsClients.push(secretsManager, ssm, dynamodb);
    const variant = this.options.variant;
    let latestStytch: StytchClient | undefined;
    const context: VariantContext = { clock, log, stytch: () => latestStytch };
    return createHandler({
      env: {
        STYTCH_CREDENTIALS_PARAMETER: CREDENTIALS_PARAMETER,
        STYTCH_API_BASE_URL: cloud.stytch.url,
        STYTCH_COMPLETION_DELAY_SECONDS: String(this.options.completionDelaySeconds ?? 0),
        STYTCH_MANAGED_TAG: `${MANAGED_TAG.key}=${MANAGED_TAG.value}`,
        STYTCH_LEASE_TABLE: cloud.leaseTable,
      },
      clock,
      log,
      secretsManager,
      ssm,
      dynamodb,
      // The reconcile's counters are not under test here; keep its EMF lines off stdout.
      metrics: { addMetric: () => {}, publishStoredMetrics: () => {} },
      stytchRetry: { baseDelayMs: 1, maxDelayMs: 5 },
      stytchTimeouts: { headersMs: TIMEOUTS.stytchMs, bodyMs: TIMEOUTS.stytchMs },
      decorate: {
        store: (store) => {
          const traced = tracer.wrap('store', store);
          return variant?.store?.(traced, context) ?? traced;
        },
        stytch: (client) => {
          const traced = tracer.wrap('stytch', this.#rememberIssuedSecrets(client));
          latestStytch = traced;
          return variant?.stytch?.(traced, context) ?? traced;
        },
        lease: (table) => tracer.wrap('lease', table),
      },
    });
  }

  /** Every secret Stytch hands the function joins the no-leak list, stored or not. */
  #rememberIssuedSecrets(client: StytchClient): StytchClient {
    const known = this.base.knownSecrets;
    return {
      ...client,
      rotateStart: async (clientId, call) => {
        const started = await client.rotateStart(clientId, call);
        known.push(started.nextClientSecret);
        return started;
      },
    };
  }
}
