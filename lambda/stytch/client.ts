/**
 * The Stytch client the rotation steps use: the four secret-rotation calls on a Connected App or M2M
 * client, and the token endpoint to prove a secret works. Every call takes the invocation's deadline,
 * is retried only as its policy allows, logged per attempt, and fails with a typed StytchError.
 */
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { type Clock, systemClock } from '../clock.ts';
import type { Log } from '../log.ts';
import { type Answer, type CallDeps, runCall, type Verdict } from './call.ts';
import { createStytchDispatcher, USER_AGENT } from './http.ts';
import {
  type ClientKind,
  type ClientOperation,
  clientKindOf,
  clientPath,
  findClientKind,
  methodOf,
} from './kinds.ts';
import {
  errorMessageOf,
  errorTypeOf,
  readClientState,
  readJsonBody,
  readRotationStarted,
  requestIdOf,
  type StytchClientState,
  type StytchRotationStarted,
} from './responses.ts';
import { isTransientStatus, type RetryOptions, resolveRetryOptions } from './retry.ts';
import { SecretScrubber } from './scrub.ts';

export type { StytchClientState, StytchRotationStarted } from './responses.ts';

/** Per-call options. */
export interface CallOptions {
  /**
   * Epoch ms (on the client's clock) after which no attempt runs or waits: the invocation's
   * remaining time minus a safety margin (see `deadlineFrom` in retry.ts).
   */
  readonly deadline: number;
}

/** The token endpoint's answer. The access token itself is never kept, returned or logged. */
export interface TokenResult {
  readonly status: number;
  /** The OAuth `error`, e.g. `invalid_client`, `invalid_grant`. */
  readonly error?: string;
  /** Stytch's `error_type`, when it sends one. */
  readonly errorType?: string;
  readonly requestId?: string;
  /** True when a 2xx answer carried a non-empty access token. */
  readonly accessTokenIssued: boolean;
}

export interface StytchClient {
  /** The client's state; safe to repeat. */
  getClient(clientId: string, options: CallOptions): Promise<StytchClientState>;
  /** Starts a rotation and returns the new secret. Repeated only after a 429 or a request that never left. */
  rotateStart(clientId: string, options: CallOptions): Promise<StytchRotationStarted>;
  /**
   * Completes the open rotation: the next secret becomes the only one. Repeated only after a 429 or
   * a request that never left; use `completeRotation` (stytch-rotation.ts), which re-reads first.
   */
  rotate(clientId: string, options: CallOptions): Promise<StytchClientState>;
  /** Discards the next secret of the open rotation. Repeated like `rotate`; see `discardNextSecret`. */
  rotateCancel(clientId: string, options: CallOptions): Promise<StytchClientState>;
  /**
   * Asks the token endpoint for a token with the client's own credentials (client_secret_post,
   * JSON body). A 4xx answer is a result, not an error: the caller interprets `error`. Throws only
   * when no usable answer came (transport failure, 429/5xx after retries, unreadable body).
   * @param form the grant fields, e.g. `{ grant_type: 'client_credentials' }`
   */
  requestToken(
    clientId: string,
    clientSecret: string,
    form: Readonly<Record<string, string>>,
    options: CallOptions,
  ): Promise<TokenResult>;
}

export interface StytchClientOptions {
  /** The management API base URL, without a trailing slash (see `resolveStytchEndpoints`). */
  readonly baseUrl: string;
  /** The token endpoint URL (M2M clients, and Connected Apps unless `connectedAppTokenUrl` is set). */
  readonly tokenUrl: string;
  /** The token endpoint Connected Apps use, e.g. the project domain's. @default - tokenUrl */
  readonly connectedAppTokenUrl?: string;
  readonly projectId: string;
  /** The project secret, sent only as HTTP Basic auth to the management API. */
  readonly projectSecret: string;
  /**
   * The keep-alive dispatcher. Create one per container with `createStytchDispatcher()` and pass it
   * to every client so warm invocations reuse connections. @default - a new one for this client
   */
  readonly dispatcher?: Dispatcher;
  readonly log: Log;
  /** The clock deadlines are measured on. @default systemClock */
  readonly clock?: Clock;
  readonly retry?: RetryOptions;
  /** Per-attempt undici timeouts, each also bounded by the deadline. @default 10000 each */
  readonly timeouts?: { readonly headersMs?: number; readonly bodyMs?: number };
  /** Source of the backoff jitter. @default Math.random */
  readonly random?: () => number;
  /** How the client waits between attempts. @default node:timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default `stytch-secret-rotation/<package version>` */
  readonly userAgent?: string;
}

/** Builds a Stytch client. Cheap: the dispatcher is what holds connections. */
export function createStytchClient(options: StytchClientOptions): StytchClient {
  const basicAuth = `Basic ${Buffer.from(`${options.projectId}:${options.projectSecret}`).toString('base64')}`;
  const scrubber = new SecretScrubber([options.projectSecret, basicAuth]);
  const deps: CallDeps = {
    dispatcher: options.dispatcher ?? createStytchDispatcher(),
    clock: options.clock ?? systemClock,
    log: options.log,
    retry: resolveRetryOptions(options.retry),
    random: options.random ?? Math.random,
    sleep: options.sleep ?? ((ms) => sleepFor(ms)),
    headersTimeoutMs: options.timeouts?.headersMs ?? 10_000,
    bodyTimeoutMs: options.timeouts?.bodyMs ?? 10_000,
    scrubber,
  };
  const baseHeaders = {
    'content-type': 'application/json',
    accept: 'application/json',
    'user-agent': options.userAgent ?? USER_AGENT,
  };
  const managementHeaders = { ...baseHeaders, authorization: basicAuth };

  // async, so that a bad client id rejects like every other failure instead of throwing.
  const manage = async <T>(
    operation: ClientOperation,
    clientId: string,
    { deadline }: CallOptions,
    read: (
      json: Json,
      kind: ClientKind,
      clientId: string,
      requestId: string | undefined,
    ) => T | Problem,
  ): Promise<T> => {
    const kind = clientKindOf(clientId);
    const method = methodOf(operation);
    return runCall<T>(deps, {
      operation,
      clientId,
      // get is safe to repeat; the three state changes are not: rotate and rotate_cancel act on
      // whatever next secret exists when a repeat arrives (stytch-rotation.ts re-reads first).
      policy: operation === 'get' ? 'repeatable' : 'unless-applied',
      method,
      url: `${options.baseUrl}${clientPath(clientId, operation)}`,
      headers: managementHeaders,
      body: method === 'POST' ? '{}' : undefined,
      deadline,
      interpret: (answer) =>
        interpretManagement(answer, (json, id) => read(json, kind, clientId, id)),
    });
  };

  return {
    getClient: (clientId, call) => manage('get', clientId, call, readClientState),
    rotateStart: async (clientId, call) => {
      const started = await manage('rotate_start', clientId, call, readRotationStarted);
      scrubber.remember(started.nextClientSecret);
      return started;
    },
    rotate: (clientId, call) => manage('rotate', clientId, call, readClientState),
    rotateCancel: (clientId, call) => manage('rotate_cancel', clientId, call, readClientState),
    requestToken: (clientId, clientSecret, form, { deadline }) => {
      scrubber.remember(clientSecret);
      return runCall<TokenResult>(deps, {
        operation: 'token',
        clientId,
        policy: 'repeatable',
        method: 'POST',
        url:
          findClientKind(clientId) === 'connected_app'
            ? (options.connectedAppTokenUrl ?? options.tokenUrl)
            : options.tokenUrl,
        // The client authenticates itself; the project secret never goes to the token endpoint.
        headers: baseHeaders,
        body: JSON.stringify({ ...form, client_id: clientId, client_secret: clientSecret }),
        deadline,
        interpret: interpretToken,
      });
    },
  };
}

type Json = Readonly<Record<string, unknown>>;
type Problem = { readonly problem: string };

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'problem' in value;
}

/**
 * A management answer: an unreadable body or a success of the wrong shape is `unreadable`, an error
 * body is `error`, a success goes to `onSuccess` for its value.
 */
function interpretManagement<T>(
  answer: Answer,
  onSuccess: (json: Json, requestId: string | undefined) => T | Problem,
): Verdict<T> {
  const body = readJsonBody(answer.body, answer.headers);
  const requestId = requestIdOf('json' in body ? body.json : undefined, answer.headers);
  if ('problem' in body) return unreadable(answer, requestId, body);
  if (!isSuccess(answer.status)) {
    const failure = {
      status: answer.status,
      requestId,
      errorType: errorTypeOf(body.json),
      errorMessage: errorMessageOf(body.json),
    };
    return { kind: 'error', failure };
  }
  const value = onSuccess(body.json, requestId);
  if (isProblem(value)) return unreadable(answer, requestId, value);
  return { kind: 'ok', value, requestId };
}

/**
 * A token answer: a 2xx must carry an access token (which is dropped here); a 4xx other than 429 is
 * a result for the caller to judge; 429 and 5xx are failures the loop may retry.
 */
function interpretToken(answer: Answer): Verdict<TokenResult> {
  const body = readJsonBody(answer.body, answer.headers);
  const requestId = requestIdOf('json' in body ? body.json : undefined, answer.headers);
  if ('problem' in body) return unreadable(answer, requestId, body);
  const { json } = body;
  const { status } = answer;
  if (isSuccess(status)) {
    const token = json.access_token;
    if (typeof token !== 'string' || token === '') {
      return unreadable(answer, requestId, { problem: 'success body has no access_token' });
    }
    return { kind: 'ok', value: { status, accessTokenIssued: true, requestId }, requestId };
  }
  const error = typeof json.error === 'string' ? json.error : undefined;
  const errorType = typeof json.error_type === 'string' ? json.error_type : undefined;
  if (isTransientStatus(status)) {
    const failure = {
      status,
      requestId,
      errorType: errorType ?? error,
      errorMessage: errorMessageOf(json),
    };
    return { kind: 'error', failure };
  }
  return {
    kind: 'ok',
    value: { status, error, errorType, requestId, accessTokenIssued: false },
    requestId,
    errorType: error ?? errorType,
  };
}

function unreadable(answer: Answer, requestId: string | undefined, why: Problem): Verdict<never> {
  return { kind: 'unreadable', answer: { status: answer.status, requestId, problem: why.problem } };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}
