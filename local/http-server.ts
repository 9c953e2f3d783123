import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type FaultDecision, FaultPlan } from './faults.ts';

/** What a local server answers. A string body is sent as is; anything else as JSON. */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/** A request as the local servers see it: the whole body already read. */
export interface LocalRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/**
 * A routed request: its operation name (for the request log and fault rules) and the function that
 * applies its effect. Routing must not change state; only `run` does.
 */
export interface Routed {
  readonly operation: string;
  run(): Reply | Promise<Reply>;
}

/** One line of a server's request log. It never holds a request or response body. */
export interface RequestLogEntry {
  readonly seq: number;
  /** When the request arrived, epoch ms (wall clock, for ordering calls across servers). */
  readonly startedAt: number;
  readonly operation: string;
  /** The status sent, or 0 when the socket was destroyed without an answer. */
  readonly status: number;
  readonly durationMs: number;
  readonly fault?: string;
}

export interface JsonServerOptions {
  /** Used in error messages. */
  readonly name: string;
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  readonly route: (req: LocalRequest) => Routed;
  /** The server's own error body for an injected status or a rate-limit answer. */
  readonly renderError: (status: number, errorType: string | undefined) => Reply;
}

export interface RunningServer {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly faults: FaultPlan;
  readonly requestLog: RequestLogEntry[];
  close(): Promise<void>;
}

const DEFAULT_ERROR_TYPE: Record<number, string> = {
  429: 'too_many_requests',
};

/** Starts an HTTP server on 127.0.0.1 with fault injection and a request log. */
export async function startJsonServer(options: JsonServerOptions): Promise<RunningServer> {
  const faults = new FaultPlan();
  const requestLog: RequestLogEntry[] = [];
  let seq = 0;

  const server: Server = createServer((req, res) => {
    const started = performance.now();
    const startedAt = performance.timeOrigin + started;
    const record = (operation: string, status: number, fault?: string) => {
      seq += 1;
      requestLog.push({
        seq,
        startedAt,
        operation,
        status,
        durationMs: performance.now() - started,
        ...(fault ? { fault } : {}),
      });
    };
    readRequest(req)
      .then(async (request) => {
        let routed: Routed;
        try {
          routed = options.route(request);
        } catch (error) {
          const reply = errorReply(error, options);
          send(res, reply);
          record('unrouted', reply.status);
          return;
        }
        const decision = faults.decide(routed.operation);
        if (faults.latencyMs > 0) await sleep(faults.latencyMs);
        const status = await answer(req, res, routed, decision, options);
        record(routed.operation, status, decision.kind === 'none' ? undefined : decision.kind);
      })
      .catch((error: unknown) => {
        const reply = errorReply(error, options);
        if (!res.headersSent) send(res, reply);
        else res.destroy();
        record('failed', reply.status);
      });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    name: options.name,
    url: `http://127.0.0.1:${port}`,
    port,
    faults,
    requestLog,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  routed: Routed,
  decision: FaultDecision,
  options: JsonServerOptions,
): Promise<number> {
  switch (decision.kind) {
    case 'none':
    case 'latency': {
      if (decision.kind === 'latency') await sleep(decision.ms);
      const reply = await runSafely(routed, options);
      send(res, reply);
      return reply.status;
    }
    case 'rate-limited':
    case 'status': {
      const status = decision.kind === 'status' ? decision.status : 429;
      const errorType = decision.kind === 'status' ? decision.errorType : undefined;
      const reply = options.renderError(status, errorType ?? DEFAULT_ERROR_TYPE[status]);
      const retryAfter = decision.retryAfterSeconds;
      send(res, {
        ...reply,
        headers: { ...reply.headers, ...(retryAfter ? { 'retry-after': String(retryAfter) } : {}) },
      });
      return status;
    }
    case 'reset':
      req.socket.destroy();
      return 0;
    case 'lost-response':
      await runSafely(routed, options);
      req.socket.destroy();
      return 0;
    case 'slow-headers': {
      const reply = await runSafely(routed, options);
      await sleep(decision.ms);
      // The client has usually given up and closed the socket by now; then nothing is sent.
      if (req.socket.destroyed) return 0;
      send(res, reply);
      return reply.status;
    }
    case 'slow-body': {
      const reply = await runSafely(routed, options);
      const { body, contentType } = encode(reply.body);
      res.writeHead(reply.status, { 'content-type': contentType, ...reply.headers });
      res.flushHeaders();
      await sleep(decision.ms);
      res.end(body);
      return reply.status;
    }
    case 'raw':
      res.writeHead(decision.status, { 'content-type': decision.contentType });
      res.end(decision.body);
      return decision.status;
  }
}

async function runSafely(routed: Routed, options: JsonServerOptions): Promise<Reply> {
  try {
    return await routed.run();
  } catch (error) {
    return errorReply(error, options);
  }
}

/**
 * A thrown `HttpError` becomes the server's own error body; anything else is a bug in the local
 * server, answered as a 500 so a test sees it instead of hanging.
 */
function errorReply(error: unknown, options: JsonServerOptions): Reply {
  if (error instanceof HttpError) return error.reply;
  const message = error instanceof Error ? error.message : String(error);
  const reply = options.renderError(500, undefined);
  return { ...reply, headers: { ...reply.headers, 'x-local-bug': message.slice(0, 200) } };
}

/** Thrown by a route to answer with a specific reply. */
export class HttpError extends Error {
  constructor(readonly reply: Reply) {
    super(`local server answered ${reply.status}`);
    this.name = 'HttpError';
  }
}

function encode(body: unknown): { body: string; contentType: string } {
  if (typeof body === 'string') return { body, contentType: 'text/plain' };
  return { body: JSON.stringify(body ?? {}), contentType: 'application/json' };
}

function send(res: ServerResponse, reply: Reply): void {
  const { body, contentType } = encode(reply.body);
  res.writeHead(reply.status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
    ...reply.headers,
  });
  res.end(body);
}

async function readRequest(req: IncomingMessage): Promise<LocalRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}
