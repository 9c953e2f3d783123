/**
 * Every failure the rotation function raises on purpose. Each class fixes a stable `code` that logs,
 * alarms and tests can match on; messages say what happened and what to do. No message, field or
 * `cause` ever holds a secret: callers pass only identifiers, last-four digits and sanitized causes
 * (see {@link sanitizedCause}).
 */
import type { StytchOperation } from './stytch/kinds.ts';

/** The stable codes of {@link RotationError}. */
export type RotationErrorCode =
  /** The invocation event is malformed or names an unknown `Step`. */
  | 'EVENT_INVALID'
  /** The function's environment breaks the runtime contract; every problem is listed at once. */
  | 'CONFIG_INVALID'
  /** The Stytch credentials parameter exists but its value is not the expected JSON. */
  | 'CREDENTIALS_INVALID'
  /** The Stytch credentials parameter cannot be read: missing, not decryptable, access denied. */
  | 'CREDENTIALS_UNAVAILABLE'
  /** The secret's value is not a JSON object with a usable `client_id` / `client_secret`. */
  | 'SECRET_VALUE_INVALID'
  /** A Secrets Manager call failed (after the SDK's own retries); the AWS error name is attached. */
  | 'SECRET_STORE'
  /** Secrets Manager's version labels or Stytch's rotation state forbid the step (a guard failed). */
  | 'ROTATION_STATE'
  /** Stytch answered with an error (`error_type`, HTTP status and `request_id` attached). */
  | 'STYTCH_API'
  /** Stytch's answer could not be understood: not JSON, HTML, or a success with an unexpected shape. */
  | 'STYTCH_RESPONSE_INVALID'
  /** A Stytch call ran out of time (connect, headers, body or the invocation's deadline). */
  | 'STYTCH_TIMEOUT'
  /** A Stytch call failed below HTTP: refused, reset, DNS, TLS. */
  | 'STYTCH_NETWORK'
  /** Stytch's next secret is not the pending secret Secrets Manager holds. */
  | 'STYTCH_NOT_STAGED'
  /** The pending secret did not authenticate at Stytch's token endpoint. */
  | 'SECRET_TEST_FAILED'
  /** The token-endpoint probe cannot tell a good secret from a bad one, so the test fails closed. */
  | 'PROBE_UNRELIABLE'
  /**
   * The secret does not carry this function's managed tag value (`STYTCH_MANAGED_TAG`), or the
   * function has none: it is not a secret this stack manages, so nothing is done to it.
   */
  | 'SECRET_NOT_MANAGED'
  /** The secret's `stytch-secret-rotation:client-id` tag names another client than its value. */
  | 'CLIENT_ID_MISMATCH'
  /**
   * A rotation met an overlap that is still open and not yet due: it is deferred (not failed) until
   * the reconcile completes the overlap and starts it again.
   */
  | 'OVERLAP_OPEN'
  /** The secret already has the most tags Secrets Manager allows, so the rotation cannot record its state. */
  | 'TAG_LIMIT'
  /** Another actor holds the client's lease; nothing was done and a later attempt may succeed. */
  | 'LEASE_BUSY'
  /** The client's lease ran out (or could not be checked) before a mutating call; that call was not made. */
  | 'LEASE_LOST'
  /** The lease table could not be read or written (DynamoDB down, access denied); nothing was done. */
  | 'LEASE_UNAVAILABLE'
  /** Another secret owns the Stytch client this secret names; nothing was done. */
  | 'CLIENT_CLAIMED';

/** Options every {@link RotationError} accepts: an ES2022 cause that must never hold a secret. */
export interface RotationErrorOptions {
  readonly cause?: unknown;
}

/** Base class of every deliberate failure. Catch this to tell expected failures from bugs. */
export class RotationError extends Error {
  override readonly name: string = 'RotationError';
  readonly code: RotationErrorCode;

  constructor(code: RotationErrorCode, message: string, options?: RotationErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

/** The invocation event is malformed or names an unknown `Step` (code `EVENT_INVALID`). */
export class EventError extends RotationError {
  override readonly name = 'EventError';
  constructor(message: string, options?: RotationErrorOptions) {
    super('EVENT_INVALID', message, options);
  }
}

/** The environment breaks the runtime contract (code `CONFIG_INVALID`); lists every problem. */
export class ConfigError extends RotationError {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      'CONFIG_INVALID',
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}); ` +
        `fix the function's environment variables: ${problems.map((p) => `- ${p}`).join(' ')}`,
    );
    this.problems = [...problems];
  }
}

/**
 * The Stytch project credentials could not be used. `CREDENTIALS_UNAVAILABLE` when the parameter
 * cannot be read, `CREDENTIALS_INVALID` when its value is wrong. Names the parameter, never its value.
 */
export class CredentialsError extends RotationError {
  override readonly name = 'CredentialsError';
  readonly parameterName: string;
  /** The SSM/KMS error name (e.g. `ParameterNotFound`), when AWS refused the read. */
  readonly awsErrorCode: string | undefined;

  constructor(
    code: 'CREDENTIALS_INVALID' | 'CREDENTIALS_UNAVAILABLE',
    details: { parameterName: string; awsErrorCode?: string; message: string },
    options?: RotationErrorOptions,
  ) {
    super(code, details.message, options);
    this.parameterName = details.parameterName;
    this.awsErrorCode = details.awsErrorCode;
  }
}

/** The secret's value is unusable (code `SECRET_VALUE_INVALID`); says where and which key, never the value. */
export class SecretValueError extends RotationError {
  override readonly name = 'SecretValueError';
  constructor(message: string, options?: RotationErrorOptions) {
    super('SECRET_VALUE_INVALID', message, options);
  }
}

const STORE_HINTS: Readonly<Record<string, string>> = {
  ResourceNotFoundException: 'check that the secret exists and the function is given its ARN',
  AccessDeniedException: "grant the function's role this Secrets Manager action on the secret",
  ResourceExistsException:
    'a version with this token already holds a different value; let Secrets Manager start a new rotation',
  DecryptionFailure: "let the function's role use the secret's KMS key (kms:Decrypt)",
  EncryptionFailure: "let the function's role use the secret's KMS key (kms:GenerateDataKey)",
  InvalidRequestException: 'the secret may be deleted or its rotation state changed; check it',
  LimitExceededException: 'too many versions or requests; retry later',
  InternalServiceError: 'Secrets Manager failed; the rotation is retried later',
};

/** A Secrets Manager call failed after the SDK's own retries (code `SECRET_STORE`). */
export class SecretStoreError extends RotationError {
  override readonly name = 'SecretStoreError';
  /** The Secrets Manager operation, e.g. `PutSecretValue`. */
  readonly operation: string;
  readonly secretId: string;
  /** The AWS error name, e.g. `ResourceExistsException`. */
  readonly awsErrorCode: string | undefined;
  /** True for throttling and server faults: a later attempt may succeed. */
  readonly retryable: boolean;

  constructor(
    details: { operation: string; secretId: string; awsErrorCode?: string; retryable: boolean },
    message: string,
    options?: RotationErrorOptions,
  ) {
    super('SECRET_STORE', message, options);
    this.operation = details.operation;
    this.secretId = details.secretId;
    this.awsErrorCode = details.awsErrorCode;
    this.retryable = details.retryable;
  }

  /**
   * Wraps whatever an SDK call threw. A RotationError passes through unchanged; anything else keeps
   * only its name, code and message (AWS messages never echo a secret value), never the SDK response.
   */
  static from(operation: string, secretId: string, error: unknown): RotationError {
    if (error instanceof RotationError) return error;
    const awsErrorCode = error instanceof Error ? error.name : undefined;
    const fault = (error as { $fault?: unknown } | undefined)?.$fault;
    const retryable =
      fault === 'server' ||
      awsErrorCode === 'ThrottlingException' ||
      awsErrorCode === 'LimitExceededException';
    const detail =
      error instanceof Error
        ? `${error.name}: ${error.message}`
        : `non-error thrown (${typeof error})`;
    const hint = (awsErrorCode && STORE_HINTS[awsErrorCode]) ?? 'see the cause and retry';
    return new SecretStoreError(
      { operation, secretId, awsErrorCode, retryable },
      `Secrets Manager ${operation} on ${secretId} failed (${detail}); ${hint}`,
      { cause: sanitizedCause(error) },
    );
  }
}

/** A guard failed or a label/Stytch state is unexpected (code `ROTATION_STATE`). */
export class RotationStateError extends RotationError {
  override readonly name = 'RotationStateError';
  constructor(message: string, options?: RotationErrorOptions) {
    super('ROTATION_STATE', message, options);
  }
}

/** What every failed Stytch call records, whatever went wrong. */
export interface StytchCallDetails {
  readonly operation: StytchOperation;
  readonly clientId: string;
  /** The HTTP status, when an answer arrived. */
  readonly status?: number;
  readonly requestId?: string;
  /** How many attempts were made before giving up. */
  readonly attempts: number;
  /** True when trying again later (a later rotation attempt) may well succeed. */
  readonly retryable: boolean;
}

/** Base of the four Stytch call failures; catch it to handle "Stytch did not do it" as one case. */
export class StytchError extends RotationError {
  override readonly name: string = 'StytchError';
  readonly operation: StytchOperation;
  readonly clientId: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly attempts: number;
  readonly retryable: boolean;

  constructor(
    code: 'STYTCH_API' | 'STYTCH_RESPONSE_INVALID' | 'STYTCH_TIMEOUT' | 'STYTCH_NETWORK',
    details: StytchCallDetails,
    message: string,
    options?: RotationErrorOptions,
  ) {
    super(code, message, options);
    this.operation = details.operation;
    this.clientId = details.clientId;
    this.status = details.status;
    this.requestId = details.requestId;
    this.attempts = details.attempts;
    this.retryable = details.retryable;
  }
}

/** Stytch answered with its error JSON (code `STYTCH_API`). */
export class StytchApiError extends StytchError {
  override readonly name = 'StytchApiError';
  declare readonly status: number;
  /** Stytch's `error_type` (or the OAuth `error` of the token endpoint). */
  readonly errorType: string | undefined;

  constructor(
    details: StytchCallDetails & { status: number; errorType?: string },
    message: string,
  ) {
    super('STYTCH_API', details, message);
    this.errorType = details.errorType;
  }
}

/** Stytch's answer was not JSON, was HTML, or a success had an unexpected shape (`STYTCH_RESPONSE_INVALID`). */
export class StytchResponseError extends StytchError {
  override readonly name = 'StytchResponseError';
  constructor(details: StytchCallDetails, message: string) {
    super('STYTCH_RESPONSE_INVALID', details, message);
  }
}

/** Which wait ran out. `deadline` is the invocation's own budget. */
export type StytchTimeoutPhase = 'connect' | 'headers' | 'body' | 'deadline';

/** A Stytch call ran out of time (code `STYTCH_TIMEOUT`). */
export class StytchTimeoutError extends StytchError {
  override readonly name = 'StytchTimeoutError';
  readonly phase: StytchTimeoutPhase;

  constructor(
    details: StytchCallDetails & { phase: StytchTimeoutPhase },
    message: string,
    options?: RotationErrorOptions,
  ) {
    super('STYTCH_TIMEOUT', details, message, options);
    this.phase = details.phase;
  }
}

/** A Stytch call failed below HTTP (code `STYTCH_NETWORK`). */
export class StytchNetworkError extends StytchError {
  override readonly name = 'StytchNetworkError';
  /** The socket-level error code, e.g. `ECONNREFUSED` or `UND_ERR_SOCKET`. */
  readonly networkCode: string | undefined;

  constructor(
    details: StytchCallDetails & { networkCode?: string },
    message: string,
    options?: RotationErrorOptions,
  ) {
    super('STYTCH_NETWORK', details, message, options);
    this.networkCode = details.networkCode;
  }
}

/** Stytch's next secret is not the pending secret (code `STYTCH_NOT_STAGED`). */
export class StagingError extends RotationError {
  override readonly name = 'StagingError';
  constructor(message: string, options?: RotationErrorOptions) {
    super('STYTCH_NOT_STAGED', message, options);
  }
}

/** The pending secret did not authenticate at the token endpoint (code `SECRET_TEST_FAILED`). */
export class SecretTestError extends RotationError {
  override readonly name = 'SecretTestError';
  constructor(message: string, options?: RotationErrorOptions) {
    super('SECRET_TEST_FAILED', message, options);
  }
}

/** The probe cannot tell a good secret from a bad one (code `PROBE_UNRELIABLE`); the test fails closed. */
export class ProbeUnreliableError extends RotationError {
  override readonly name = 'ProbeUnreliableError';
  constructor(message: string, options?: RotationErrorOptions) {
    super('PROBE_UNRELIABLE', message, options);
  }
}

/**
 * The secret is not one this stack manages (code `SECRET_NOT_MANAGED`), or its client-id tag names
 * another client than its value (code `CLIENT_ID_MISMATCH`). Raised before any Stytch call: the
 * function must not be a deputy that rotates whatever secret it is pointed at.
 */
export class SecretNotManagedError extends RotationError {
  override readonly name = 'SecretNotManagedError';
  constructor(
    code: 'SECRET_NOT_MANAGED' | 'CLIENT_ID_MISMATCH',
    message: string,
    options?: RotationErrorOptions,
  ) {
    super(code, message, options);
  }
}

/**
 * A rotation met an open overlap that is not yet due (code `OVERLAP_OPEN`). Ending the overlap
 * early would kill the secret consumers are still moving off, so the rotation is deferred instead:
 * the reconcile completes the overlap at `dueAt` and then starts the rotation again. An expected
 * outcome, not a failure: the step runner records it and the invocation succeeds (see run-step.ts).
 */
export class OverlapOpenError extends RotationError {
  override readonly name = 'OverlapOpenError';
  /** When the overlap may be completed (its start mark plus the completion delay). */
  readonly dueAt: Date;

  constructor(dueAt: Date, message: string) {
    super('OVERLAP_OPEN', message);
    this.dueAt = dueAt;
  }
}

/**
 * The secret has 50 tags, Secrets Manager's limit, and the one the rotation must write is not among
 * them (code `TAG_LIMIT`). Raised in createSecret before any Stytch call, because finishSecret
 * could otherwise never mark the overlap and it would never complete.
 */
export class TagLimitError extends RotationError {
  override readonly name = 'TagLimitError';
  constructor(message: string) {
    super('TAG_LIMIT', message);
  }
}

/**
 * A copy of a third-party error that keeps only its name, code and message. Library errors may hold
 * request bodies, sockets or SDK responses (undici's SocketError holds the socket); the copy is what
 * may travel as a `cause` into logs.
 */
export function sanitizedCause(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(`non-error thrown: ${typeof error}`);
  const copy = new Error(error.message);
  copy.name = error.name;
  if (error.stack !== undefined) copy.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}
