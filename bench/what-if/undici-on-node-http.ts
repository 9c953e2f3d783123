/**
 * A what-if, never shipped: the two things lambda/stytch/undici-lean.ts takes from undici (`Agent` and
 * `request`) over node:http and node:https, whose HTTP parser is native (no WebAssembly to compile).
 * The bench bundles the handler with this in undici's place to size what replacing undici would
 * save (bundle, import time, CPU and peak memory) on the happy path that rotations take. Timeouts
 * are mapped onto undici's error codes only roughly: it is a yardstick, not an implementation.
 */
import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

interface AgentOptions {
  readonly connect?: { readonly timeout?: number };
  readonly keepAliveTimeout?: number;
  readonly connections?: number;
}

interface RequestOptions {
  readonly dispatcher: Agent;
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
  readonly headersTimeout?: number;
  readonly bodyTimeout?: number;
}

/** A keep-alive pool per protocol, as undici's Agent keeps one per origin. */
export class Agent {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;

  constructor(options: AgentOptions = {}) {
    const pool = {
      keepAlive: true,
      maxSockets: options.connections ?? Number.POSITIVE_INFINITY,
      timeout: options.keepAliveTimeout,
    };
    this.http = new HttpAgent(pool);
    this.https = new HttpsAgent(pool);
  }
}

function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** One request; resolves with the status, headers and a readable body, as undici's `request`. */
export function request(
  url: string,
  options: RequestOptions,
): Promise<{ statusCode: number; headers: IncomingHttpHeaders; body: IncomingMessage }> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const send = secure ? httpsRequest : httpRequest;
    const req = send(
      target,
      {
        method: options.method,
        headers: options.headers,
        agent: secure ? options.dispatcher.https : options.dispatcher.http,
        signal: options.signal,
      },
      (res) => {
        clearTimeout(headersTimer);
        res.setTimeout(options.bodyTimeout ?? 300_000, () =>
          res.destroy(codedError('body timeout', 'UND_ERR_BODY_TIMEOUT')),
        );
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: res });
      },
    );
    const headersTimer = setTimeout(
      () => req.destroy(codedError('headers timeout', 'UND_ERR_HEADERS_TIMEOUT')),
      options.headersTimeout ?? 300_000,
    );
    req.on('error', (error) => {
      clearTimeout(headersTimer);
      reject(error);
    });
    req.end(options.body);
  });
}
