/**
 * One HTTP attempt against Stytch over undici, bounded by the invocation's deadline. It never throws
 * for transport trouble: it reports what happened (an answer, or a classified failure) so the retry
 * loop can decide with per-call policies. The body is always read or discarded, so the keep-alive
 * socket goes back to the pool.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import packageJson from '../../package.json' with { type: 'json' };
import type { Clock } from '../clock.ts';
import { type StytchTimeoutPhase, sanitizedCause } from '../errors.ts';
import { Agent, request } from './undici-lean.ts';

/** `stytch-secret-rotation/<version>`, sent as User-Agent so Stytch support can find our calls. */
export const USER_AGENT = `stytch-secret-rotation/${packageJson.version}`;

/** Stytch's answers are small; anything larger than this is not an answer we can use. */
const MAX_BODY_BYTES = 256 * 1024;

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Timeouts of the shared dispatcher. */
export interface StytchDispatcherOptions {
  /** TCP + TLS connect timeout. @default 5000 */
  readonly connectTimeoutMs?: number;
  /**
   * How long an idle socket is kept. Short on purpose: a socket idle across a Lambda freeze may have
   * been closed by the server, and a request on a dead socket is a "lost answer".
   * @default 4000
   */
  readonly keepAliveTimeoutMs?: number;
}

/**
 * The keep-alive dispatcher for Stytch: an Agent keeps one connection pool per origin (the management
 * API and the token endpoint may differ). Create it once per container and pass it to every client,
 * so warm invocations reuse connections.
 */
export function createStytchDispatcher(options: StytchDispatcherOptions = {}): Dispatcher {
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 4000;
  return new Agent({
    connect: { timeout: options.connectTimeoutMs ?? 5000 },
    keepAliveTimeout,
    keepAliveMaxTimeout: keepAliveTimeout,
    connections: 4,
  });
}

/** One request. `deadline` is epoch ms on `clock`; the attempt is aborted when it passes. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly deadline: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

/** What an attempt produced: an HTTP answer (any status) or a transport failure. */
export type HttpAttempt =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly headers: IncomingHttpHeaders;
      /** The body text, or `undefined` when it was larger than allowed (and discarded). */
      readonly body: string | undefined;
      readonly durationMs: number;
    }
  | { readonly kind: 'failure'; readonly failure: TransportFailure; readonly durationMs: number };

/** A failure below HTTP, classified for the retry policy. */
export interface TransportFailure {
  readonly type: 'timeout' | 'network';
  /** Set when `type` is `timeout`. */
  readonly phase?: StytchTimeoutPhase;
  /** The socket or undici error code, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`. */
  readonly code: string | undefined;
  /**
   * False only when the request provably never left: the connection was refused or not
   * established. Otherwise Stytch may have received, and acted on, the request.
   */
  readonly requestMayHaveArrived: boolean;
  /** The library error without its payload (undici errors can hold the socket). */
  readonly cause: Error;
}

/** Connection-stage failures: no byte of the request reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const TIMEOUT_PHASES: Readonly<Record<string, StytchTimeoutPhase>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
};

/** Sends one request and reads the whole answer, or says why not. Never throws for I/O trouble. */
export async function sendOnce(
  dispatcher: Dispatcher,
  clock: Clock,
  req: HttpRequest,
): Promise<HttpAttempt> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const remainingMs = req.deadline - clock.now().getTime();
  if (remainingMs <= 0) {
    return { kind: 'failure', failure: deadlineFailure(false), durationMs: 0 };
  }
  // The deadline bounds the whole attempt (connect, headers and body); undici's own timeouts
  // bound each phase and usually fire first.
  const controller = new AbortController();
  // setTimeout fires at once for delays beyond 2^31-1 ms, so a far deadline is clamped.
  const timer = setTimeout(
    () => controller.abort(new Error('deadline reached')),
    Math.min(remainingMs, MAX_TIMER_MS),
  );
  try {
    const response = await request(req.url, {
      dispatcher,
      method: req.method,
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
      headersTimeout: req.headersTimeoutMs,
      bodyTimeout: req.bodyTimeoutMs,
    });
    const body = await readCapped(response.body);
    return {
      kind: 'answer',
      status: response.statusCode,
      headers: response.headers,
      body,
      durationMs: elapsed(),
    };
  } catch (error) {
    const failure = controller.signal.aborted ? deadlineFailure(true) : classify(error);
    return { kind: 'failure', failure, durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

async function readCapped(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      // Closing the stream makes undici drop the socket rather than reuse a half-read one.
      body.destroy();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function deadlineFailure(requestMayHaveArrived: boolean): TransportFailure {
  return {
    type: 'timeout',
    phase: 'deadline',
    code: 'DEADLINE',
    requestMayHaveArrived,
    cause: new Error('the invocation deadline passed'),
  };
}

function classify(error: unknown): TransportFailure {
  const code = errorCode(error);
  const phase = code === undefined ? undefined : TIMEOUT_PHASES[code];
  return {
    type: phase === undefined ? 'network' : 'timeout',
    ...(phase === undefined ? {} : { phase }),
    code,
    requestMayHaveArrived: code === undefined || !NOT_SENT_CODES.has(code),
    cause: sanitizedCause(error),
  };
}

/** The code of an error or of the first error it aggregates (Happy Eyeballs throws an AggregateError). */
function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  if (error instanceof AggregateError) return errorCode(error.errors[0]);
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return cause === undefined ? undefined : errorCode(cause);
}
