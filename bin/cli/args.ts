/**
 * The command line: commands, flags, and the usage text. node:util parseArgs does the parsing; this
 * module decides which flags each command accepts and checks every value before any call is made.
 */
import { parseArgs } from 'node:util';
import { describeParseError } from '../../local/command-line.ts';
import { usageError } from './exit-codes.ts';

export type CommandName =
  | 'status'
  | 'rotate'
  | 'cancel'
  | 'complete'
  | 'credentials set'
  | 'doctor'
  | 'lease transfer';

/** A parsed, checked command line. */
export interface CliArgs {
  readonly command: CommandName | 'help';
  /** The `<secret>` argument (name or ARN) of rotate, cancel, complete and lease transfer. */
  readonly secret?: string;
  readonly flags: CliFlags;
}

export interface CliFlags {
  readonly credentialsParameter?: string;
  /** `--lease-table`: the DynamoDB table of the per-client leases. */
  readonly leaseTable?: string;
  /** `--tag key[=value]`; @default key `stytch-secret-rotation`, any value */
  readonly tag: { readonly key: string; readonly value?: string };
  readonly region?: string;
  readonly stytchApiBaseUrl?: string;
  /** `--project-domain`: the Stytch project domain (host or URL). */
  readonly projectDomain?: string;
  /** `--client ID` (doctor, repeatable): the clients to check. */
  readonly clients: readonly string[];
  /** `--cdk-out DIR` (doctor): the synthesized assembly whose policy is checked. */
  readonly cdkOut: string;
  readonly completionDelaySeconds?: number;
  readonly stuckAfterHours?: number;
  readonly json: boolean;
  readonly yes: boolean;
  readonly timeoutSeconds: number;
  readonly kmsKeyId?: string;
  readonly debug: boolean;
}

/** The managed-tag key the CDK construct sets. */
export const DEFAULT_TAG_KEY = 'stytch-secret-rotation';

const OPTIONS = {
  'credentials-parameter': { type: 'string' },
  'lease-table': { type: 'string' },
  tag: { type: 'string' },
  region: { type: 'string' },
  'stytch-api-base-url': { type: 'string' },
  'completion-delay': { type: 'string' },
  'stuck-after-hours': { type: 'string' },
  json: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  timeout: { type: 'string' },
  'kms-key-id': { type: 'string' },
  'project-domain': { type: 'string' },
  client: { type: 'string', multiple: true },
  'cdk-out': { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flag = keyof typeof OPTIONS;

const GLOBAL_FLAGS: readonly Flag[] = [
  'credentials-parameter',
  'lease-table',
  'tag',
  'region',
  'stytch-api-base-url',
  'project-domain',
  'completion-delay',
  'stuck-after-hours',
  'debug',
  'help',
];

const COMMAND_FLAGS: Readonly<Record<CommandName, readonly Flag[]>> = {
  status: ['json'],
  rotate: ['timeout'],
  cancel: ['yes'],
  complete: ['yes'],
  'credentials set': ['kms-key-id'],
  doctor: ['json', 'client', 'cdk-out'],
  'lease transfer': ['yes'],
};

/**
 * Parses argv (without the node and script paths).
 * @throws CliError (exit 2) naming what is wrong
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(describeParseError(error));
  }
  const { values, positionals } = parsed;
  const [first, ...rest] = positionals;
  if (values.help || first === undefined || first === 'help') {
    return { command: 'help', flags: readFlags(values) };
  }
  const command = commandOf(first, rest);
  const args = command === 'credentials set' || command === 'lease transfer' ? rest.slice(1) : rest;
  const needsSecret =
    command === 'rotate' ||
    command === 'cancel' ||
    command === 'complete' ||
    command === 'lease transfer';
  if (needsSecret && args.length !== 1) {
    throw usageError(`${command} takes exactly one <secret> (a name or ARN), got ${args.length}`);
  }
  if (!needsSecret && args.length > 0) throw usageError(`${command} takes no arguments`);
  const allowed = new Set([...GLOBAL_FLAGS, ...COMMAND_FLAGS[command]]);
  const misplaced = (Object.keys(values) as Flag[]).find((flag) => !allowed.has(flag));
  if (misplaced !== undefined) throw usageError(`--${misplaced} does not apply to ${command}`);
  return { command, ...(needsSecret ? { secret: args[0] } : {}), flags: readFlags(values) };
}

function commandOf(first: string, rest: readonly string[]): CommandName {
  if (first === 'credentials') {
    if (rest[0] === 'set') return 'credentials set';
    throw usageError(
      `unknown command "credentials ${rest[0] ?? ''}"; did you mean "credentials set"`,
    );
  }
  if (first === 'lease') {
    if (rest[0] === 'transfer') return 'lease transfer';
    throw usageError(`unknown command "lease ${rest[0] ?? ''}"; did you mean "lease transfer"`);
  }
  if (
    first === 'status' ||
    first === 'rotate' ||
    first === 'cancel' ||
    first === 'complete' ||
    first === 'doctor'
  ) {
    return first;
  }
  throw usageError(`unknown command "${first}"`);
}

function readFlags(values: Partial<Record<Flag, string | boolean | string[]>>): CliFlags {
  const text = (flag: Flag) => {
    const value = values[flag];
    if (typeof value !== 'string') return undefined;
    if (value.trim() === '') throw usageError(`--${flag} must not be empty`);
    return value.trim();
  };
  const number = (flag: Flag, min: number, integer: boolean) => {
    const raw = text(flag);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
      throw usageError(
        `--${flag} must be ${integer ? 'a whole number' : 'a number'} >= ${min}, got "${raw}"`,
      );
    }
    return value;
  };
  const tag = text('tag');
  const at = tag?.indexOf('=') ?? -1;
  const timeout = number('timeout', 1, false);
  return {
    credentialsParameter: text('credentials-parameter'),
    leaseTable: text('lease-table'),
    tag:
      tag === undefined
        ? { key: DEFAULT_TAG_KEY }
        : at < 0
          ? { key: tag }
          : { key: tag.slice(0, at), value: tag.slice(at + 1) },
    region: text('region'),
    stytchApiBaseUrl: text('stytch-api-base-url'),
    projectDomain: text('project-domain'),
    clients: clientIds(values.client),
    cdkOut: text('cdk-out') ?? 'cdk.out',
    completionDelaySeconds: number('completion-delay', 0, true),
    stuckAfterHours: number('stuck-after-hours', Number.MIN_VALUE, false),
    json: values.json === true,
    yes: values.yes === true,
    timeoutSeconds: timeout ?? 300,
    kmsKeyId: text('kms-key-id'),
    debug: values.debug === true,
  };
}

function clientIds(raw: string | boolean | string[] | undefined): string[] {
  const ids = (Array.isArray(raw) ? raw : []).map((id) => id.trim());
  if (ids.some((id) => id === '')) throw usageError('--client must not be empty');
  return ids;
}

/** What `--help` prints. */
export const USAGE = `usage: stytch-rotation <command> [flags]

commands:
  status [--json]                 the managed secrets: versions, Stytch's secrets, overlap, health
  rotate <secret> [--timeout S]   rotate now and wait until it succeeds or fails (default 300 s)
  cancel <secret> [--yes]         abandon the rotation in progress (asks first unless --yes)
  complete <secret> [--yes]       emergency: end an open overlap now (a leaked old secret), so
                                  only AWSCURRENT's secret stays valid (asks first unless --yes);
                                  a rotation deferred by the overlap then starts
  credentials set [--kms-key-id]  write the Stytch project credentials from stdin to SSM
  doctor [--json] [--client ID]   check a setup before deploying: credentials, clients, token
         [--cdk-out DIR]          endpoint, probe calibration, the function's policy (read-only)
  lease transfer <secret> [--yes] make <secret> the owner of its Stytch client, after the secret
                                  that owned it was deleted or re-pointed (asks first)

<secret> is a secret's name or ARN; it must carry the managed tag.

flags:
  --credentials-parameter NAME    SSM SecureString with {"project_id","secret"}
                                  (default: $STYTCH_CREDENTIALS_PARAMETER)
  --lease-table NAME              the DynamoDB table of the per-client leases, for cancel and
                                  complete (default: $STYTCH_LEASE_TABLE; the stack's output)
  --tag KEY[=VALUE]               the managed tag (default: key stytch-secret-rotation, any value)
  --region REGION                 AWS region (default: the AWS SDK's chain, e.g. $AWS_REGION)
  --stytch-api-base-url URL       (default: $STYTCH_API_BASE_URL, else chosen by project id)
  --project-domain DOMAIN         the Stytch project domain, for the Connected App token endpoint
                                  (default: $STYTCH_PROJECT_DOMAIN)
  --completion-delay SECONDS      the stack's completion delay, for "overlap until"
                                  (default: $STYTCH_COMPLETION_DELAY_SECONDS, else 3600)
  --stuck-after-hours HOURS       when status calls a rotation stuck
                                  (default: $STYTCH_STUCK_ROTATION_HOURS, else 24)
  --debug                         log every call to stderr; show stacks of errors

AWS credentials come from the SDK's default chain. For the local cloud, set the standard
AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL_SSM and AWS_ENDPOINT_URL_DYNAMODB (or
AWS_ENDPOINT_URL).

doctor reads what cdk.json's context gives (credentialsParameterName, clients, projectDomain,
stytchApiBaseUrl) for what flags and environment leave open.

exit codes: 0 ok, 1 operation failed, 2 usage, 3 needs attention (status, doctor),
            4 refused by the secret's state, 130 aborted
`;
