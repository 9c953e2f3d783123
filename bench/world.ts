/**
 * The benchmark's rotation world: the local cloud, a Stytch project whose credentials sit in SSM, and
 * a bundle run as the rotation function in a Lambda-like child process (local/process-invoker.ts, as
 * `npm start` runs it), wrapped by bench/instrumented-handler.mjs to meter its CPU and memory.
 * Every external call the function makes is read from the local servers' request logs, attributed
 * to the invocation during which it started.
 */
import { fileURLToPath } from 'node:url';
import { RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type LocalCloud, startLocalCloud } from '../local/cloud.ts';
import type { RunningServer } from '../local/http-server.ts';
import { createProcessInvoker, type ProcessInvoker } from '../local/process-invoker.ts';
import {
  createManagedSecret,
  localSecretsManagerClient,
  seedStytchProject,
} from '../local/seed.ts';
import type { ClientKind } from '../local/stytch/index.ts';
import type { SynthesizedFunction } from '../local/synth-output.ts';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:stytch-secret-rotation-bench';
const INSTRUMENTED_HANDLER = fileURLToPath(new URL('./instrumented-handler.mjs', import.meta.url));
const SERVICE_NAMES = {
  'secrets-manager': 'Secrets Manager',
  ssm: 'SSM',
  stytch: 'Stytch',
  dynamodb: 'DynamoDB',
};

export type Service = (typeof SERVICE_NAMES)[keyof typeof SERVICE_NAMES];

/** One external call of the function. */
export interface Call {
  readonly service: Service;
  readonly operation: string;
  /** The step (or `reconcile`) whose invocation made it. */
  readonly step: string;
  readonly status: number;
  /** From the request's arrival to the end of the answer, at the server (injected latency included). */
  readonly durationMs: number;
}

/** What the instrumented worker reports (see instrumented-handler.mjs). */
export interface WorkerStats {
  readonly importWallMs: number;
  readonly importCpuMs: number;
  readonly invocationCpuMs: readonly number[];
  /** Wall ms of each invocation inside the worker, from the handler's call to its settling. */
  readonly invocationWallMs: readonly number[];
  readonly processCpuMs: number;
  readonly maxRssBytes: number;
  readonly vmHwmBytes: number | null;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

export interface ManagedSecret {
  readonly arn: string;
  readonly clientId: string;
  readonly kind: ClientKind;
}

/** One rotation as Secrets Manager ran it. */
export interface RotationRun {
  readonly calls: readonly Call[];
  /** RotationStarted to RotationSucceeded, on this process's monotonic clock. */
  readonly wallMs: number;
}

export interface BenchWorldOptions {
  readonly fn: SynthesizedFunction;
  /** The bundle to run; the synthesized one unless a variant is measured. */
  readonly bundlePath: string;
  readonly completionDelaySeconds: number;
  /** NODE_OPTIONS for the function's process, e.g. Lambda's heap limits for a memory size. */
  readonly nodeOptions?: string;
  /**
   * V8 flags the worker sets at start-up, before importing the bundle, for flags NODE_OPTIONS
   * refuses. A diagnostic only: Lambda offers no way to set them.
   */
  readonly v8Flags?: string;
}

export class BenchWorld {
  #invoker: ProcessInvoker;
  readonly #calls: Call[] = [];
  readonly #eventTimes = new Map<string, number>();
  readonly #recentOutput: string[] = [];

  private constructor(
    readonly cloud: LocalCloud,
    private readonly sm: SecretsManagerClient,
    private readonly projectId: string,
    private readonly env: Readonly<Record<string, string>>,
    private readonly managedTag: { readonly key: string; readonly value: string },
  ) {
    this.#invoker = this.#newInvoker();
    cloud.secretsManager.registerFunction(FUNCTION_ARN, (event, context) =>
      this.#metered(event.Step, () => this.#invoker(event, context)),
    );
    cloud.secretsManager.onEvent((event) => {
      this.#eventTimes.set(`${event.type}:${event.versionId}`, performance.now());
    });
  }

  static async start(options: BenchWorldOptions): Promise<BenchWorld> {
    const { fn } = options;
    const cloud = await startLocalCloud({
      rotation: { maxAttempts: 1, timeoutMs: fn.timeoutSeconds * 1000 },
    });
    const project = seedStytchProject(
      cloud,
      fn.environment.STYTCH_CREDENTIALS_PARAMETER ?? '/stytch-secret-rotation/credentials',
    );
    const sm = localSecretsManagerClient(cloud);
    const env: Record<string, string> = {
      ...fn.environment,
      ...cloud.awsEnv,
      STYTCH_API_BASE_URL: cloud.stytch.url,
      // The template names the stack's lease table by Ref; here it is the local cloud's.
      STYTCH_LEASE_TABLE: cloud.leaseTable,
      STYTCH_COMPLETION_DELAY_SECONDS: String(options.completionDelaySeconds),
      BENCH_BUNDLE_PATH: options.bundlePath,
      ...(options.v8Flags ? { BENCH_V8_FLAGS: options.v8Flags } : {}),
      // The SDK warns once per process on Node 20 (this machine), never on Lambda's nodejs22.x.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}),
    };
    const [key = 'stytch-secret-rotation', value = 'bench'] = (
      fn.environment.STYTCH_MANAGED_TAG ?? ''
    ).split('=');
    return new BenchWorld(cloud, sm, project.projectId, env, { key, value });
  }

  /** A Stytch client and its secret `{client_id}` (no secret stored yet), rotation enabled. */
  async addSecret(kind: ClientKind): Promise<ManagedSecret> {
    const { clientId } = this.cloud.stytch.createClient(this.projectId, { kind });
    const arn = await createManagedSecret(this.sm, {
      name: `stytch/bench/${clientId}`,
      value: JSON.stringify({ client_id: clientId }),
      tag: this.managedTag,
      rotationFunctionArn: FUNCTION_ARN,
    });
    return { arn, clientId, kind };
  }

  /** A cold container: the next invocation starts a fresh process (import, empty caches). */
  async newContainer(): Promise<void> {
    const old = this.#invoker;
    this.#invoker = this.#newInvoker();
    await old.close();
  }

  /** Rotates through Secrets Manager's RotateSecret; throws unless the rotation succeeded. */
  async rotate(secret: ManagedSecret): Promise<RotationRun> {
    const started = await this.sm.send(new RotateSecretCommand({ SecretId: secret.arn }));
    const token = started.VersionId ?? '';
    const firstCall = this.#calls.length;
    const outcome = await this.cloud.secretsManager.waitForRotation(secret.arn, token);
    if (outcome.outcome !== 'succeeded') {
      const why = outcome.lastError
        ? `${outcome.lastError.name}: ${outcome.lastError.message}`
        : '';
      throw new Error(
        `the rotation of ${secret.clientId} ${outcome.outcome}: ${why}\n${this.#recentOutput.join('')}`,
      );
    }
    const begun = this.#eventTimes.get(`RotationStarted:${token}`) ?? Number.NaN;
    const ended = this.#eventTimes.get(`RotationSucceeded:${token}`) ?? Number.NaN;
    return { calls: this.#calls.slice(firstCall), wallMs: ended - begun };
  }

  /** One scheduled reconcile run, as EventBridge invokes it; returns its calls. */
  async reconcile(): Promise<Call[]> {
    const firstCall = this.#calls.length;
    const event = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
    await this.#metered('reconcile', () => this.#invoker(event));
    return this.#calls.slice(firstCall);
  }

  /** The worker's meter readings; the per-invocation CPU list restarts after each read. */
  async stats(): Promise<WorkerStats> {
    return (await this.#invoker({ benchStats: true })) as WorkerStats;
  }

  /** Delays every call to every server by `ms`. */
  setLatency(ms: number): void {
    for (const server of this.#servers()) server.faults.setLatency(ms);
  }

  async close(): Promise<void> {
    await this.#invoker.close();
    this.sm.destroy();
    await this.cloud.close();
  }

  #servers(): RunningServer[] {
    return [this.cloud.secretsManager, this.cloud.ssm, this.cloud.stytch, this.cloud.dynamodb];
  }

  #newInvoker(): ProcessInvoker {
    return createProcessInvoker({
      bundlePath: INSTRUMENTED_HANDLER,
      env: this.env,
      onOutput: (text) => {
        // Kept only to explain a failed rotation; the function never logs a secret value.
        this.#recentOutput.push(text);
        if (this.#recentOutput.length > 20) this.#recentOutput.shift();
      },
    });
  }

  /** Runs one invocation and records the calls that started while it ran. */
  async #metered<T>(step: string, invoke: () => Promise<T>): Promise<T> {
    const servers = this.#servers();
    const marks = servers.map((server) => server.requestLog.length);
    const since = performance.timeOrigin + performance.now();
    try {
      return await invoke();
    } finally {
      servers.forEach((server, index) => {
        const service = SERVICE_NAMES[server.name as keyof typeof SERVICE_NAMES];
        for (const entry of server.requestLog.slice(marks[index])) {
          // A harness call that began before the invocation but ended inside it is not the function's.
          if (entry.startedAt < since) continue;
          this.#calls.push({
            service,
            operation: entry.operation,
            step,
            status: entry.status,
            durationMs: entry.durationMs,
          });
        }
      });
    }
  }
}
