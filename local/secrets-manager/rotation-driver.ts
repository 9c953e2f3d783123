import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../lambda/clock.ts';
import {
  describeError,
  InvocationSlots,
  invokeStep,
  type Step,
  type StepError,
} from './invoke-step.ts';
import type { RotationControl } from './operation-context.ts';
import type { Secret, SecretsState, SecretVersion } from './state.ts';
import type {
  InvocationRecord,
  RotationEventRecord,
  RotationInvoker,
  RotationOutcome,
  RotationSettings,
} from './types.ts';

const STEPS: readonly Step[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

interface RotationRun {
  readonly secretArn: string;
  readonly secretName: string;
  readonly token: string;
  readonly rotationToken: string;
  readonly functionArn: string;
  cancelled: boolean;
  readonly done: Promise<RotationOutcome>;
  readonly resolve: (outcome: RotationOutcome) => void;
}

/** What one invocation of a step names. */
type InvocationTarget = Pick<RotationRun, 'secretArn' | 'token' | 'rotationToken' | 'functionArn'>;

/**
 * Runs rotations the way Secrets Manager does: each of the four steps is its own invocation of the
 * registered function; a failed step (an error or a timeout) fails the attempt, and the whole
 * sequence is retried from createSecret with the same token, up to `maxAttempts` times. AWS retries
 * "multiple times" without saying how often or how far apart, hence the settings.
 */
export class RotationDriver implements RotationControl {
  readonly events: RotationEventRecord[] = [];
  readonly invocations: InvocationRecord[] = [];
  readonly #functions = new Map<string, RotationInvoker>();
  readonly #listeners = new Set<(event: RotationEventRecord) => void>();
  readonly #runs: RotationRun[] = [];
  readonly #active = new Map<string, RotationRun>();
  readonly #maxAttempts: number;
  readonly #retryDelayMs: number;
  readonly #waitBetweenAttempts: (ms: number) => Promise<void>;
  readonly #timeoutMs: number;
  readonly #slots: InvocationSlots;

  constructor(
    private readonly state: SecretsState,
    private readonly clock: Clock,
    settings: RotationSettings = {},
  ) {
    this.#maxAttempts = settings.maxAttempts ?? 3;
    this.#retryDelayMs = settings.retryDelayMs ?? 0;
    this.#waitBetweenAttempts = settings.waitBetweenAttempts ?? ((ms) => sleep(ms));
    this.#timeoutMs = settings.timeoutMs ?? 30_000;
    this.#slots = new InvocationSlots(settings.concurrency ?? Number.POSITIVE_INFINITY);
    if (!Number.isInteger(this.#maxAttempts) || this.#maxAttempts < 1) {
      throw new RangeError(
        `maxAttempts must be an integer of at least 1, got ${this.#maxAttempts}`,
      );
    }
    if (!(this.#retryDelayMs >= 0)) {
      throw new RangeError(`retryDelayMs must be at least 0, got ${this.#retryDelayMs}`);
    }
    if (!(this.#timeoutMs > 0))
      throw new RangeError(`timeoutMs must be positive, got ${this.#timeoutMs}`);
  }

  registerFunction(functionArn: string, invoker: RotationInvoker): void {
    this.#functions.set(functionArn, invoker);
  }

  onEvent(listener: (event: RotationEventRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  hasFunction(functionArn: string): boolean {
    return this.#functions.has(functionArn);
  }

  activeToken(secret: Secret): string | undefined {
    return this.#active.get(secret.arn)?.token;
  }

  wasStarted(secret: Secret, token: string): boolean {
    return this.#runs.some((run) => run.secretArn === secret.arn && run.token === token);
  }

  start(secret: Secret, token: string): void {
    const rotationToken = randomUUID();
    secret.rotationTokens.add(rotationToken);
    let resolve: (outcome: RotationOutcome) => void = () => {};
    const done = new Promise<RotationOutcome>((r) => {
      resolve = r;
    });
    const run: RotationRun = {
      secretArn: secret.arn,
      secretName: secret.name,
      token,
      rotationToken,
      functionArn: secret.rotation.lambdaArn ?? '',
      cancelled: false,
      done,
      resolve,
    };
    this.#runs.push(run);
    this.#active.set(secret.arn, run);
    this.#emit({ type: 'RotationStarted', secretArn: secret.arn, versionId: token });
    // RotateSecret answers before the first step runs, as the real service's does.
    setImmediate(() => {
      this.#execute(run).catch((error: unknown) => {
        // A bug in the driver itself: end the rotation visibly rather than leave waiters hanging.
        this.#end(run, { outcome: 'failed', attempts: 0, lastError: describeError(error) });
      });
    });
  }

  async testConfiguration(secret: Secret, token: string): Promise<void> {
    const run: InvocationTarget = {
      secretArn: secret.arn,
      token,
      rotationToken: randomUUID(),
      functionArn: secret.rotation.lambdaArn ?? '',
    };
    secret.rotationTokens.add(run.rotationToken);
    await this.#invoke(run, 'testSecret', 1);
  }

  cancel(secret: Secret, pendingVersionId: string | undefined): void {
    const run = this.#active.get(secret.arn);
    if (run) run.cancelled = true;
    const versionId = run?.token ?? pendingVersionId;
    if (versionId) this.#emit({ type: 'RotationAbandoned', secretArn: secret.arn, versionId });
  }

  pendingAbandoned(secret: Secret, version: SecretVersion): void {
    this.#emit({ type: 'RotationAbandoned', secretArn: secret.arn, versionId: version.versionId });
  }

  /** The outcome of the latest rotation of `secretId` (ARN or name), with `token` if given. */
  waitFor(secretId: string, token?: string): Promise<RotationOutcome> {
    const run = this.#runs.findLast(
      (r) =>
        (r.secretArn === secretId || r.secretName === secretId) &&
        (token === undefined || r.token === token),
    );
    if (!run) {
      const which = token === undefined ? '' : ` with token ${token}`;
      return Promise.reject(new Error(`no rotation of ${secretId}${which} was started`));
    }
    return run.done;
  }

  /** Resolves once no rotation is running. */
  async idle(): Promise<void> {
    while (this.#active.size > 0) await Promise.all([...this.#active.values()].map((r) => r.done));
  }

  /** Ends every running rotation after its current step, without events (the server is closing). */
  stop(): void {
    for (const run of this.#active.values()) run.cancelled = true;
  }

  async #execute(run: RotationRun): Promise<void> {
    let attempt = 0;
    let lastError: StepError | undefined;
    while (attempt < this.#maxAttempts && !run.cancelled) {
      attempt += 1;
      const result = await this.#attempt(run, attempt);
      if (result === 'completed') return this.#succeed(run, attempt);
      if (result === 'cancelled') break;
      lastError = result;
      if (attempt < this.#maxAttempts && this.#retryDelayMs > 0) {
        await this.#waitBetweenAttempts(this.#retryDelayMs);
      }
    }
    if (run.cancelled)
      return this.#end(run, { outcome: 'cancelled', attempts: attempt, lastError });
    this.#emit({
      type: 'RotationFailed',
      secretArn: run.secretArn,
      versionId: run.token,
      attempt,
      errorMessage: lastError && `${lastError.name}: ${lastError.message}`,
    });
    this.#end(run, { outcome: 'failed', attempts: attempt, lastError });
  }

  async #attempt(
    run: RotationRun,
    attempt: number,
  ): Promise<'completed' | 'cancelled' | StepError> {
    for (const step of STEPS) {
      if (run.cancelled) return 'cancelled';
      const error = await this.#invoke(run, step, attempt);
      if (error) return error;
    }
    return 'completed';
  }

  async #invoke(
    run: InvocationTarget,
    step: Step,
    attempt: number,
  ): Promise<StepError | undefined> {
    const event = {
      Step: step,
      SecretId: run.secretArn,
      ClientRequestToken: run.token,
      RotationToken: run.rotationToken,
    };
    const invoker = this.#functions.get(run.functionArn);
    const { error, started } = await this.#slots.run(async () => {
      const started = performance.now();
      return { error: await invokeStep(invoker, run.functionArn, event, this.#timeoutMs), started };
    });
    this.invocations.push({
      secretArn: run.secretArn,
      token: run.token,
      step,
      attempt,
      ok: error === undefined,
      ...(error ? { errorName: error.name, errorMessage: error.message } : {}),
      durationMs: performance.now() - started,
    });
    return error;
  }

  #succeed(run: RotationRun, attempts: number): void {
    const secret = this.state.lookup(run.secretArn);
    if (secret) secret.lastRotatedDate = this.clock.now();
    this.#emit({
      type: 'RotationSucceeded',
      secretArn: run.secretArn,
      versionId: run.token,
      attempt: attempts,
    });
    this.#end(run, { outcome: 'succeeded', attempts });
  }

  #end(run: RotationRun, outcome: RotationOutcome): void {
    if (this.#active.get(run.secretArn) === run) this.#active.delete(run.secretArn);
    run.resolve(outcome);
  }

  #emit(event: Omit<RotationEventRecord, 'at'>): void {
    const record: RotationEventRecord = { ...event, at: this.clock.now() };
    this.events.push(record);
    for (const listener of this.#listeners) {
      try {
        listener(record);
      } catch (error) {
        // A subscriber's bug must not break the rotation it is watching; make it visible instead.
        process.emitWarning(`rotation event listener failed: ${describeError(error).message}`);
      }
    }
  }
}
