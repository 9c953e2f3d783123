import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../lambda/clock.ts';
import { createStytchDispatcher, type HttpRequest, sendOnce } from '../../../lambda/stytch/http.ts';

// These tests run against a real loopback server: they pin down how undici reports each failure,
// which the retry policy of rotate_start depends on.

const servers: Server[] = [];
const dispatchers: Dispatcher[] = [];

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.destroy()));
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function dispatcher(): Dispatcher {
  const created = createStytchDispatcher({ connectTimeoutMs: 1000 });
  dispatchers.push(created);
  return created;
}

function request(url: string, overrides: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    body: '{}',
    deadline: Date.now() + 10_000,
    headersTimeoutMs: 5000,
    bodyTimeoutMs: 5000,
    ...overrides,
  };
}

describe('sendOnce', () => {
  it('reads the answer and reuses the kept-alive connection for the next request', async () => {
    // Prepare
    const sockets = new Set<Socket>();
    const server = createServer((req, res) => {
      sockets.add(req.socket);
      req.resume();
      res.setHeader('content-type', 'application/json');
      res.end('{"ok":true}');
    });
    const url = await listen(server);
    const shared = dispatcher();

    // Act
    const first = await sendOnce(shared, systemClock, request(url));
    // undici returns the socket to the pool a few ticks after the body ends; calls of a rotation
    // are further apart than this.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await sendOnce(shared, systemClock, request(url));

    // Assess
    expect(first).toMatchObject({ kind: 'answer', status: 200, body: '{"ok":true}' });
    expect(second).toMatchObject({ kind: 'answer', status: 200 });
    expect(sockets.size).toBe(1);
  });

  it('reports a refused connection as a request that never arrived', async () => {
    // Prepare: a port that was just free.
    const url = await listen(createServer());
    await new Promise<void>((resolve) => servers.pop()?.close(() => resolve()));

    // Act
    const attempt = await sendOnce(dispatcher(), systemClock, request(url));

    // Assess
    expect(attempt).toMatchObject({
      kind: 'failure',
      failure: { type: 'network', code: 'ECONNREFUSED', requestMayHaveArrived: false },
    });
  });

  it('reports a connection closed after the request as one that may have arrived', async () => {
    // Prepare
    const server = createServer((req) => {
      req.resume();
      req.on('end', () => req.socket.destroy());
    });
    const url = await listen(server);

    // Act
    const attempt = await sendOnce(dispatcher(), systemClock, request(url));

    // Assess
    expect(attempt).toMatchObject({
      kind: 'failure',
      failure: { type: 'network', code: 'UND_ERR_SOCKET', requestMayHaveArrived: true },
    });
    if (attempt.kind === 'failure') expect(attempt.failure.cause).not.toHaveProperty('socket');
  });

  it('reports a missing answer as a headers timeout', async () => {
    // Prepare: the server reads the request and never answers.
    const url = await listen(createServer((req) => req.resume()));

    // Act
    const attempt = await sendOnce(
      dispatcher(),
      systemClock,
      request(url, { headersTimeoutMs: 50 }),
    );

    // Assess
    expect(attempt).toMatchObject({
      kind: 'failure',
      failure: { type: 'timeout', phase: 'headers', requestMayHaveArrived: true },
    });
  });

  it('aborts at the deadline even when the phase timeouts are longer', async () => {
    // Prepare
    const url = await listen(createServer((req) => req.resume()));

    // Act
    const attempt = await sendOnce(
      dispatcher(),
      systemClock,
      request(url, { deadline: Date.now() + 50 }),
    );

    // Assess
    expect(attempt).toMatchObject({
      kind: 'failure',
      failure: { type: 'timeout', phase: 'deadline' },
    });
  });

  it('treats a deadline beyond the timer range as far away, not as now', async () => {
    // Prepare: an answer that takes a moment; Node fires an overflowing timer after 1 ms.
    const url = await listen(
      createServer((req, res) => {
        req.resume();
        setTimeout(() => res.end('{}'), 30);
      }),
    );

    // Act
    const attempt = await sendOnce(
      dispatcher(),
      systemClock,
      request(url, { deadline: Number.POSITIVE_INFINITY }),
    );

    // Assess
    expect(attempt).toMatchObject({ kind: 'answer', status: 200 });
  });

  it('discards a body larger than any Stytch answer', async () => {
    // Prepare
    const url = await listen(
      createServer((req, res) => {
        req.resume();
        res.end('x'.repeat(300 * 1024));
      }),
    );

    // Act
    const attempt = await sendOnce(dispatcher(), systemClock, request(url));

    // Assess
    expect(attempt).toMatchObject({ kind: 'answer', status: 200, body: undefined });
  });
});
