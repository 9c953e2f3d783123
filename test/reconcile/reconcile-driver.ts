/**
 * Runs the scheduled reconcile against a RotationWorld the way EventBridge would: the function's own
 * handler, invoked with a Scheduled Event, in a container of its own. Metrics go to a recorder (no
 * EMF noise) and every external call the reconcile makes is recorded, so a test can tell the
 * reconcile's moves from the rotation's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ReconcileAttentionError } from '../../lambda/reconcile/errors.ts';
import type { MetricsSink } from '../../lambda/reconcile/metrics.ts';
import { createHandler, type Handler } from '../../lambda/rotation/handler.ts';
import { CallInterceptor } from '../e2e/call-interceptor.ts';
import { LAMBDA_CONTEXT, type RotationWorld } from '../e2e/rotation-world.ts';

/** The event EventBridge sends on a schedule. */
export const SCHEDULED_EVENT = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:000000000000:rule/reconcile'],
  detail: {},
} as const;

/** Keeps every published metric, summed per name. */
export class RecordingMetrics implements MetricsSink {
  readonly totals: Record<string, number> = {};
  #pending: Array<[string, number]> = [];
  publishes = 0;

  addMetric(name: string, _unit: 'Count', value: number): void {
    this.#pending.push([name, value]);
  }

  publishStoredMetrics(): void {
    for (const [name, value] of this.#pending) this.totals[name] = (this.totals[name] ?? 0) + value;
    this.#pending = [];
    this.publishes += 1;
  }
}

/** How one pass ended. */
export interface PassResult {
  /** The pass's ReconcileAttentionError, or undefined when it succeeded. Other errors are thrown. */
  readonly attention: ReconcileAttentionError | undefined;
}

/** Mutating calls, as the CallInterceptor names them. */
const WRITES =
  /^(store\.(putPending|promote|removePending|tag|untag|startRotation)|stytch\.(rotateStart|rotate|rotateCancel))$/;

export class ReconcileDriver {
  readonly metrics = new RecordingMetrics();
  /** Every call of the reconcile's store and Stytch client, e.g. `stytch.rotate`. */
  readonly calls = new CallInterceptor();
  /** The continuation events the passes asked for, in order (none is run by itself). */
  readonly continuations: unknown[] = [];
  /**
   * Awaited before each of the reconcile's calls (named as in `calls`, with its 1-based count
   * among calls of that name): where a race test starts a rotation between the pass's look and its
   * move.
   */
  beforeCall: ((call: string, nth: number) => Promise<void>) | undefined;
  /**
   * Every call with what it was aimed at: the secret (store calls) or the client id (Stytch calls),
   * and for a value read the version.
   */
  readonly aimed: Array<{
    readonly call: string;
    readonly target: string;
    readonly version?: string;
  }> = [];
  #handler: Handler;

  constructor(
    private readonly world: RotationWorld,
    envOverrides: Readonly<Record<string, string>> = {},
  ) {
    const aws = {
      region: world.cloud.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    };
    // The world's function environment, so the reconcile runs with the rotation's settings.
    const env = {
      // biome-ignore lint/complexity/useLiteralKeys: the env is private to the world; tests may read it.
      ...world['functionEnv'],
      STYTCH_RECONCILE_CALLS_PER_SECOND: '1000',
      // One slot per period: every pass audits every secret, so a test sees drift at once. The
      // tests of the listing's decisions (listing-decisions.test.ts) set the default period.
      STYTCH_RECONCILE_AUDIT_HOURS: '0.25',
      ...envOverrides,
    };
    this.#handler = createHandler({
      env,
      clock: world.clock,
      log: world.log,
      metrics: this.metrics,
      secretsManager: new SecretsManagerClient({
        ...aws,
        endpoint: world.cloud.secretsManager.url,
      }),
      ssm: new SSMClient({ ...aws, endpoint: world.cloud.ssm.url }),
      dynamodb: new DynamoDBClient({ ...aws, endpoint: world.cloud.dynamodb.url }),
      stytchRetry: { baseDelayMs: 1, maxDelayMs: 5 },
      startContinuation: async (event) => {
        this.continuations.push(event);
      },
      decorate: {
        store: (store) => this.#hooked('store', this.calls.wrap('store', store)),
        stytch: (client) => this.#hooked('stytch', this.calls.wrap('stytch', client)),
      },
    });
  }

  /** One scheduled pass, or the invocation `event` asks for (a continuation). */
  async run(event: unknown = SCHEDULED_EVENT): Promise<PassResult> {
    try {
      await this.#handler(event, LAMBDA_CONTEXT);
      return { attention: undefined };
    } catch (error) {
      if (error instanceof ReconcileAttentionError) return { attention: error };
      throw error;
    } finally {
      this.world.expectNoSecretsLogged();
    }
  }

  #hooked<T extends object>(surface: string, target: T): T {
    const counts = new Map<string, number>();
    return new Proxy(target, {
      get: (object, property, receiver) => {
        const value = Reflect.get(object, property, receiver);
        if (typeof value !== 'function' || typeof property !== 'string') return value;
        if (value.constructor.name === 'AsyncGeneratorFunction') return value.bind(object);
        return async (...args: unknown[]) => {
          const name = `${surface}.${property}`;
          const nth = (counts.get(name) ?? 0) + 1;
          counts.set(name, nth);
          const selector = args[1] as { versionId?: string } | undefined;
          this.aimed.push({
            call: name,
            target: String(args[0]),
            ...(name === 'store.readValue' && selector?.versionId
              ? { version: selector.versionId }
              : {}),
          });
          await this.beforeCall?.(name, nth);
          return value.apply(object, args);
        };
      },
    });
  }

  /** The calls aimed at one secret (by ARN) or its client (by id), in order. */
  callsFor(...targets: string[]): string[] {
    return this.aimed.filter((c) => targets.includes(c.target)).map((c) => c.call);
  }

  /** Forgets the calls recorded so far. */
  resetCalls(): void {
    this.aimed.length = 0;
    this.calls.calls.length = 0;
  }

  /** The state-changing calls the reconcile made so far. */
  writes(): string[] {
    return this.calls.calls.filter((call) => WRITES.test(call));
  }
}
