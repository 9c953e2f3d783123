import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { StytchApiError, StytchNetworkError, StytchTimeoutError } from '../../../lambda/errors.ts';
import { rejectionOf, useStytchEnv } from './client-fixture.ts';
import {
  CONNECTED_APP,
  connectedApp,
  JSON_HEADERS,
  M2M_CLIENT,
  m2mClient,
  NEXT_SECRET,
  netError,
  path,
  ROTATE,
  ROTATE_START,
  stytchError,
} from './stytch-mock.ts';

const env = useStytchEnv();

const ok = { request_id: 'request-id-test-ok', connected_app: connectedApp() };
const started = {
  request_id: 'request-id-test-started',
  connected_app: connectedApp({ next_client_secret: NEXT_SECRET }),
};
const outcomes = () => env.log.lines.map((line) => line.attributes.outcome);

describe('Stytch client retries', () => {
  it('retries a 429 after the Retry-After seconds', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(429, stytchError(429, 'too_many_requests'), {
        headers: { ...JSON_HEADERS, 'retry-after': '2' },
      });
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(200, ok, { headers: JSON_HEADERS });

    // Act
    const state = await env.client.getClient(CONNECTED_APP, env.deadlineIn());

    // Assess
    expect(state.requestId).toBe('request-id-test-ok');
    expect(env.time.sleeps).toEqual([2000]);
    expect(outcomes()).toEqual(['retry', 'ok']);
    expect(env.log.lines[0]?.attributes).toMatchObject({ status: 429, retry_in_ms: 2000 });
  });

  it('retries a 429 without Retry-After after a jittered exponential backoff', async () => {
    // Prepare
    const tooMany = stytchError(429, 'too_many_requests');
    env.stytch
      .intercept({ path: path(M2M_CLIENT, ROTATE), method: 'POST' })
      .reply(429, tooMany, { headers: JSON_HEADERS })
      .times(2);
    env.stytch
      .intercept({ path: path(M2M_CLIENT, ROTATE), method: 'POST' })
      .reply(200, { m2m_client: m2mClient() }, { headers: JSON_HEADERS });

    // Act
    await env.client.rotate(M2M_CLIENT, env.deadlineIn());

    // Assess: random() is 0.5 and the base 100 ms, so half of 100 then half of 200.
    expect(env.time.sleeps).toEqual([50, 100]);
  });

  it('retries 5xx on a repeatable call until it succeeds', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(503, stytchError(503, 'internal_server_error'), { headers: JSON_HEADERS });
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(200, ok, { headers: JSON_HEADERS });

    // Act
    const state = await env.client.getClient(CONNECTED_APP, env.deadlineIn());

    // Assess
    expect(state.clientId).toBe(CONNECTED_APP);
    expect(outcomes()).toEqual(['retry', 'ok']);
  });

  it('retries a reset connection on a repeatable call', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .replyWithError(new errors.SocketError('other side closed'));
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(200, ok, { headers: JSON_HEADERS });

    // Act
    await env.client.getClient(CONNECTED_APP, env.deadlineIn());

    // Assess
    expect(env.log.lines[0]?.attributes).toMatchObject({
      outcome: 'retry',
      error_code: 'UND_ERR_SOCKET',
    });
  });

  it('gives up after maxAttempts with the last error, counting the attempts', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(500, stytchError(500, 'internal_server_error', 'request-id-test-last'), {
        headers: JSON_HEADERS,
      })
      .times(4);

    // Act
    const error = await rejectionOf(env.client.getClient(CONNECTED_APP, env.deadlineIn()));

    // Assess
    expect(error).toBeInstanceOf(StytchApiError);
    expect(error).toMatchObject({
      status: 500,
      attempts: 4,
      retryable: true,
      requestId: 'request-id-test-last',
    });
    expect(error.message).toContain('gave up after 4 attempts');
    expect(outcomes()).toEqual(['retry', 'retry', 'retry', 'failed']);
  });

  it('does not retry a 4xx other than 429', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(404, stytchError(404, 'connected_app_not_found'), { headers: JSON_HEADERS });

    // Act
    const error = await rejectionOf(env.client.getClient(CONNECTED_APP, env.deadlineIn()));

    // Assess
    expect(error).toMatchObject({ status: 404, attempts: 1, retryable: false });
    expect(error.message).toContain('Check client_id');
  });
});

describe('Stytch client rotate_start retries', () => {
  it.each([
    [
      'a 500',
      () =>
        env.stytch
          .intercept({ path: path(CONNECTED_APP, ROTATE_START), method: 'POST' })
          .reply(500, stytchError(500, 'internal_server_error'), { headers: JSON_HEADERS }),
      StytchApiError,
    ],
    [
      'a lost answer',
      () =>
        env.stytch
          .intercept({ path: path(CONNECTED_APP, ROTATE_START), method: 'POST' })
          .replyWithError(new errors.SocketError('other side closed')),
      StytchNetworkError,
    ],
    [
      'a headers timeout',
      () =>
        env.stytch
          .intercept({ path: path(CONNECTED_APP, ROTATE_START), method: 'POST' })
          .replyWithError(new errors.HeadersTimeoutError()),
      StytchTimeoutError,
    ],
  ] as const)(
    'never repeats rotate_start after %s and says the rotation may be open',
    async (_, arrange, type) => {
      // Prepare
      arrange();

      // Act
      const error = await rejectionOf(env.client.rotateStart(CONNECTED_APP, env.deadlineIn()));

      // Assess
      expect(error).toBeInstanceOf(type);
      expect(error).toMatchObject({ operation: 'rotate_start', attempts: 1 });
      expect(error.message).toContain('not repeated');
      expect(error.message).toContain('rotate_cancel');
      expect(env.time.sleeps).toEqual([]);
    },
  );

  it('repeats rotate_start after a 429, which provably had no effect', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP, ROTATE_START), method: 'POST' })
      .reply(429, stytchError(429, 'too_many_requests'), {
        headers: { ...JSON_HEADERS, 'retry-after': '1' },
      });
    env.stytch
      .intercept({ path: path(CONNECTED_APP, ROTATE_START), method: 'POST' })
      .reply(200, started, { headers: JSON_HEADERS });

    // Act
    const result = await env.client.rotateStart(CONNECTED_APP, env.deadlineIn());

    // Assess
    expect(result.nextClientSecret).toBe(NEXT_SECRET);
    expect(env.time.sleeps).toEqual([1000]);
  });

  it.each([
    ['a refused connection', () => netError('ECONNREFUSED')],
    ['a connect timeout', () => new errors.ConnectTimeoutError()],
  ])('repeats rotate_start after %s: the request never left', async (_, failure) => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP, ROTATE_START), method: 'POST' })
      .replyWithError(failure());
    env.stytch
      .intercept({ path: path(CONNECTED_APP, ROTATE_START), method: 'POST' })
      .reply(200, started, { headers: JSON_HEADERS });

    // Act
    const result = await env.client.rotateStart(CONNECTED_APP, env.deadlineIn());

    // Assess
    expect(result.nextClientSecretLastFour).toBe(NEXT_SECRET.slice(-4));
    expect(outcomes()).toEqual(['retry', 'ok']);
  });
});

describe('Stytch client deadline', () => {
  it('fails at once when a Retry-After would cross the deadline, without sleeping', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(429, stytchError(429, 'too_many_requests', 'request-id-test-429'), {
        headers: { ...JSON_HEADERS, 'retry-after': '10' },
      });

    // Act
    const error = await rejectionOf(env.client.getClient(CONNECTED_APP, env.deadlineIn(5000)));

    // Assess
    expect(error).toMatchObject({ status: 429, requestId: 'request-id-test-429', attempts: 1 });
    expect(error.message).toContain('would pass the invocation deadline');
    expect(env.time.sleeps).toEqual([]);
  });

  it('honours a Retry-After HTTP-date', async () => {
    // Prepare
    const inThreeSeconds = new Date(env.time.nowMs() + 3000).toUTCString();
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(429, stytchError(429, 'too_many_requests'), {
        headers: { ...JSON_HEADERS, 'retry-after': inThreeSeconds },
      });
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(200, ok, { headers: JSON_HEADERS });

    // Act
    await env.client.getClient(CONNECTED_APP, env.deadlineIn());

    // Assess
    expect(env.time.sleeps).toEqual([3000]);
  });

  it('stops retrying when the backoff would leave no time for another attempt', async () => {
    // Prepare: 50 + 100 ms of backoff fit in 400 ms with 100 ms per attempt; 200 more do not.
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(502, stytchError(502, 'bad_gateway'), { headers: JSON_HEADERS })
      .times(3);

    // Act
    const error = await rejectionOf(env.client.getClient(CONNECTED_APP, env.deadlineIn(400)));

    // Assess
    expect(error).toMatchObject({ attempts: 3 });
    expect(env.time.sleeps).toEqual([50, 100]);
    expect(env.time.sleeps.reduce((a, b) => a + b, 0)).toBeLessThan(400);
  });

  it('refuses a Retry-After longer than maxRetryAfterMs even within the deadline', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(429, stytchError(429, 'too_many_requests'), {
        headers: { ...JSON_HEADERS, 'retry-after': '3600' },
      });

    // Act
    const error = await rejectionOf(env.client.getClient(CONNECTED_APP, env.deadlineIn(7_200_000)));

    // Assess
    expect(error.message).toContain('Retry-After asks for 3600 s');
    expect(env.time.sleeps).toEqual([]);
  });

  it('makes no request once the deadline has passed', async () => {
    // Prepare
    const deadline = env.time.nowMs() - 1;

    // Act
    const error = await rejectionOf(env.client.getClient(CONNECTED_APP, { deadline }));

    // Assess: no interceptor was defined, so a request would have failed differently.
    expect(error).toBeInstanceOf(StytchTimeoutError);
    expect(error).toMatchObject({ phase: 'deadline', code: 'STYTCH_TIMEOUT' });
  });

  it('aborts an attempt that is still waiting for its answer at the deadline', async () => {
    // Prepare: the answer comes after 5 s of real time; the deadline is 50 ms away.
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(200, ok, { headers: JSON_HEADERS })
      .delay(5000);

    // Act
    const error = await rejectionOf(env.client.getClient(CONNECTED_APP, env.deadlineIn(50)));

    // Assess
    expect(error).toBeInstanceOf(StytchTimeoutError);
    expect(error).toMatchObject({ phase: 'deadline', attempts: 1 });
    expect(error.message).toContain("invocation's time");
  });
});

describe('Stytch client deadline values', () => {
  it('rejects a NaN deadline before any request', async () => {
    // Prepare / Act / Assess
    await expect(env.client.getClient(CONNECTED_APP, { deadline: Number.NaN })).rejects.toThrow(
      RangeError,
    );
  });
});
