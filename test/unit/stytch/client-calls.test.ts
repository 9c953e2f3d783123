import { describe, expect, it } from 'vitest';
import { SecretValueError, StytchApiError, StytchResponseError } from '../../../lambda/errors.ts';
import { expectNoSecrets } from '../helpers/no-secrets.ts';
import { rejectionOf, useStytchEnv } from './client-fixture.ts';
import {
  CONNECTED_APP,
  connectedApp,
  JSON_HEADERS,
  M2M_CLIENT,
  m2mClient,
  NEXT_SECRET,
  PROJECT_ID,
  PROJECT_SECRET,
  path,
  ROTATE,
  ROTATE_CANCEL,
  ROTATE_START,
  stytchError,
} from './stytch-mock.ts';

const env = useStytchEnv();

describe('Stytch client management calls', () => {
  it('gets a Connected App with Basic auth, a JSON content type and our User-Agent', async () => {
    // Prepare
    const basic = `Basic ${Buffer.from(`${PROJECT_ID}:${PROJECT_SECRET}`).toString('base64')}`;
    env.stytch
      .intercept({
        path: path(CONNECTED_APP),
        method: 'GET',
        headers: {
          authorization: basic,
          'content-type': 'application/json',
          'user-agent': /^stytch-secret-rotation\/\d+\.\d+\.\d+/,
        },
      })
      .reply(
        200,
        { request_id: 'request-id-test-1', status_code: 200, connected_app: connectedApp() },
        { headers: JSON_HEADERS },
      );

    // Act
    const state = await env.client.getClient(CONNECTED_APP, env.deadlineIn());

    // Assess
    expect(state).toEqual({
      clientId: CONNECTED_APP,
      kind: 'connected_app',
      clientSecretLastFour: 'aaaa',
      nextClientSecretLastFour: null,
      status: 'active',
      clientType: 'first_party',
      requestId: 'request-id-test-1',
    });
  });

  it('starts an M2M rotation and returns the new secret without making it enumerable', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(M2M_CLIENT, ROTATE_START), method: 'POST', body: '{}' })
      .reply(
        200,
        {
          request_id: 'request-id-test-2',
          status_code: 200,
          m2m_client: m2mClient({
            next_client_secret: NEXT_SECRET,
            next_client_secret_last_four: NEXT_SECRET.slice(-4),
          }),
        },
        { headers: JSON_HEADERS },
      );

    // Act
    const started = await env.client.rotateStart(M2M_CLIENT, env.deadlineIn());

    // Assess
    expect(started.nextClientSecret).toBe(NEXT_SECRET);
    expect(started.nextClientSecretLastFour).toBe('5b4a');
    expect(started.kind).toBe('m2m_client');
    expectNoSecrets(JSON.stringify(started), [NEXT_SECRET]);
    expectNoSecrets(JSON.stringify({ ...started }), [NEXT_SECRET]);
  });

  it.each([
    ['rotate', ROTATE],
    ['rotateCancel', ROTATE_CANCEL],
  ] as const)('%s posts {} to its path and returns the client state', async (method, suffix) => {
    // Prepare
    env.stytch.intercept({ path: path(CONNECTED_APP, suffix), method: 'POST', body: '{}' }).reply(
      200,
      {
        request_id: 'request-id-test-3',
        connected_app: connectedApp({ client_secret_last_four: 'zzzz' }),
      },
      { headers: JSON_HEADERS },
    );

    // Act
    const state = await env.client[method](CONNECTED_APP, env.deadlineIn());

    // Assess
    expect(state.clientSecretLastFour).toBe('zzzz');
    expect(state.nextClientSecretLastFour).toBeNull();
  });

  it('logs each call with operation, client, status, request id, attempt and duration', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(
        200,
        { request_id: 'request-id-test-4', connected_app: connectedApp() },
        { headers: JSON_HEADERS },
      );

    // Act
    await env.client.getClient(CONNECTED_APP, env.deadlineIn());

    // Assess
    expect(env.log.lines).toHaveLength(1);
    expect(env.log.lines[0]?.attributes).toMatchObject({
      operation: 'get',
      client_id: CONNECTED_APP,
      status: 200,
      request_id: 'request-id-test-4',
      attempt: 1,
      outcome: 'ok',
      duration_ms: expect.any(Number),
    });
  });

  it('turns a Stytch error body into StytchApiError with status, error_type and request_id', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP, ROTATE_START), method: 'POST' })
      .reply(
        409,
        stytchError(409, 'connected_app_already_rotating_secret', 'request-id-test-409'),
        {
          headers: JSON_HEADERS,
        },
      );

    // Act
    const error = await rejectionOf(env.client.rotateStart(CONNECTED_APP, env.deadlineIn()));

    // Assess
    expect(error).toBeInstanceOf(StytchApiError);
    expect(error).toMatchObject({
      code: 'STYTCH_API',
      status: 409,
      errorType: 'connected_app_already_rotating_secret',
      requestId: 'request-id-test-409',
      operation: 'rotate_start',
      clientId: CONNECTED_APP,
      retryable: false,
      attempts: 1,
    });
    for (const part of [
      'rotate_start',
      CONNECTED_APP,
      '409',
      'request-id-test-409',
      'reconciles',
    ]) {
      expect(error.message).toContain(part);
    }
  });

  it('says to check the credentials when Stytch answers 401', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(M2M_CLIENT), method: 'GET' })
      .reply(401, stytchError(401, 'unauthorized_credentials'), { headers: JSON_HEADERS });

    // Act
    const error = await rejectionOf(env.client.getClient(M2M_CLIENT, env.deadlineIn()));

    // Assess
    expect(error).toMatchObject({ status: 401, errorType: 'unauthorized_credentials' });
    expect(error.message).toContain('credentials parameter');
  });

  it('removes the project secret from a Stytch error message that echoes it', async () => {
    // Prepare
    env.stytch
      .intercept({ path: path(M2M_CLIENT), method: 'GET' })
      .reply(
        400,
        { ...stytchError(400, 'bad_request'), error_message: `bad secret ${PROJECT_SECRET}` },
        { headers: JSON_HEADERS },
      );

    // Act
    const error = await rejectionOf(env.client.getClient(M2M_CLIENT, env.deadlineIn()));

    // Assess
    expect(error.message).toContain('bad secret [redacted]');
  });

  it.each([
    ['an HTML page', 502, '<html><body>Bad gateway</body></html>', 'text/html', 'is HTML'],
    ['malformed JSON', 200, '{"connected_app": {', 'application/json', 'not valid JSON'],
    ['an empty body', 200, '', 'application/json', 'is empty'],
    ['a JSON array', 200, '[]', 'application/json', 'JSON array'],
  ])('turns %s into StytchResponseError', async (_, status, body, contentType, why) => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP, ROTATE), method: 'POST' })
      .reply(status, body, { headers: { 'content-type': contentType } })
      // rotate may have applied behind a 502, so the client does not repeat it (the caller
      // re-reads Stytch's state first; see rotation/stytch-rotation.ts).
      .times(1);

    // Act
    const error = await rejectionOf(env.client.rotate(CONNECTED_APP, env.deadlineIn()));

    // Assess
    expect(error).toBeInstanceOf(StytchResponseError);
    expect(error).toMatchObject({ code: 'STYTCH_RESPONSE_INVALID', status, operation: 'rotate' });
    expect(error.message).toContain(why);
    expect(error.message).not.toContain('Bad gateway');
  });

  it.each([
    [
      'no wrapper object',
      { request_id: 'r', m2m_client: connectedApp() },
      'no "connected_app" object',
    ],
    [
      'another client',
      { connected_app: connectedApp({ client_id: 'connected-app-test-other' }) },
      'not the client asked about',
    ],
    [
      'a numeric last four',
      { connected_app: connectedApp({ client_secret_last_four: 1234 }) },
      'client_secret_last_four is number',
    ],
  ])('rejects a 200 with %s as StytchResponseError', async (_, body, why) => {
    // Prepare
    env.stytch
      .intercept({ path: path(CONNECTED_APP), method: 'GET' })
      .reply(200, body, { headers: JSON_HEADERS });

    // Act
    const error = await rejectionOf(env.client.getClient(CONNECTED_APP, env.deadlineIn()));

    // Assess
    expect(error).toBeInstanceOf(StytchResponseError);
    expect(error.message).toContain(why);
  });

  it.each([
    [
      'no next_client_secret',
      connectedApp({ next_client_secret_last_four: '5b4a' }),
      'next_client_secret is missing',
    ],
    [
      'an empty next_client_secret',
      connectedApp({ next_client_secret: '' }),
      'next_client_secret is missing',
    ],
    [
      'a last four that does not match the secret',
      connectedApp({ next_client_secret: NEXT_SECRET, next_client_secret_last_four: 'zzzz' }),
      'does not match',
    ],
  ])(
    'rejects a rotate_start 200 with %s, never quoting the body, and says a rotation may be open',
    async (_, app, why) => {
      // Prepare
      env.stytch
        .intercept({ path: path(CONNECTED_APP, ROTATE_START), method: 'POST' })
        .reply(
          200,
          { request_id: 'request-id-test-5', connected_app: app },
          { headers: JSON_HEADERS },
        );

      // Act
      const error = await rejectionOf(env.client.rotateStart(CONNECTED_APP, env.deadlineIn()));

      // Assess
      expect(error).toBeInstanceOf(StytchResponseError);
      expect(error.message).toContain(why);
      expect(error.message).toContain('request-id-test-5');
      expect(error.message).toContain('rotate_cancel');
    },
  );

  it('rejects a client id of an unknown kind without calling Stytch', async () => {
    // Prepare / Act
    const error = await rejectionOf(env.client.getClient('app-123', env.deadlineIn()));

    // Assess
    expect(error).toBeInstanceOf(SecretValueError);
    expect(env.log.lines).toEqual([]);
  });
});
