/**
 * Everything the function builds once per container: configuration, logger, AWS clients, the Stytch
 * connection pool, the credentials cache. Each invocation then only parses its event and runs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Context } from 'aws-lambda';
import type { Dispatcher } from 'undici';
import { type Clock, systemClock } from '../clock.ts';
import { loadConfig, type RotationConfig } from '../config.ts';
import { StytchApiError } from '../errors.ts';
import type { LeaseTerms } from '../lease/client-lease.ts';
import { createLeaseTable, type LeaseTable } from '../lease/lease-table.ts';
import { createLogger, type Log } from '../log.ts';
import { createSecretStore, type SecretStore } from '../secrets/store.ts';
import type { StytchClient } from '../stytch/client.ts';
import { stytchClientFor } from '../stytch/connect.ts';
import { type CredentialsSource, createCredentialsSource } from '../stytch/credentials.ts';
import { createStytchDispatcher } from '../stytch/http.ts';
import { deadlineFrom, type RetryOptions } from '../stytch/retry.ts';
import { ProbeCalibration } from './probe-calibration.ts';

/** What tests and the sandbox may replace; everything else comes from the environment. */
export interface ContainerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock?: Clock;
  readonly log?: Log;
  readonly secretsManager?: SecretsManagerClient;
  readonly ssm?: SSMClient;
  /** The client of the lease table. @default - one from the environment (AWS_ENDPOINT_URL_DYNAMODB) */
  readonly dynamodb?: DynamoDBClient;
  readonly dispatcher?: Dispatcher;
  readonly stytchRetry?: RetryOptions;
  /**
   * Per-attempt Stytch timeouts (see `StytchClientOptions.timeouts`); fault tests use short ones.
   * @default 10000 ms each
   */
  readonly stytchTimeouts?: { readonly headersMs?: number; readonly bodyMs?: number };
  /**
   * Wrappers around the external-call surfaces, applied once per container (store, lease table) or
   * per client (Stytch): where fault, crash and interleaving tests attach.
   */
  readonly decorate?: {
    readonly store?: (store: SecretStore) => SecretStore;
    readonly stytch?: (client: StytchClient) => StytchClient;
    readonly lease?: (table: LeaseTable) => LeaseTable;
  };
}

export interface Container {
  readonly config: RotationConfig;
  readonly clock: Clock;
  readonly log: Log;
  readonly store: SecretStore;
  /** The per-client lease table (`STYTCH_LEASE_TABLE`). */
  readonly leaseTable: LeaseTable;
  readonly probe: ProbeCalibration;
  /** A Stytch client on the current credentials (read from SSM or the cache). */
  stytchClient(): Promise<StytchClient>;
  /** Epoch ms by which this invocation's Stytch calls must be done. */
  deadlineOf(context: Pick<Context, 'getRemainingTimeInMillis'>): number;
  /** How long this invocation may hold a client's lease: until Lambda ends it, plus a grace. */
  leaseTermsOf(context: Pick<Context, 'getRemainingTimeInMillis'>): LeaseTerms;
  /** Drops cached credentials when Stytch refuses them, so a fixed parameter is read at once. */
  noteFailure(error: unknown): void;
}

/** The AWS SDK's own retries cover throttling and server faults; the timeouts bound a lost answer. */
const AWS_CLIENT_SETTINGS = {
  maxAttempts: 4,
  // Without throwOnRequestTimeout the SDK only warns when requestTimeout passes, and a hung call
  // would hold the step until the Lambda timeout.
  requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
} as const;

/** How much of the invocation's remaining time is kept back for logging and returning. */
const DEADLINE_MARGIN_MS = 3_000;

/**
 * How long a lease outlives the invocation that holds it. Lambda stops an invocation at its timeout,
 * so none of its calls starts later; the grace covers a request already on its way and the clock
 * difference between two actors.
 */
export const LEASE_GRACE_MS = 5_000;

export function createContainer(options: ContainerOptions = {}): Container {
  const env = options.env ?? process.env;
  const log = options.log ?? createLogger(env);
  const config = loadConfig(env);
  const clock = options.clock ?? systemClock;
  const secretsManager = options.secretsManager ?? new SecretsManagerClient(AWS_CLIENT_SETTINGS);
  const ssm = options.ssm ?? new SSMClient(AWS_CLIENT_SETTINGS);
  const dynamodb = options.dynamodb ?? new DynamoDBClient(AWS_CLIENT_SETTINGS);
  const dispatcher = options.dispatcher ?? createStytchDispatcher();
  const decorateStore = options.decorate?.store ?? ((store: SecretStore) => store);
  const decorateLease = options.decorate?.lease ?? ((table: LeaseTable) => table);
  const credentials: CredentialsSource = createCredentialsSource({
    ssm,
    parameterName: config.credentialsParameter,
    cacheSeconds: config.credentialsCacheSeconds,
    clock,
  });

  return {
    config,
    clock,
    log,
    store: decorateStore(createSecretStore(secretsManager)),
    leaseTable: decorateLease(createLeaseTable(dynamodb, config.leaseTable)),
    probe: new ProbeCalibration(),
    async stytchClient() {
      const client = stytchClientFor(await credentials.get(), config, {
        dispatcher,
        log,
        clock,
        ...(options.stytchRetry ? { retry: options.stytchRetry } : {}),
        ...(options.stytchTimeouts ? { timeouts: options.stytchTimeouts } : {}),
      });
      return options.decorate?.stytch?.(client) ?? client;
    },
    deadlineOf(context) {
      const remaining = context.getRemainingTimeInMillis();
      // Keep a margin for logging and returning, but never more than half the time left.
      return deadlineFrom(remaining, Math.min(DEADLINE_MARGIN_MS, remaining / 2), clock);
    },
    leaseTermsOf(context) {
      const invocationEnd = clock.now().getTime() + context.getRemainingTimeInMillis();
      return { expiresAt: invocationEnd + LEASE_GRACE_MS, callAllowanceMs: LEASE_GRACE_MS };
    },
    noteFailure(error) {
      if (error instanceof StytchApiError && error.status === 401 && error.operation !== 'token') {
        credentials.invalidate();
      }
    },
  };
}
