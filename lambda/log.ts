/**
 * Structured JSON logs through Powertools' Logger, and the few helpers that give step and Stytch-call
 * lines one shape. Lambda code depends only on the narrow {@link Log} interface, so a test can pass
 * a recording fake; to capture the real JSON lines, spy on `process.stdout.write` (debug, info) and
 * `process.stderr.write` (warn, error): Powertools writes there through its own Console, unless
 * POWERTOOLS_DEV routes it to the global console.
 *
 * Nothing secret is ever passed in: callers give ids, last-four digits and error fields; errors are
 * logged through {@link errorFields}, which keeps code, message and details but not causes' payloads.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { RotationError } from './errors.ts';

/** Keys of one log line besides the message. */
export type LogAttributes = Record<string, unknown>;

/** The logging surface lambda code uses. Powertools' Logger satisfies it; so can a test fake. */
export interface Log {
  // Rest parameters, not one optional one: that is the shape Powertools' overloads accept.
  debug(message: string, ...attributes: LogAttributes[]): void;
  info(message: string, ...attributes: LogAttributes[]): void;
  warn(message: string, ...attributes: LogAttributes[]): void;
  error(message: string, ...attributes: LogAttributes[]): void;
}

/** The service name logs carry when POWERTOOLS_SERVICE_NAME is unset. */
export const DEFAULT_SERVICE_NAME = 'stytch-secret-rotation';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
type LevelName = (typeof LOG_LEVELS)[number];

/**
 * The function's logger: JSON lines to stdout, service name from POWERTOOLS_SERVICE_NAME, level from
 * POWERTOOLS_LOG_LEVEL, then LOG_LEVEL (default INFO; Lambda's own AWS_LAMBDA_LOG_LEVEL wins when
 * set). An unknown level falls back to INFO with a warning instead of failing: the logger must work
 * before anything else, including the report of a broken configuration. Create it once per container.
 */
export function createLogger(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Logger {
  const requested = (env.POWERTOOLS_LOG_LEVEL ?? env.LOG_LEVEL)?.trim().toUpperCase();
  const known = LOG_LEVELS.find((level) => level === requested);
  const logger = new Logger({
    serviceName: env.POWERTOOLS_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
    logLevel: known ?? ('INFO' satisfies LevelName),
  });
  if (requested !== undefined && requested !== '' && known === undefined) {
    logger.warn(`unknown log level "${requested}", using INFO`, { levels: LOG_LEVELS });
  }
  return logger;
}

/** What identifies a rotation step in its log lines. */
export interface StepLogFields {
  /** The step, e.g. `createSecret`, or `reconcile`. */
  readonly step: string;
  readonly secretId: string;
  readonly clientRequestToken?: string;
  readonly clientId?: string;
}

/**
 * How a step ended. `skipped` means there was nothing to do (already done); `deferred` that the
 * rotation waits for an open overlap (OVERLAP_OPEN), which is expected and logged at warn.
 */
export type StepOutcome = 'succeeded' | 'skipped' | 'deferred' | 'failed';

/** Logs `<step>: started`. */
export function logStepStart(log: Log, fields: StepLogFields): void {
  log.info(`${fields.step}: started for ${fields.secretId}`, stepKeys(fields));
}

/** Logs `<step>: <outcome>` with the duration; a failure at error level with the error's fields. */
export function logStepOutcome(
  log: Log,
  fields: StepLogFields & {
    readonly outcome: StepOutcome;
    readonly durationMs: number;
    /** Why it was skipped or what it did, in words. */
    readonly detail?: string;
    readonly error?: unknown;
  },
): void {
  const attributes: LogAttributes = {
    ...stepKeys(fields),
    outcome: fields.outcome,
    duration_ms: Math.round(fields.durationMs),
    ...(fields.error === undefined ? {} : errorFields(fields.error)),
  };
  const message = `${fields.step}: ${fields.outcome} for ${fields.secretId}${
    fields.detail ? ` (${fields.detail})` : ''
  }`;
  if (fields.outcome === 'failed') log.error(message, attributes);
  else if (fields.outcome === 'deferred') log.warn(message, attributes);
  else log.info(message, attributes);
}

/** One attempt of one Stytch call, as the client logs it. */
export interface StytchCallLogFields {
  readonly operation: string;
  readonly clientId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly durationMs: number;
  /** `ok`: answered as hoped; `retry`: failed, will try again; `failed`: failed, giving up. */
  readonly outcome: 'ok' | 'retry' | 'failed';
  readonly status?: number;
  readonly requestId?: string;
  /** Stytch's `error_type` or the OAuth `error`. */
  readonly errorType?: string;
  /** The error code when no HTTP answer came, e.g. `ECONNREFUSED` or `STYTCH_TIMEOUT`. */
  readonly errorCode?: string;
  /** How long the client waits before the next attempt. */
  readonly retryInMs?: number;
}

/** Logs `stytch <operation> <client>: <status> <outcome>`; failures at warn (the step logs the error). */
export function logStytchCall(log: Log, fields: StytchCallLogFields): void {
  const answer = fields.status === undefined ? (fields.errorCode ?? 'no answer') : fields.status;
  const message = `stytch ${fields.operation} ${fields.clientId}: ${answer} ${fields.outcome}`;
  const attributes: LogAttributes = {
    operation: fields.operation,
    client_id: fields.clientId,
    attempt: fields.attempt,
    duration_ms: Math.round(fields.durationMs),
    outcome: fields.outcome,
    status: fields.status,
    request_id: fields.requestId,
    error_type: fields.errorType,
    error_code: fields.errorCode,
    retry_in_ms: fields.retryInMs === undefined ? undefined : Math.round(fields.retryInMs),
  };
  if (fields.outcome === 'ok') log.info(message, attributes);
  else log.warn(message, attributes);
}

/**
 * The loggable fields of an error: name, code, message and a RotationError's own details (status,
 * request id, parameter name, …). Causes are reduced to name and message; unexpected errors keep
 * their stack, which a bug report needs. Our own errors never hold secrets, so their fields are safe.
 */
export function errorFields(error: unknown): LogAttributes {
  if (!(error instanceof Error)) return { error: { name: typeof error } };
  const { name, message, stack, cause, ...details } = error as Error & Record<string, unknown>;
  const described: LogAttributes = { name, message };
  if (error instanceof RotationError) Object.assign(described, details);
  else {
    if (typeof details.code === 'string') described.code = details.code;
    described.stack = stack;
  }
  if (cause instanceof Error) described.cause = { name: cause.name, message: cause.message };
  return { error: described };
}

function stepKeys(fields: StepLogFields): LogAttributes {
  return {
    step: fields.step,
    secret_id: fields.secretId,
    client_request_token: fields.clientRequestToken,
    client_id: fields.clientId,
  };
}
