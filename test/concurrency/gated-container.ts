/**
 * Containers of the rotation function for interleaving tests: each is its own handler (own caches,
 * own connections) on the world's local cloud, whose store and Stytch calls can be held at a gate
 * until another actor reaches a point. The gates are what force a schedule; nothing here waits on
 * time.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createHandler, type Handler } from '../../lambda/rotation/handler.ts';
import { localAwsClientConfig } from '../../local/seed.ts';
import { interceptCalls } from '../e2e/call-interceptor.ts';
import type { RotationWorld } from '../e2e/rotation-world.ts';

/** A point one actor reaches and another may wait for. */
export class Signal {
  #reached = false;
  #resolve: () => void = () => {};
  readonly #promise = new Promise<void>((resolve) => {
    this.#resolve = resolve;
  });

  constructor(readonly name: string) {}

  get reached(): boolean {
    return this.#reached;
  }

  reach(): void {
    this.#reached = true;
    this.#resolve();
  }

  /** Resolves once any of `signals` is reached; rejects after 20 s so a broken schedule fails. */
  static async any(...signals: Signal[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`none of ${signals.map((s) => s.name).join(', ')} was reached`)),
        20_000,
      );
    });
    try {
      await Promise.race([...signals.map((s) => s.#promise), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Around one named call (`store.promote`, `stytch.rotate`, …): what to await before, what to signal after. */
export interface CallGate {
  readonly before?: () => Promise<void>;
  readonly after?: Signal;
}

/** A fresh container whose store and Stytch calls pass through `gates`. */
export function gatedContainer(
  world: RotationWorld,
  gates: Readonly<Record<string, CallGate>>,
): Handler {
  const { cloud } = world;
  const around = async (name: string, run: () => Promise<unknown>) => {
    await gates[name]?.before?.();
    try {
      return await run();
    } finally {
      gates[name]?.after?.reach();
    }
  };
  return createHandler({
    // biome-ignore lint/complexity/useLiteralKeys: the world's function environment is private to it.
    env: world['functionEnv'],
    clock: world.clock,
    log: world.log,
    secretsManager: new SecretsManagerClient({
      ...localAwsClientConfig(cloud, cloud.secretsManager.url),
      maxAttempts: 3,
    }),
    ssm: new SSMClient({ ...localAwsClientConfig(cloud, cloud.ssm.url), maxAttempts: 3 }),
    dynamodb: new DynamoDBClient({
      ...localAwsClientConfig(cloud, cloud.dynamodb.url),
      maxAttempts: 3,
    }),
    metrics: { addMetric: () => {}, publishStoredMetrics: () => {} },
    stytchRetry: { baseDelayMs: 1, maxDelayMs: 5 },
    decorate: {
      store: (store) => interceptCalls('store', store, around),
      stytch: (client) => interceptCalls('stytch', client, around),
    },
  });
}

/** Runs `invoke`, reaching `ended` however it ends; resolves with its error, if any. */
export async function runToEnd(invoke: () => Promise<void>, ended: Signal): Promise<unknown> {
  try {
    await invoke();
    return undefined;
  } catch (error) {
    return error;
  } finally {
    ended.reach();
  }
}
