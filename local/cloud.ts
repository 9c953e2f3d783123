/**
 * The local cloud: Secrets Manager, SSM, DynamoDB (with the lease table) and Stytch on 127.0.0.1,
 * started and stopped together, with one clock shared by the servers that keep time.
 */
import { type Clock, systemClock } from '../lambda/clock.ts';
import { type LocalDynamoDb, startDynamoDb } from './dynamodb.ts';
import {
  type LocalSecretsManager,
  type RotationSettings,
  startSecretsManager,
} from './secrets-manager/index.ts';
import { type LocalSsm, startSsm } from './ssm.ts';
import { type LocalStytch, startStytch, type TokenEndpointBehaviour } from './stytch/index.ts';

export interface LocalCloudOptions {
  /** Shared by every server (and usually by the code under test). @default systemClock */
  readonly clock?: Clock;
  /** Fixed ports; each defaults to an ephemeral one. */
  readonly ports?: {
    readonly secretsManager?: number;
    readonly ssm?: number;
    readonly stytch?: number;
    readonly dynamodb?: number;
  };
  /** How the local Secrets Manager invokes and retries rotation functions. */
  readonly rotation?: RotationSettings;
  readonly tokenEndpointBehaviour?: TokenEndpointBehaviour;
  /** Run the local DynamoDB in a thread of its own (see `DynamoDbOptions.ownThread`). @default false */
  readonly dynamoDbOwnThread?: boolean;
  /** @default 'us-east-1' */
  readonly region?: string;
}

export interface LocalCloud {
  readonly clock: Clock;
  readonly region: string;
  readonly secretsManager: LocalSecretsManager;
  readonly ssm: LocalSsm;
  readonly stytch: LocalStytch;
  /** DynamoDB, serving the lease table. */
  readonly dynamodb: LocalDynamoDb;
  /** The lease table's name: the function's and the CLI's `STYTCH_LEASE_TABLE`. */
  readonly leaseTable: string;
  /**
   * The environment that points the AWS SDK at this cloud: endpoints, region and placeholder
   * credentials (the local servers accept any signature).
   */
  readonly awsEnv: Readonly<Record<string, string>>;
  /** Forgets every fault rule, latency and rate limit on every server. */
  clearFaults(): void;
  close(): Promise<void>;
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const clock = options.clock ?? systemClock;
  const region = options.region ?? 'us-east-1';
  const [secretsManager, ssm, stytch, dynamodb] = await Promise.all([
    startSecretsManager({
      clock,
      region,
      port: options.ports?.secretsManager,
      rotation: options.rotation,
    }),
    startSsm({ clock, region, port: options.ports?.ssm }),
    startStytch({
      clock,
      port: options.ports?.stytch,
      tokenEndpointBehaviour: options.tokenEndpointBehaviour,
    }),
    startDynamoDb({
      region,
      port: options.ports?.dynamodb,
      ownThread: options.dynamoDbOwnThread,
    }),
  ]);
  const servers = [secretsManager, ssm, stytch, dynamodb];
  return {
    clock,
    region,
    secretsManager,
    ssm,
    stytch,
    dynamodb,
    leaseTable: dynamodb.leaseTable,
    awsEnv: {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      AWS_ENDPOINT_URL_SSM: ssm.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_EC2_METADATA_DISABLED: 'true',
    },
    clearFaults: () => {
      for (const server of servers) server.faults.clear();
    },
    close: async () => {
      await secretsManager.idle().catch(() => undefined);
      await Promise.all(servers.map((server) => server.close()));
    },
  };
}
