/**
 * The retry loop every Stytch call goes through: send, interpret, log the attempt, and either return,
 * wait (never past the deadline) or throw the typed error of the last attempt. See retry.ts for why
 * this loop is ours and not undici's RetryAgent.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Clock } from '../clock.ts';
import type { StytchError } from '../errors.ts';
import { type Log, logStytchCall, type StytchCallLogFields } from '../log.ts';
import {
  type ApiFailure,
  apiError,
  type FailedCall,
  responseError,
  transportError,
  type UnreadableAnswer,
} from './failures.ts';
import { type HttpAttempt, type HttpRequest, sendOnce } from './http.ts';
import type { StytchOperation } from './kinds.ts';
import {
  backoffMs,
  type FailedAttempt,
  mayRetry,
  parseRetryAfter,
  type ResolvedRetryOptions,
  type RetryPolicy,
} from './retry.ts';
import type { SecretScrubber } from './scrub.ts';

/** What a call needs besides its request; built once per client. */
export interface CallDeps {
  readonly dispatcher: Dispatcher;
  readonly clock: Clock;
  readonly log: Log;
  readonly retry: ResolvedRetryOptions;
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  /** Cleans every answer before it is read, logged or quoted (see scrub.ts). */
  readonly scrubber: SecretScrubber;
}

/** An HTTP answer, body read. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string | undefined;
}

/** What an answer means for the call. `ok` values are returned; the others may be retried. */
export type Verdict<T> =
  | {
      readonly kind: 'ok';
      readonly value: T;
      readonly requestId?: string;
      readonly errorType?: string;
    }
  | { readonly kind: 'error'; readonly failure: ApiFailure }
  | { readonly kind: 'unreadable'; readonly answer: UnreadableAnswer };

/** One call: the request, its retry policy and how to read its answer. */
export interface CallSpec<T> extends Omit<HttpRequest, 'headersTimeoutMs' | 'bodyTimeoutMs'> {
  readonly operation: StytchOperation;
  readonly clientId: string;
  readonly policy: RetryPolicy;
  readonly interpret: (answer: Answer) => Verdict<T>;
}

/** Runs a call with retries; resolves with the `ok` value or rejects with a StytchError. */
export async function runCall<T>(deps: CallDeps, spec: CallSpec<T>): Promise<T> {
  const { clock } = deps;
  if (Number.isNaN(spec.deadline)) {
    throw new RangeError(`the deadline of Stytch ${spec.operation} must be epoch ms, got NaN`);
  }
  const request: HttpRequest = {
    method: spec.method,
    url: spec.url,
    headers: spec.headers,
    deadline: spec.deadline,
    headersTimeoutMs: deps.headersTimeoutMs,
    bodyTimeoutMs: deps.bodyTimeoutMs,
    body: spec.body,
  };
  for (let attempt = 1; ; attempt++) {
    const sent = scrubbed(await sendOnce(deps.dispatcher, clock, request), deps.scrubber);
    const logged = { operation: spec.operation, clientId: spec.clientId, attempt };
    const outcome = assess(sent, spec, clock);
    if (outcome.kind === 'ok') {
      logStytchCall(deps.log, {
        ...logged,
        ...outcome.logFields,
        durationMs: sent.durationMs,
        outcome: 'ok',
      });
      return outcome.value;
    }
    const next = nextWait(deps, spec, attempt, outcome.failed, outcome.retryAfterMs);
    const retrying = 'wait' in next;
    logStytchCall(deps.log, {
      ...logged,
      ...outcome.logFields,
      durationMs: sent.durationMs,
      outcome: retrying ? 'retry' : 'failed',
      ...(retrying ? { retryInMs: next.wait } : {}),
    });
    if (!retrying) {
      throw outcome.makeError({
        operation: spec.operation,
        clientId: spec.clientId,
        attempts: attempt,
        gaveUp: next.gaveUp,
      });
    }
    await deps.sleep(next.wait);
  }
}

/**
 * The attempt with its body and request-id header cleaned of every secret the client holds, before
 * anything reads them: from here on, whatever Stytch sent may be logged, quoted or stored.
 */
function scrubbed(sent: HttpAttempt, scrubber: SecretScrubber): HttpAttempt {
  if (sent.kind === 'failure') return sent;
  const requestId = sent.headers['x-request-id'];
  return {
    ...sent,
    body: scrubber.scrubOptional(sent.body),
    headers:
      typeof requestId === 'string'
        ? { ...sent.headers, 'x-request-id': scrubber.scrub(requestId) }
        : sent.headers,
  };
}

type LoggedFields = Pick<StytchCallLogFields, 'status' | 'requestId' | 'errorType' | 'errorCode'>;

/** One attempt, judged: the value, or what failed, how to describe it and when Stytch asks to return. */
type Assessment<T> =
  | { readonly kind: 'ok'; readonly value: T; readonly logFields: LoggedFields }
  | {
      readonly kind: 'failed';
      readonly failed: FailedAttempt;
      readonly retryAfterMs: number | undefined;
      readonly makeError: (call: FailedCall) => StytchError;
      readonly logFields: LoggedFields;
    };

function assess<T>(sent: HttpAttempt, spec: CallSpec<T>, clock: Clock): Assessment<T> {
  if (sent.kind === 'failure') {
    const { failure } = sent;
    return {
      kind: 'failed',
      failed: {
        kind: 'transport',
        requestMayHaveArrived: failure.requestMayHaveArrived,
        deadline: failure.phase === 'deadline',
      },
      retryAfterMs: undefined,
      makeError: (call) => transportError(call, failure),
      logFields: { errorCode: failure.code },
    };
  }
  const verdict = spec.interpret(sent);
  if (verdict.kind === 'ok') {
    const { requestId, errorType } = verdict;
    return {
      kind: 'ok',
      value: verdict.value,
      logFields: { status: sent.status, requestId, errorType },
    };
  }
  const retryAfterMs = parseRetryAfter(sent.headers['retry-after'], clock.now());
  if (verdict.kind === 'error') {
    const { failure } = verdict;
    return {
      kind: 'failed',
      failed: { kind: 'status', status: failure.status },
      retryAfterMs,
      makeError: (call) => apiError(call, failure),
      logFields: {
        status: failure.status,
        requestId: failure.requestId,
        errorType: failure.errorType,
      },
    };
  }
  const { answer } = verdict;
  return {
    kind: 'failed',
    failed: { kind: 'unreadable', status: answer.status },
    retryAfterMs,
    makeError: (call) => responseError(call, answer),
    logFields: { status: answer.status, requestId: answer.requestId },
  };
}

/** How long to wait before the next attempt, or why there is none. */
function nextWait(
  deps: CallDeps,
  spec: CallSpec<unknown>,
  attempt: number,
  failed: FailedAttempt,
  retryAfterMs: number | undefined,
): { readonly wait: number } | { readonly gaveUp: string } {
  const { retry } = deps;
  const tried = `after ${attempt} attempt${attempt === 1 ? '' : 's'}`;
  if (failed.kind === 'transport' && failed.deadline) return { gaveUp: `gave up ${tried}` };
  if (!mayRetry(spec.policy, failed)) {
    return {
      gaveUp:
        spec.policy === 'unless-applied'
          ? `not repeated: ${spec.operation} is only repeated when it provably had no effect`
          : 'not repeated: the failure is not transient',
    };
  }
  if (attempt >= retry.maxAttempts) return { gaveUp: `gave up ${tried}` };
  if (retryAfterMs !== undefined && retryAfterMs > retry.maxRetryAfterMs) {
    return { gaveUp: `gave up ${tried}: Retry-After asks for ${Math.ceil(retryAfterMs / 1000)} s` };
  }
  const wait = Math.max(backoffMs(attempt, retry, deps.random), retryAfterMs ?? 0);
  const budgetLeft = spec.deadline - deps.clock.now().getTime();
  if (wait + retry.minAttemptMs > budgetLeft) {
    return {
      gaveUp: `gave up ${tried}: waiting ${wait} ms more would pass the invocation deadline`,
    };
  }
  return { wait };
}
