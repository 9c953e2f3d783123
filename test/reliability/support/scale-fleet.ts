/**
 * A fleet for the scale run: the local cloud with many managed clients (Connected Apps and M2M), the
 * rotation function deployed as Lambda would run it under reserved concurrency (at most that many
 * invocations at once, each in a container of its own, containers reused while warm), and Stytch
 * behind a token-bucket rate limit.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Log } from '../../../lambda/log.ts';
import { createHandler, type Handler } from '../../../lambda/rotation/handler.ts';
import { type LocalCloud, startLocalCloud } from '../../../local/cloud.ts';
import type { RotationInvoker } from '../../../local/secrets-manager/index.ts';
import {
  createManagedSecret,
  localAwsClientConfig,
  localSecretsManagerClient,
  seedStytchProject,
} from '../../../local/seed.ts';
import { runLimited } from './run-limited.ts';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:stytch-secret-rotation';
const CREDENTIALS_PARAMETER = '/stytch-secret-rotation/credentials';
const MANAGED_TAG = 'stytch-secret-rotation=scale';

export interface FleetOptions {
  readonly clients: number;
  /** Reserved concurrency of the rotation function. */
  readonly concurrency: number;
  /** Share of Connected Apps among the clients (the rest are M2M). @default 0.5 */
  readonly connectedAppShare?: number;
}

export interface FleetClient {
  readonly clientId: string;
  readonly secretArn: string;
  readonly kind: 'connected_app' | 'm2m';
  /** The secret Stytch issued at creation; AWSCURRENT holds none until the first rotation. */
  readonly originalSecret: string;
}

/** Discards log lines but keeps the errors, which the report shows when a rotation fails. */
export class CountingLog implements Log {
  readonly errors: string[] = [];
  warnings = 0;
  debug(): void {}
  info(): void {}
  warn(): void {
    this.warnings += 1;
  }
  error(message: string): void {
    this.errors.push(message);
  }
}

/**
 * The function's containers: an invocation takes a warm one if any is free, else starts a new one
 * (a cold start). With the driver bounding invocations, at most `concurrency` ever exist.
 */
export class ContainerPool {
  readonly #free: Handler[] = [];
  created = 0;

  constructor(private readonly start: () => Handler) {}

  readonly invoke: RotationInvoker = async (event, context) => {
    const handler = this.#free.pop() ?? this.#coldStart();
    try {
      await handler(event, context);
    } finally {
      this.#free.push(handler);
    }
  };

  #coldStart(): Handler {
    this.created += 1;
    return this.start();
  }
}

export interface Fleet {
  readonly cloud: LocalCloud;
  readonly clients: readonly FleetClient[];
  readonly pool: ContainerPool;
  readonly log: CountingLog;
  readonly sm: SecretsManagerClient;
  close(): Promise<void>;
}

export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const cloud = await startLocalCloud({
    rotation: { maxAttempts: 3, timeoutMs: 60_000, concurrency: options.concurrency },
    // 8,000 lease writes would otherwise share this event loop with every other local server.
    dynamoDbOwnThread: true,
  });
  const project = seedStytchProject(cloud, CREDENTIALS_PARAMETER);
  const sm = localSecretsManagerClient(cloud);
  const log = new CountingLog();
  const pool = new ContainerPool(() =>
    createHandler({
      env: {
        STYTCH_CREDENTIALS_PARAMETER: CREDENTIALS_PARAMETER,
        STYTCH_API_BASE_URL: cloud.stytch.url,
        STYTCH_COMPLETION_DELAY_SECONDS: '0',
        STYTCH_MANAGED_TAG: MANAGED_TAG,
        STYTCH_LEASE_TABLE: cloud.leaseTable,
      },
      log,
      secretsManager: new SecretsManagerClient(
        localAwsClientConfig(cloud, cloud.secretsManager.url),
      ),
      ssm: new SSMClient(localAwsClientConfig(cloud, cloud.ssm.url)),
      dynamodb: new DynamoDBClient(localAwsClientConfig(cloud, cloud.dynamodb.url)),
      metrics: { addMetric: () => {}, publishStoredMetrics: () => {} },
    }),
  );
  cloud.secretsManager.registerFunction(FUNCTION_ARN, pool.invoke);

  const share = options.connectedAppShare ?? 0.5;
  // Spread evenly: client i is a Connected App when the running share crosses a whole number.
  const kinds = Array.from({ length: options.clients }, (_, i) =>
    Math.floor((i + 1) * share) > Math.floor(i * share)
      ? ('connected_app' as const)
      : ('m2m' as const),
  );
  const [key, value] = MANAGED_TAG.split('=') as [string, string];
  const clients = await runLimited(
    kinds.map((kind, i) => async () => {
      const { clientId, clientSecret } = cloud.stytch.createClient(project.projectId, { kind });
      const secretArn = await createManagedSecret(sm, {
        name: `stytch/scale/${i}`,
        value: JSON.stringify({ client_id: clientId }),
        tag: { key, value },
        rotationFunctionArn: FUNCTION_ARN,
      });
      return { clientId, secretArn, kind, originalSecret: clientSecret };
    }),
    20,
  );
  return {
    cloud,
    clients,
    pool,
    log,
    sm,
    close: async () => {
      sm.destroy();
      await cloud.close();
    },
  };
}
