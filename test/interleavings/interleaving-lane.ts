/**
 * One local cloud for one pair of actors, reused by every schedule of that pair: the pair's
 * starting state is built once and restored before each schedule. Two containers of the function
 * (one per actor) are built once, with every external call they make (store, Stytch, the lease
 * table once the container has one) routed through the gate of the schedule in progress. The
 * operator CLI, Secrets Manager's own RotateSecret and a person's PutSecretValue get gates too.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  PutSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ReconcileAttentionError } from '../../lambda/reconcile/errors.ts';
import type { ContainerOptions } from '../../lambda/rotation/container.ts';
import type { RotationStep } from '../../lambda/rotation/event.ts';
import { createHandler, type Handler } from '../../lambda/rotation/handler.ts';
import { createStytchDispatcher } from '../../lambda/stytch/http.ts';
import type { LocalRotationEvent, RotationOutcome } from '../../local/secrets-manager/index.ts';
import { localAwsClientConfig } from '../../local/seed.ts';
import { interceptCalls } from '../e2e/call-interceptor.ts';
import { LAMBDA_CONTEXT, RotationWorld } from '../e2e/rotation-world.ts';
import { SCHEDULED_EVENT } from '../reconcile/reconcile-driver.ts';
import { runGatedCli } from './gated-cli.ts';
import { restoreState, type SavedState, saveState } from './lane-snapshot.ts';
import { restoreLeaseItems, saveLeaseItems } from './lease-snapshot.ts';
import type { ActorIndex, ScheduleRunner } from './schedule-runner.ts';

/** The tag naming the Stytch client a managed secret is for. */
export const CLIENT_ID_TAG = 'stytch-secret-rotation:client-id';

/**
 * Attempts per AWS call in the gated containers. Fewer than the function's four, so a lost
 * response (armed on every attempt) costs one SDK backoff instead of three; the caller still sees
 * what it sees in production: the effect applied, then an error.
 */
const GATED_AWS_ATTEMPTS = 2;

/**
 * Every restored state starts a whole number of these after the saved one. The reconcile's drift
 * audit picks the secrets of a pass by the pass's time slot within its audit period (24 h by
 * default, cut into 15-minute slots; lambda/reconcile/audit-slice.ts), so a state moved by any
 * other amount meets a pass that audits other secrets, reads otherwise and makes other calls: the
 * same schedule would not replay. A day is a whole number of audit periods and slots here.
 */
const RESTORE_ALIGNMENT_MS = 24 * 3_600_000;

/** A pair's starting state: the secrets and Stytch clients, and the lease table's items. */
export interface LaneState extends SavedState {
  readonly leaseItems: Awaited<ReturnType<typeof saveLeaseItems>>;
}

const NO_METRICS = { addMetric: () => {}, publishStoredMetrics: () => {} };

export class InterleavingLane {
  /** The schedule in progress; its gates order the actors' calls. */
  runner: ScheduleRunner | undefined;
  readonly #recorded = new Map<string, LocalRotationEvent>();
  readonly #realFunction: Handler;
  #recording = false;
  readonly #gatedHandlers: readonly [Handler, Handler];
  readonly #sm: SecretsManagerClient;
  readonly #ssm: SSMClient;
  readonly #dispatcher = createStytchDispatcher();
  /** The lease table's client for saving and restoring it; never gated. */
  readonly #leaseDb: DynamoDBClient;

  private constructor(
    readonly world: RotationWorld,
    readonly completionDelaySeconds: number,
  ) {
    const { cloud } = world;
    this.#ssm = new SSMClient({ ...localAwsClientConfig(cloud, cloud.ssm.url), maxAttempts: 3 });
    this.#leaseDb = new DynamoDBClient({
      ...localAwsClientConfig(cloud, cloud.dynamodb.url),
      maxAttempts: 3,
    });
    this.#realFunction = createHandler({
      env: this.functionEnv,
      clock: world.clock,
      log: world.log,
      metrics: NO_METRICS,
      secretsManager: new SecretsManagerClient({
        ...localAwsClientConfig(cloud, cloud.secretsManager.url),
        maxAttempts: 3,
      }),
      ssm: this.#ssm,
      stytchRetry: { baseDelayMs: 1, maxDelayMs: 5 },
      ...this.#dynamoDbOption(),
    });
    world.handler = (event, context) => {
      if (!this.#recording) return this.#realFunction(event, context);
      const recorded = event as LocalRotationEvent;
      this.#recorded.set(recorded.ClientRequestToken, recorded);
      return Promise.reject(new Error('recorder: the actors run the steps themselves'));
    };
    this.#sm = new SecretsManagerClient({
      ...localAwsClientConfig(cloud, cloud.secretsManager.url),
      maxAttempts: GATED_AWS_ATTEMPTS,
    });
    this.#gatedHandlers = [this.#gatedHandler(0), this.#gatedHandler(1)];
  }

  static async start(completionDelaySeconds: number): Promise<InterleavingLane> {
    // One attempt per rotation: the explorer runs Secrets Manager's retries itself, after the
    // actors (run-schedule.ts), so no retry of the driver's moves the clock under a running actor.
    const world = await RotationWorld.start({ completionDelaySeconds, maxAttempts: 1 });
    return new InterleavingLane(world, completionDelaySeconds);
  }

  /** The world's function environment (the lease table too, once the cloud serves one). */
  get functionEnv(): Record<string, string> {
    const worldEnv = (this.world as unknown as { functionEnv: Record<string, string> }).functionEnv;
    return { ...worldEnv, STYTCH_RECONCILE_CALLS_PER_SECOND: '1000' };
  }

  /**
   * A DynamoDB client of the local cloud's lease table, for a container or the CLI, when the cloud
   * serves one; nothing otherwise.
   */
  #dynamoDbOption(): Record<string, unknown> {
    const { cloud } = this.world;
    const dynamodb = (cloud as unknown as { dynamodb?: { url: string } }).dynamodb;
    if (dynamodb === undefined) return {};
    return {
      dynamodb: new DynamoDBClient({
        ...localAwsClientConfig(cloud, dynamodb.url),
        maxAttempts: GATED_AWS_ATTEMPTS,
      }),
    };
  }

  // --- seeding and the world's own moves (never gated) ---------------------------------------

  /** A Stytch client and a managed secret for it, tagged with the client id. */
  async addClient(extra: Record<string, unknown> = {}) {
    const client = await this.world.addClient('connected_app', extra);
    await this.tagClientId(client.secretArn, client.clientId);
    return client;
  }

  async tagClientId(secretArn: string, clientId: string): Promise<void> {
    await this.world.sm.send(
      new TagResourceCommand({
        SecretId: secretArn,
        Tags: [{ Key: CLIENT_ID_TAG, Value: clientId }],
      }),
    );
  }

  /** A whole rotation through Secrets Manager and the function, as on a schedule. */
  rotate(secretArn: string): Promise<RotationOutcome> {
    return this.world.rotate(secretArn);
  }

  /**
   * RotateSecret with no step run: AWSPENDING sits on a new empty version, and the event Secrets
   * Manager sent is returned so that actors (or the seeding) run the steps themselves.
   */
  async startRotation(secretArn: string): Promise<LocalRotationEvent> {
    this.#recording = true;
    try {
      const out = await this.world.sm.send(new RotateSecretCommand({ SecretId: secretArn }));
      return await this.recordedEvent(secretArn, out.VersionId ?? '');
    } finally {
      this.#recording = false;
    }
  }

  /** The event of a rotation started while recording, once Secrets Manager has given up on it. */
  async recordedEvent(secretArn: string, token: string): Promise<LocalRotationEvent> {
    await this.world.cloud.secretsManager.waitForRotation(secretArn, token);
    const event = this.#recorded.get(token);
    if (event === undefined) throw new Error(`harness: no event was recorded for ${token}`);
    return event;
  }

  /** While the actors run, rotations Secrets Manager starts are recorded, not run. */
  set recording(on: boolean) {
    this.#recording = on;
  }

  /** One step, ungated, in the world's own container; its error is returned. */
  runStep(event: LocalRotationEvent, step: RotationStep): Promise<unknown> {
    return this.#realFunction({ ...event, Step: step }, LAMBDA_CONTEXT).then(
      () => undefined,
      (error: unknown) => error ?? new Error('step failed'),
    );
  }

  /** One reconcile pass, ungated, `hoursLater` after now; its attention error is tolerated. */
  async reconcile(hoursLater: number): Promise<void> {
    this.world.clock.advance(hoursLater * 3_600_000);
    await this.#realFunction(SCHEDULED_EVENT, LAMBDA_CONTEXT).catch((error: unknown) => {
      if (!(error instanceof ReconcileAttentionError)) throw error;
    });
    await this.world.cloud.secretsManager.idle();
  }

  /**
   * Keeps the state of these secrets, of their Stytch clients and of the whole lease table, to
   * start every schedule from.
   */
  async save(secretArns: readonly string[], clientIds: readonly string[]): Promise<LaneState> {
    return {
      ...saveState(this.world.cloud, this.world.clock, secretArns, clientIds),
      leaseItems: await saveLeaseItems(this.#leaseDb, this.#leaseTableName),
    };
  }

  /**
   * Puts the saved state back as if it had just been reached (see {@link restoreState}), the lease
   * table included, after moving the clock on to a whole number of days after the save (see
   * {@link RESTORE_ALIGNMENT_MS}).
   */
  async restore(saved: LaneState): Promise<void> {
    const { clock } = this.world;
    const elapsed = clock.now().getTime() - saved.at;
    clock.advance(Math.ceil(elapsed / RESTORE_ALIGNMENT_MS) * RESTORE_ALIGNMENT_MS - elapsed);
    restoreState(this.world.cloud, clock, saved);
    await restoreLeaseItems(
      this.#leaseDb,
      this.#leaseTableName,
      saved.leaseItems,
      clock.now().getTime() - saved.at,
    );
    this.world.log.lines.length = 0;
  }

  get #leaseTableName(): string {
    const table = this.functionEnv.STYTCH_LEASE_TABLE;
    if (table === undefined) throw new Error('harness: the world names no lease table');
    return table;
  }

  // --- the actors' moves (gated) --------------------------------------------------------------

  /** A rotation step invoked by Secrets Manager in the container of `actor`. */
  step(actor: ActorIndex, event: LocalRotationEvent, step: RotationStep): Promise<void> {
    return this.#gatedHandlers[actor]({ ...event, Step: step }, LAMBDA_CONTEXT);
  }

  /** A scheduled reconcile pass in the container of `actor`. */
  reconcilePass(actor: ActorIndex): Promise<void> {
    return this.#gatedHandlers[actor](SCHEDULED_EVENT, LAMBDA_CONTEXT);
  }

  /**
   * Secrets Manager's RotateSecret (a schedule or an operator), then the rotation's event. A
   * rotation that started although RotateSecret's answer was lost is still reported through
   * `started`: Secrets Manager runs its steps whoever asked.
   */
  async serviceRotate(
    actor: ActorIndex,
    secretArn: string,
    started: (event: LocalRotationEvent) => void,
  ): Promise<LocalRotationEvent> {
    const token = randomUUID();
    const service = this.#gate(actor, 'service', {
      rotateSecret: (id: string) =>
        this.#sm.send(new RotateSecretCommand({ SecretId: id, ClientRequestToken: token })),
    });
    try {
      await service.rotateSecret(secretArn);
    } catch (error) {
      const event = await this.recordedEvent(secretArn, token).catch(() => undefined);
      if (event !== undefined) started(event);
      throw error;
    }
    const event = await this.recordedEvent(secretArn, token);
    started(event);
    return event;
  }

  /** A person's PutSecretValue: a new AWSCURRENT version holding `value`. */
  async personPut(actor: ActorIndex, secretArn: string, value: string): Promise<void> {
    const person = this.#gate(actor, 'person', {
      putSecretValue: (id: string) =>
        this.#sm.send(new PutSecretValueCommand({ SecretId: id, SecretString: value })),
    });
    await person.putSecretValue(secretArn);
  }

  /** The operator CLI's `cancel --yes` or `complete`, in this process, with its calls gated. */
  cli(actor: ActorIndex, command: 'cancel' | 'complete', secretArn: string): Promise<string> {
    return runGatedCli(
      {
        world: this.world,
        env: this.functionEnv,
        sm: this.#sm,
        ssm: this.#ssm,
        dispatcher: this.#dispatcher,
        gate: (surface, target) => this.#gate(actor, surface, target),
      },
      command,
      secretArn,
    );
  }

  async close(): Promise<void> {
    this.#sm.destroy();
    this.#ssm.destroy();
    this.#leaseDb.destroy();
    await this.#dispatcher.destroy();
    await this.world.close();
  }

  // --- gates ----------------------------------------------------------------------------------

  /** Routes every method call of `target` through the gate of the schedule in progress. */
  #gate<T extends object>(actor: ActorIndex, surface: string, target: T): T {
    return interceptCalls(surface, target, (name, run) => {
      const runner = this.runner;
      return runner ? runner.gate(actor, name, surface, run) : run();
    });
  }

  #gatedHandler(actor: ActorIndex): Handler {
    const { cloud, clock, log } = this.world;
    // `lease` is gated too once the container offers that hook; until then it is never called.
    const decorate = {
      store: (store: object) => this.#gate(actor, 'store', store),
      stytch: (client: object) => this.#gate(actor, 'stytch', client),
      lease: (lease: object) => this.#gate(actor, 'lease', lease),
    } as unknown as ContainerOptions['decorate'];
    return createHandler({
      env: this.functionEnv,
      clock,
      log,
      metrics: NO_METRICS,
      secretsManager: new SecretsManagerClient({
        ...localAwsClientConfig(cloud, cloud.secretsManager.url),
        maxAttempts: GATED_AWS_ATTEMPTS,
      }),
      ssm: this.#ssm,
      stytchRetry: { baseDelayMs: 1, maxDelayMs: 5 },
      ...(decorate ? { decorate } : {}),
      ...this.#dynamoDbOption(),
    });
  }
}
