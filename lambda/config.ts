/**
 * The function's environment contract, parsed once per container. Every problem is collected and
 * reported in one {@link ConfigError}, so a misconfigured deployment is fixed in one round trip.
 * Log level and service name are read by `log.ts`, which must work before this parse can fail.
 */
import { ConfigError } from './errors.ts';

/** The parsed environment. */
export interface RotationConfig {
  /** `STYTCH_CREDENTIALS_PARAMETER`: the SSM SecureString holding `{project_id, secret}`. */
  readonly credentialsParameter: string;
  /** `STYTCH_API_BASE_URL`, without a trailing slash. @default - chosen by project id, see {@link resolveStytchEndpoints} */
  readonly stytchApiBaseUrl: string | undefined;
  /** `STYTCH_TOKEN_URL`: the token endpoint of both kinds. @default - see {@link resolveStytchEndpoints} */
  readonly stytchTokenUrl: string | undefined;
  /**
   * `STYTCH_PROJECT_DOMAIN`: the project's domain (`login.example.com`, or a URL), whose
   * `/v1/oauth2/token` is Stytch's documented Connected App token endpoint. @default - none
   */
  readonly stytchProjectDomain: string | undefined;
  /** `STYTCH_COMPLETION_DELAY_SECONDS`: how long the old secret stays valid after finishSecret. @default 3600 */
  readonly completionDelaySeconds: number;
  /** `STYTCH_PROBE_ACCEPTED_ERRORS`: token-endpoint errors that prove a Connected App secret authenticated. @default ['invalid_grant'] */
  readonly probeAcceptedErrors: readonly string[];
  /** `STYTCH_CREDENTIALS_CACHE_SECONDS`: how long a container reuses the credentials. @default 300 */
  readonly credentialsCacheSeconds: number;
  /** `STYTCH_STUCK_ROTATION_HOURS`: the reconcile abandons a pending rotation older than this. @default 24 */
  readonly stuckRotationHours: number;
  /** `STYTCH_MANAGED_TAG` (`key=value`): marks the secrets this function manages. @default - none: the reconcile has nothing to list */
  readonly managedTag: { readonly key: string; readonly value: string } | undefined;
  /**
   * `STYTCH_LEASE_TABLE`: the DynamoDB table of the per-client leases. Required: without it no
   * actor could be kept from another, so the function refuses to run rather than rotate unprotected.
   */
  readonly leaseTable: string;
}

/**
 * How the scheduled reconcile paces itself so that hundreds of secrets stay under Stytch's rate
 * limit (Stytch publishes no numbers for the client endpoints; the client also honours 429 +
 * Retry-After). Parsed apart from {@link RotationConfig} because only the reconcile uses it.
 */
export interface ReconcileSettings {
  /** `STYTCH_RECONCILE_CONCURRENCY`: how many secrets one pass inspects at once. @default 4 */
  readonly concurrency: number;
  /**
   * `STYTCH_RECONCILE_CALLS_PER_SECOND`: the most Stytch management calls one pass starts per
   * second, across all secrets. @default 10
   */
  readonly stytchCallsPerSecond: number;
  /**
   * `STYTCH_RECONCILE_INTERVAL_MINUTES`: how often the schedule runs a pass. The drift audit splits
   * the secrets into one slice per interval of the audit period. @default 15
   */
  readonly intervalMinutes: number;
  /**
   * `STYTCH_RECONCILE_AUDIT_HOURS`: every managed secret is audited against Stytch once per this
   * period, a slice per pass. @default 24
   */
  readonly auditPeriodHours: number;
  /**
   * `STYTCH_RECONCILE_MAX_CONTINUATIONS`: how many times a pass that runs out of time may hand the
   * rest of its work to a fresh invocation of the function before the next scheduled pass. 0 hands
   * over to the next scheduled pass only. @default 8
   */
  readonly maxContinuations: number;
}

/** The Stytch URLs a project talks to. */
export interface StytchEndpoints {
  readonly baseUrl: string;
  /** The token endpoint M2M clients use. */
  readonly tokenUrl: string;
  /** The token endpoint Connected Apps use (the project domain's, when one is set). */
  readonly connectedAppTokenUrl: string;
}

/** The settings that decide the Stytch URLs. */
export type StytchEndpointSettings = Pick<
  RotationConfig,
  'stytchApiBaseUrl' | 'stytchTokenUrl' | 'stytchProjectDomain'
>;

type Env = Readonly<Record<string, string | undefined>>;

/** A parser's answer: the value, or why the raw text is not acceptable. */
/**
 * A parser's answer: the value, or why the raw text is not acceptable. `shown` replaces the raw
 * text in the message when quoting it whole could reveal a secret (a password in a URL).
 */
type Parsed<T> = { readonly value: T } | { readonly problem: string; readonly shown?: string };

/**
 * Reads variables from `env`, collecting each problem into `problems` instead of stopping at the
 * first, so one error can list them all.
 */
function variableReader(env: Env, problems: string[]) {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const check = <T>(name: string, parse: (raw: string) => Parsed<T>, fallback: T): T => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const parsed = parse(raw);
    if ('value' in parsed) return parsed.value;
    problems.push(`${name} ${parsed.problem}, got ${parsed.shown ?? `"${raw}"`}`);
    return fallback;
  };
  return { read, check };
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const DEFAULT_BASE_URL_BY_PREFIX: ReadonlyArray<readonly [string, string]> = [
  ['project-test-', 'https://test.stytch.com'],
  ['project-live-', 'https://api.stytch.com'],
];

/**
 * Parses the environment contract.
 * @throws ConfigError listing every problem found, each naming the variable and the bad value
 */
export function loadConfig(env: Env = process.env): RotationConfig {
  const problems: string[] = [];
  const { read, check } = variableReader(env, problems);

  const credentialsParameter = read('STYTCH_CREDENTIALS_PARAMETER');
  if (credentialsParameter === undefined) {
    problems.push('STYTCH_CREDENTIALS_PARAMETER is required: the name of the SSM SecureString');
  }
  const leaseTable = read('STYTCH_LEASE_TABLE');
  if (leaseTable === undefined) {
    problems.push(
      'STYTCH_LEASE_TABLE is required: the DynamoDB table of the per-client leases (the stack creates it)',
    );
  } else if (!/^[A-Za-z0-9_.-]{3,255}$/.test(leaseTable)) {
    problems.push(
      `STYTCH_LEASE_TABLE must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -), got "${leaseTable}"`,
    );
  }
  const config: RotationConfig = {
    credentialsParameter: credentialsParameter ?? '',
    leaseTable: leaseTable ?? '',
    stytchApiBaseUrl: check('STYTCH_API_BASE_URL', parseEndpointUrl, undefined),
    stytchTokenUrl: check('STYTCH_TOKEN_URL', parseEndpointUrl, undefined),
    stytchProjectDomain: check('STYTCH_PROJECT_DOMAIN', parseProjectDomain, undefined),
    completionDelaySeconds: check('STYTCH_COMPLETION_DELAY_SECONDS', parseWholeNumber, 3600),
    probeAcceptedErrors: check('STYTCH_PROBE_ACCEPTED_ERRORS', parseErrorList, ['invalid_grant']),
    credentialsCacheSeconds: check('STYTCH_CREDENTIALS_CACHE_SECONDS', parseWholeNumber, 300),
    stuckRotationHours: check('STYTCH_STUCK_ROTATION_HOURS', parsePositiveNumber, 24),
    managedTag: check('STYTCH_MANAGED_TAG', parseTag, undefined),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Parses the reconcile's pacing settings.
 * @throws ConfigError listing every problem found
 */
export function loadReconcileSettings(env: Env = process.env): ReconcileSettings {
  const problems: string[] = [];
  const { check } = variableReader(env, problems);
  const settings: ReconcileSettings = {
    concurrency: check('STYTCH_RECONCILE_CONCURRENCY', parseCount, 4),
    stytchCallsPerSecond: check('STYTCH_RECONCILE_CALLS_PER_SECOND', parsePositiveNumber, 10),
    intervalMinutes: check('STYTCH_RECONCILE_INTERVAL_MINUTES', parsePositiveNumber, 15),
    auditPeriodHours: check('STYTCH_RECONCILE_AUDIT_HOURS', parsePositiveNumber, 24),
    maxContinuations: check('STYTCH_RECONCILE_MAX_CONTINUATIONS', parseWholeNumber, 8),
  };
  if (settings.auditPeriodHours * 60 < settings.intervalMinutes) {
    problems.push(
      `STYTCH_RECONCILE_AUDIT_HOURS must be at least one reconcile interval ` +
        `(${settings.intervalMinutes} minutes), got "${settings.auditPeriodHours}"`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}

/**
 * The base and token URLs for a project: the configured ones, else the defaults by project id
 * (`project-test-` → https://test.stytch.com, `project-live-` → https://api.stytch.com). The token
 * endpoint is `STYTCH_TOKEN_URL` when set; else Connected Apps use the project domain's
 * `/v1/oauth2/token` when a domain is set, and everything else `{base}/v1/public/{project_id}/oauth2/token`.
 * @throws ConfigError when no base URL is configured and the project id has neither prefix
 */
export function resolveStytchEndpoints(
  config: Pick<RotationConfig, 'stytchApiBaseUrl' | 'stytchTokenUrl'> &
    Partial<Pick<RotationConfig, 'stytchProjectDomain'>>,
  projectId: string,
): StytchEndpoints {
  const baseUrl =
    config.stytchApiBaseUrl ??
    DEFAULT_BASE_URL_BY_PREFIX.find(([prefix]) => projectId.startsWith(prefix))?.[1];
  if (baseUrl === undefined) {
    throw new ConfigError([
      `the Stytch project id (${projectId.length} characters) starts with neither "project-test-" ` +
        'nor "project-live-", so no default base URL applies; fix project_id in the credentials ' +
        'parameter or set STYTCH_API_BASE_URL',
    ]);
  }
  const tokenUrl =
    config.stytchTokenUrl ?? `${baseUrl}/v1/public/${encodeURIComponent(projectId)}/oauth2/token`;
  const domain = config.stytchProjectDomain;
  const connectedAppTokenUrl =
    config.stytchTokenUrl ?? (domain === undefined ? tokenUrl : `${domain}/v1/oauth2/token`);
  return { baseUrl, tokenUrl, connectedAppTokenUrl };
}

/** The project domain's URL: a bare host means https; otherwise as {@link parseEndpointUrl}. */
function parseProjectDomain(raw: string): Parsed<string | undefined> {
  const parsed = parseEndpointUrl(raw.includes('://') ? raw : `https://${raw}`);
  if ('problem' in parsed) {
    return { ...parsed, problem: `${parsed.problem} (a host such as login.example.com or a URL)` };
  }
  return parsed;
}

/** An absolute https URL (http only for a loopback host), no credentials, query or fragment. */
function parseEndpointUrl(raw: string): Parsed<string | undefined> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'must be an absolute URL such as https://test.stytch.com' };
  }
  // A user:password, query or fragment may hold a secret: the message shows the URL without them.
  const hidden = url.username || url.password || url.search || url.hash;
  const shown = hidden
    ? `"${url.protocol}//${url.host}${url.pathname}" (credentials, query and fragment hidden)`
    : undefined;
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return { problem: 'must use https (plain http only for 127.0.0.1, ::1 and localhost)', shown };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: 'must use https', shown };
  }
  // Basic auth comes from SSM; credentials in the URL would travel with every log of the URL.
  if (url.username !== '' || url.password !== '') {
    return { problem: 'must not hold credentials', shown };
  }
  if (url.search !== '' || url.hash !== '') {
    return { problem: 'must not have a query or fragment', shown };
  }
  // Without the trailing '/' callers can append '/v1/...' uniformly.
  return { value: url.href.replace(/\/+$/, '') };
}

function parseWholeNumber(raw: string): Parsed<number> {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value)) {
    return { problem: 'must be a whole number >= 0' };
  }
  return { value };
}

function parseCount(raw: string): Parsed<number> {
  const parsed = parseWholeNumber(raw);
  if ('value' in parsed && parsed.value < 1) return { problem: 'must be a whole number >= 1' };
  return parsed;
}

function parsePositiveNumber(raw: string): Parsed<number> {
  const value = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !(value > 0) || !Number.isFinite(value)) {
    return { problem: 'must be a number > 0' };
  }
  return { value };
}

function parseErrorList(raw: string): Parsed<readonly string[]> {
  const errors = raw
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  if (errors.length === 0) return { problem: 'must list at least one error code' };
  const bad = errors.find((e) => !/^[a-z0-9_]+$/.test(e));
  if (bad !== undefined) {
    return { problem: `must be a comma list of lower_snake_case error codes ("${bad}" is not)` };
  }
  return { value: errors };
}

function parseTag(raw: string): Parsed<{ key: string; value: string } | undefined> {
  const at = raw.indexOf('=');
  const key = raw.slice(0, at).trim();
  const value = raw.slice(at + 1).trim();
  if (at < 0 || key === '' || value === '') {
    return { problem: 'must be key=value with a non-empty key and value' };
  }
  return { value: { key, value } };
}
