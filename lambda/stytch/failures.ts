/**
 * Turning a failed Stytch call into a typed error whose message says what happened (operation,
 * client, status, error_type, request_id, attempts) and what to do. No body is ever quoted; Stytch's
 * own error_message is, since operators need it: the client scrubbed it of every secret it holds
 * before it got here (scrub.ts), and it is cut to a readable length.
 */
import {
  StytchApiError,
  type StytchCallDetails,
  type StytchError,
  StytchNetworkError,
  StytchResponseError,
  StytchTimeoutError,
} from '../errors.ts';
import type { TransportFailure } from './http.ts';
import { CLIENT_KINDS, findClientKind, type StytchOperation } from './kinds.ts';
import { isTransientStatus } from './retry.ts';

/**
 * Who failed and how often. Every text in here and in the answer types below that came from Stytch
 * has been through the client's SecretScrubber already (see scrub.ts).
 */
export interface FailedCall {
  readonly operation: StytchOperation;
  readonly clientId: string;
  readonly attempts: number;
  /** Why no further attempt was made, e.g. "gave up after 4 attempts". */
  readonly gaveUp: string;
}

/** The fields of a Stytch error answer. */
export interface ApiFailure {
  readonly status: number;
  readonly requestId: string | undefined;
  readonly errorType: string | undefined;
  readonly errorMessage: string | undefined;
}

/** An answer that could not be read. */
export interface UnreadableAnswer {
  readonly status: number;
  readonly requestId: string | undefined;
  readonly problem: string;
}

const ROTATE_START_MAY_HAVE_APPLIED =
  'Stytch may have started a rotation whose secret no version holds; the next createSecret run ' +
  'cancels it (rotate_cancel) and starts again';

/** A StytchApiError for an error answer. */
export function apiError(call: FailedCall, answer: ApiFailure): StytchApiError {
  const quoted = answer.errorMessage && `: "${shorten(answer.errorMessage)}"`;
  return new StytchApiError(
    {
      ...details(call, answer.status, answer.requestId),
      status: answer.status,
      errorType: answer.errorType,
    },
    `${subject(call)} failed with HTTP ${answer.status} ${answer.errorType ?? '(no error_type)'} ` +
      `(request_id ${answer.requestId ?? 'none'})${quoted ?? ''}; ${call.gaveUp}. ` +
      `${hintFor(call, answer)}${appliedNote(call, answer.status >= 500)}`,
  );
}

/** A StytchResponseError for an answer that is not JSON or not the expected shape. */
export function responseError(call: FailedCall, answer: UnreadableAnswer): StytchResponseError {
  const status = answer.status;
  const maybeApplied = status < 400 || status >= 500;
  const what =
    status < 400
      ? 'Stytch may have changed its API, or something between us and Stytch rewrote the answer'
      : 'Something between us and Stytch (a proxy or gateway) probably answered instead';
  return new StytchResponseError(
    details(call, status, answer.requestId),
    `${subject(call)} answered HTTP ${status} that cannot be read: ${answer.problem} ` +
      `(request_id ${answer.requestId ?? 'none'}); ${call.gaveUp}. ${what}; check the base URL ` +
      `and Stytch's status page.${appliedNote(call, maybeApplied)}`,
  );
}

/** A StytchTimeoutError or StytchNetworkError for a failure below HTTP. */
export function transportError(call: FailedCall, failure: TransportFailure): StytchError {
  const base = { ...details(call, undefined, undefined), retryable: true };
  const tail = `; ${call.gaveUp}.${appliedNote(call, failure.requestMayHaveArrived)}`;
  const options = { cause: failure.cause };
  if (failure.type === 'timeout') {
    const phase = failure.phase ?? 'headers';
    const what =
      phase === 'deadline'
        ? "ran out of the invocation's time (raise the function timeout if this repeats)"
        : `timed out waiting to ${phase === 'connect' ? 'connect' : `receive the ${phase}`}`;
    return new StytchTimeoutError({ ...base, phase }, `${subject(call)} ${what}${tail}`, options);
  }
  return new StytchNetworkError(
    { ...base, networkCode: failure.code },
    `${subject(call)} failed on the network (${failure.code ?? failure.cause.name}); check the ` +
      `function's network path to Stytch (VPC, NAT, DNS)${tail}`,
    options,
  );
}

/** Trims quoted text to a readable length. */
function shorten(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function subject(call: FailedCall): string {
  return `Stytch ${call.operation} for ${call.clientId}`;
}

function details(
  call: FailedCall,
  status: number | undefined,
  requestId: string | undefined,
): StytchCallDetails {
  return {
    operation: call.operation,
    clientId: call.clientId,
    attempts: call.attempts,
    retryable: status !== undefined && isTransientStatus(status),
    status,
    requestId,
  };
}

function appliedNote(call: FailedCall, mayHaveApplied: boolean): string {
  return call.operation === 'rotate_start' && mayHaveApplied
    ? ` ${ROTATE_START_MAY_HAVE_APPLIED}.`
    : '';
}

function hintFor(call: FailedCall, answer: ApiFailure): string {
  const kind = findClientKind(call.clientId);
  const spec = kind === undefined ? undefined : CLIENT_KINDS[kind];
  if (answer.status === 429) return 'Stytch is rate limiting; the rotation is retried later.';
  if (answer.status >= 500) return 'Stytch is failing; the rotation is retried later.';
  if (answer.status === 401 && call.operation !== 'token') {
    return 'Check project_id and secret in the Stytch credentials parameter.';
  }
  const type = answer.errorType;
  if (spec !== undefined && type === spec.alreadyRotatingErrorType) {
    return 'A rotation is already open at Stytch; the next createSecret run reconciles it.';
  }
  if (spec !== undefined && type === spec.notRotatingErrorType) {
    return 'Stytch has no rotation open for this client.';
  }
  if (spec !== undefined && type === spec.notFoundErrorType) {
    return 'Check client_id in the secret value and that the client belongs to this project.';
  }
  return 'See the error_type in the Stytch API reference.';
}
