/**
 * What every command works with: the AWS clients (default credential chain; endpoints from the
 * standard AWS_ENDPOINT_URL_* variables, which is how the local cloud is reached), the settings the
 * function itself uses (parsed by the function's own config code, so both read the same way), and a
 * Stytch client on the credentials in SSM, built only when a command needs Stytch.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { Dispatcher } from 'undici';
import { loadConfig, loadReconcileSettings, type RotationConfig } from '../../lambda/config.ts';
import { ConfigError } from '../../lambda/errors.ts';
import { createLeaseTable, type LeaseTable } from '../../lambda/lease/lease-table.ts';
import type { Log, LogAttributes } from '../../lambda/log.ts';
import type { ActionLease } from '../../lambda/reconcile/actions.ts';
import { createRateLimiter, pacedStytchClient } from '../../lambda/reconcile/pacing.ts';
import {
  createSecretStore,
  type SecretMetadata,
  type SecretStore,
} from '../../lambda/secrets/store.ts';
import type { StytchClient } from '../../lambda/stytch/client.ts';
import { stytchClientFor } from '../../lambda/stytch/connect.ts';
import { createCredentialsSource } from '../../lambda/stytch/credentials.ts';
import { createStytchDispatcher } from '../../lambda/stytch/http.ts';
import type { CliFlags } from './args.ts';
import { CliError, EXIT, usageError } from './exit-codes.ts';
import type { CliIo } from './io.ts';

export interface CliContext {
  readonly io: CliIo;
  readonly flags: CliFlags;
  /** The function's settings as far as the CLI uses them (completion delay, stuck age, Stytch URL). */
  readonly config: RotationConfig;
  /** Secrets inspected at once by `status` (STYTCH_RECONCILE_CONCURRENCY). */
  readonly concurrency: number;
  readonly secretsManager: SecretsManagerClient;
  readonly ssm: SSMClient;
  readonly store: SecretStore;
  readonly log: Log;
  /** The credentials parameter's name. @throws CliError (usage) when neither flag nor env gives it */
  credentialsParameter(): string;
  /**
   * The lease table (`--lease-table`, else `$STYTCH_LEASE_TABLE`) and how long a command holds a
   * client's lease. @throws CliError (usage) when neither flag nor env names the table
   */
  lease(command: string): ActionLease;
  /** The lease table itself, for the `lease` commands. @throws CliError (usage) as {@link lease} */
  leaseTable(): LeaseTable;
  /** A Stytch client on the credentials in SSM, paced like the reconcile. */
  stytch(): Promise<StytchClient>;
  /** Describes a secret and checks that it carries the managed tag. */
  managedSecret(secretId: string): Promise<SecretMetadata>;
  /** Releases sockets so the process can exit at once. */
  close(): Promise<void>;
}

export function createCliContext(io: CliIo, flags: CliFlags): CliContext {
  const env = io.env;
  const parameter = flags.credentialsParameter ?? env.STYTCH_CREDENTIALS_PARAMETER?.trim();
  const config = parseSettings(env, flags, parameter);
  const concurrency = loadReconcileSettings(env).concurrency;
  const region = flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const aws = (service: string) => {
    const endpoint = env[`AWS_ENDPOINT_URL_${service}`] ?? env.AWS_ENDPOINT_URL;
    return {
      ...(region ? { region } : {}),
      ...(endpoint ? { endpoint } : {}),
      maxAttempts: 4,
      // Bounded, so that a call made under a client's lease cannot outlast it (CLI_CALL_ALLOWANCE_MS).
      requestHandler: {
        connectionTimeout: 3_000,
        requestTimeout: 10_000,
        throwOnRequestTimeout: true,
      },
    };
  };
  const secretsManager = new SecretsManagerClient(aws('SECRETS_MANAGER'));
  const ssm = new SSMClient(aws('SSM'));
  const dynamodb = new DynamoDBClient(aws('DYNAMODB'));
  const leaseTableName = flags.leaseTable ?? env.STYTCH_LEASE_TABLE?.trim();
  let leaseTable: LeaseTable | undefined;
  const log = flags.debug ? stderrLog(io) : silentLog;
  let dispatcher: Dispatcher | undefined;
  let stytch: Promise<StytchClient> | undefined;

  const credentialsParameter = () => {
    if (parameter === undefined || parameter === '') {
      throw usageError(
        'the Stytch credentials parameter is unknown: pass --credentials-parameter or set STYTCH_CREDENTIALS_PARAMETER',
      );
    }
    return parameter;
  };

  const leaseTableOf = (): LeaseTable => {
    if (leaseTableName === undefined || leaseTableName === '') {
      throw usageError(
        'the lease table is unknown: pass --lease-table or set STYTCH_LEASE_TABLE (the stack outputs it as LeaseTableName)',
      );
    }
    leaseTable ??= createLeaseTable(dynamodb, leaseTableName);
    return leaseTable;
  };

  return {
    io,
    flags,
    config,
    concurrency,
    secretsManager,
    ssm,
    store: createSecretStore(secretsManager),
    log,
    credentialsParameter,
    leaseTable: leaseTableOf,
    lease(command) {
      return {
        table: leaseTableOf(),
        terms: {
          expiresAt: io.clock.now().getTime() + CLI_LEASE_MS,
          callAllowanceMs: CLI_CALL_ALLOWANCE_MS,
        },
        log,
        actor: `cli ${command}`,
      };
    },
    stytch() {
      stytch ??= (async () => {
        const source = createCredentialsSource({
          ssm,
          parameterName: credentialsParameter(),
          cacheSeconds: 300,
          clock: io.clock,
        });
        dispatcher = createStytchDispatcher();
        const client = stytchClientFor(await source.get(), config, {
          dispatcher,
          log,
          clock: io.clock,
        });
        const limiter = createRateLimiter(loadReconcileSettings(env).stytchCallsPerSecond);
        return pacedStytchClient(client, limiter);
      })();
      return stytch;
    },
    async managedSecret(secretId) {
      const metadata = await this.store.describe(secretId);
      const { key, value } = flags.tag;
      const tagged = value === undefined ? key in metadata.tags : metadata.tags[key] === value;
      if (!tagged) {
        throw new CliError(
          EXIT.refused,
          `${metadata.name} is not a managed secret: it has no tag ${key}${value === undefined ? '' : `=${value}`} (pass --tag to match another)`,
        );
      }
      return metadata;
    },
    async close() {
      secretsManager.destroy();
      ssm.destroy();
      dynamodb.destroy();
      await dispatcher?.destroy();
    },
  };
}

/** The function's own parser, fed from flags and environment, so values are checked the same way. */
function parseSettings(
  env: Readonly<Record<string, string | undefined>>,
  flags: CliFlags,
  parameter: string | undefined,
): RotationConfig {
  try {
    return loadConfig({
      // Only the commands that talk to Stytch need it; they check it then.
      STYTCH_CREDENTIALS_PARAMETER: parameter || 'unset',
      // Only the commands that change a client need it; they check it then.
      STYTCH_LEASE_TABLE: flags.leaseTable ?? (env.STYTCH_LEASE_TABLE?.trim() || 'unset'),
      STYTCH_API_BASE_URL: flags.stytchApiBaseUrl ?? env.STYTCH_API_BASE_URL,
      STYTCH_TOKEN_URL: env.STYTCH_TOKEN_URL,
      STYTCH_PROJECT_DOMAIN: flags.projectDomain ?? env.STYTCH_PROJECT_DOMAIN,
      STYTCH_PROBE_ACCEPTED_ERRORS: env.STYTCH_PROBE_ACCEPTED_ERRORS,
      STYTCH_COMPLETION_DELAY_SECONDS:
        flags.completionDelaySeconds?.toString() ?? env.STYTCH_COMPLETION_DELAY_SECONDS,
      STYTCH_STUCK_ROTATION_HOURS:
        flags.stuckAfterHours?.toString() ?? env.STYTCH_STUCK_ROTATION_HOURS,
    });
  } catch (error) {
    if (error instanceof ConfigError)
      throw usageError(`invalid settings: ${error.problems.join('; ')}`);
    throw error;
  }
}

/**
 * How long a command holds a client's lease. Its moves take seconds; the length only matters when
 * the CLI dies holding it (the client is then blocked this long).
 */
export const CLI_LEASE_MS = 300_000;
/**
 * A mutating call starts only with this much of the lease left: more than a Stytch call's budget
 * (120 s) and an AWS call's (4 attempts of at most 10 s), so no call takes effect after the lease.
 */
export const CLI_CALL_ALLOWANCE_MS = 150_000;

const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** With --debug: every log line of the shared code (Stytch calls with request ids) on stderr. */
function stderrLog(io: CliIo): Log {
  const write =
    (level: string) =>
    (message: string, ...attributes: LogAttributes[]) => {
      io.err(`${level}: ${message} ${JSON.stringify(Object.assign({}, ...attributes))}`);
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
