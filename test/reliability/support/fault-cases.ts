/**
 * The fault matrix's table: one fault class per row, where it is injected, and what the rotation
 * must do about it. `retry` means the rotation succeeds and the server's request log shows the
 * faulted request followed by a good one of the same operation; `stop` means a fail-safe stop: the
 * rotation fails, AWSCURRENT is unchanged and still works, and the error is typed and says what to do.
 */
import type { FaultAction } from '../../../local/faults.ts';
import { type ServerName, TIMEOUTS } from './reliability-world.ts';

export type FaultExpectation =
  | {
      readonly kind: 'retry';
      /** Secrets Manager's attempts: 1 when the client's own retry absorbed the fault. */
      readonly rotationAttempts: number;
      /** The shortest wait the client logged before its retry, e.g. a Retry-After. */
      readonly minRetryWaitMs?: number;
      /**
       * When every attempt of the call is lost, the function does not repeat it but reads back what
       * it did with this operation, which must follow the faulted requests.
       */
      readonly confirmedBy?: string;
    }
  | {
      readonly kind: 'stop';
      readonly errorName: string;
      readonly code: string;
      readonly awsErrorCode?: string;
      /** The part of the message that tells the operator what to do. */
      readonly advice: RegExp;
      /** True when the stop comes before any Stytch call (nothing there may change). */
      readonly beforeStytch?: boolean;
    };

export interface FaultCase {
  readonly fault: string;
  readonly server: ServerName;
  /** The operation as the server's request log names it. */
  readonly operation: string;
  /** A server fault on the first `times` calls of the operation; absent for a state fault. */
  readonly action?: FaultAction;
  /** @default 1 */
  readonly times?: number;
  /** A broken resource instead of a server fault (the SSM parameter deleted, its key disabled). */
  readonly breakage?: 'delete-credentials' | 'disable-credentials-key';
  readonly expect: FaultExpectation;
}

const PERSISTENT = 1_000;
const HOLD_MS = TIMEOUTS.holdMs;
const GET = 'connected_apps.get';
const START = 'connected_apps.rotate_start';
const UNREADABLE = "check the base URL and Stytch's status page";
const HTML = '<html><body><h1>502 Bad Gateway</h1></body></html>';

const status = (code: number, extra: { errorType?: string; retryAfterSeconds?: number } = {}) =>
  ({ kind: 'status', status: code, ...extra }) as const;
const raw = (code: number, contentType: string, body: string) =>
  ({ kind: 'raw', status: code, contentType, body }) as const;
const retry = (
  rotationAttempts = 1,
  extra: { minRetryWaitMs?: number; confirmedBy?: string } = {},
): FaultExpectation => ({ kind: 'retry', rotationAttempts, ...extra });
const stop = (
  errorName: string,
  code: string,
  advice: RegExp,
  extra: { awsErrorCode?: string; beforeStytch?: boolean } = {},
): FaultExpectation => ({ kind: 'stop', errorName, code, advice, ...extra });

function row(
  fault: string,
  at: `${ServerName} ${string}`,
  action: FaultAction,
  expectation: FaultExpectation,
  times = 1,
): FaultCase {
  const [server, operation] = at.split(' ') as [ServerName, string];
  return { fault, server, operation, action, times, expect: expectation };
}

const notJson = new RegExp(`body is not valid JSON.*${UNREADABLE}`);
const wrongShape = new RegExp(`no "connected_app" object.*${UNREADABLE}`);
const viaProxy = /body is HTML, not JSON.*a proxy or gateway answered/;

export const FAULT_CASES: readonly FaultCase[] = [
  row(
    'Stytch 429 with Retry-After',
    `stytch ${START}`,
    status(429, { retryAfterSeconds: 1 }),
    retry(1, { minRetryWaitMs: 1_000 }),
  ),
  row('Stytch 429 without Retry-After', `stytch ${GET}`, status(429), retry()),
  row('Stytch 500', `stytch ${GET}`, status(500), retry()),
  row('Stytch 502', 'stytch oauth2.token', status(502), retry()),
  row('Stytch 503', 'stytch connected_apps.rotate', status(503), retry()),
  row('Stytch 504', `stytch ${GET}`, status(504), retry()),
  row(
    'Stytch 503 that does not clear',
    `stytch ${GET}`,
    status(503),
    stop('StytchApiError', 'STYTCH_API', /Stytch is failing; the rotation is retried later/),
    PERSISTENT,
  ),
  row('Stytch connection reset', `stytch ${GET}`, { kind: 'reset' }, retry()),
  // rotate_start may have taken effect, so the client does not repeat it; Secrets Manager does.
  row('Stytch connection reset on rotate_start', `stytch ${START}`, { kind: 'reset' }, retry(2)),
  row('Stytch slow headers', `stytch ${GET}`, { kind: 'slow-headers', ms: HOLD_MS }, retry()),
  row('Stytch slow body', `stytch ${GET}`, { kind: 'slow-body', ms: HOLD_MS }, retry()),
  row(
    'Stytch malformed JSON body',
    `stytch ${GET}`,
    raw(200, 'application/json', '{"connected_app": {'),
    stop('StytchResponseError', 'STYTCH_RESPONSE_INVALID', notJson),
    PERSISTENT,
  ),
  row('Stytch HTML error page, once', `stytch ${GET}`, raw(502, 'text/html', HTML), retry()),
  row(
    'Stytch HTML error page that does not clear',
    `stytch ${GET}`,
    raw(502, 'text/html', HTML),
    stop('StytchResponseError', 'STYTCH_RESPONSE_INVALID', viaProxy),
    PERSISTENT,
  ),
  row(
    'Stytch unexpected 200 shape',
    `stytch ${GET}`,
    raw(200, 'application/json', '{"status_code": 200, "m2m_client": {}}'),
    stop('StytchResponseError', 'STYTCH_RESPONSE_INVALID', wrongShape),
    PERSISTENT,
  ),
  row(
    'Secrets Manager ThrottlingException',
    'store PutSecretValue',
    status(400, { errorType: 'ThrottlingException' }),
    retry(),
  ),
  row('Secrets Manager InternalServiceError', 'store GetSecretValue', status(500), retry()),
  row(
    'Secrets Manager InternalServiceError that does not clear',
    'store DescribeSecret',
    status(500),
    stop('SecretStoreError', 'SECRET_STORE', /the rotation is retried later/, {
      awsErrorCode: 'InternalServiceError',
      beforeStytch: true,
    }),
    PERSISTENT,
  ),
  row(
    'Secrets Manager lost PutSecretValue',
    'store PutSecretValue',
    { kind: 'lost-response' },
    retry(),
  ),
  // Every SDK attempt lost: createSecret finds the value stored and carries on.
  row(
    'Secrets Manager lost PutSecretValue, every SDK retry too',
    'store PutSecretValue',
    { kind: 'lost-response' },
    retry(1, { confirmedBy: 'GetSecretValue' }),
    3,
  ),
  row(
    'Secrets Manager lost UpdateSecretVersionStage',
    'store UpdateSecretVersionStage',
    { kind: 'lost-response' },
    retry(),
  ),
  // Every SDK attempt lost: finishSecret finds AWSCURRENT moved and carries on.
  row(
    'Secrets Manager lost UpdateSecretVersionStage, every SDK retry too',
    'store UpdateSecretVersionStage',
    { kind: 'lost-response' },
    retry(1, { confirmedBy: 'DescribeSecret' }),
    3,
  ),
  {
    fault: 'SSM ParameterNotFound (the credentials parameter deleted)',
    server: 'ssm',
    operation: 'GetParameter',
    breakage: 'delete-credentials',
    expect: stop(
      'CredentialsError',
      'CREDENTIALS_UNAVAILABLE',
      /create the SecureString parameter, or point STYTCH_CREDENTIALS_PARAMETER at the existing one/,
      { awsErrorCode: 'ParameterNotFound', beforeStytch: true },
    ),
  },
  {
    fault: 'SSM decrypt failure (the KMS key disabled)',
    server: 'ssm',
    operation: 'GetParameter',
    breakage: 'disable-credentials-key',
    expect: stop('CredentialsError', 'CREDENTIALS_UNAVAILABLE', /re-encrypt it with a usable key/, {
      awsErrorCode: 'InvalidKeyId',
      beforeStytch: true,
    }),
  },
];
