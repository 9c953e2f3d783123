import { describe, expect, it } from 'vitest';
import { StytchApiError, StytchResponseError } from '../../../lambda/errors.ts';
import { expectNoSecrets } from '../helpers/no-secrets.ts';
import { rejectionOf, useStytchEnv } from './client-fixture.ts';
import {
  ACCESS_TOKEN,
  CONNECTED_APP,
  JSON_HEADERS,
  M2M_CLIENT,
  NEXT_SECRET,
  PROJECT_ID,
} from './stytch-mock.ts';

const TOKEN_PATH = `/v1/public/${PROJECT_ID}/oauth2/token`;

const env = useStytchEnv();

const grant = { grant_type: 'client_credentials' };

describe('Stytch client token endpoint', () => {
  it('reports an issued token without returning or logging it', async () => {
    // Prepare
    let sent: Record<string, unknown> = {};
    let headersSent: Record<string, string> = {};
    env.stytch
      .intercept({
        path: TOKEN_PATH,
        method: 'POST',
        body: (body) => {
          sent = JSON.parse(body);
          return true;
        },
        headers: (headers) => {
          headersSent = headers as Record<string, string>;
          return true;
        },
      })
      .reply(
        200,
        {
          access_token: ACCESS_TOKEN,
          token_type: 'bearer',
          expires_in: 3600,
          request_id: 'request-id-test-t1',
        },
        { headers: JSON_HEADERS },
      );

    // Act
    const result = await env.client.requestToken(M2M_CLIENT, NEXT_SECRET, grant, env.deadlineIn());

    // Assess
    expect(result).toEqual({
      status: 200,
      accessTokenIssued: true,
      requestId: 'request-id-test-t1',
    });
    expectNoSecrets(JSON.stringify(result), [ACCESS_TOKEN]);
    expect(sent).toEqual({
      grant_type: 'client_credentials',
      client_id: M2M_CLIENT,
      client_secret: NEXT_SECRET,
    });
    expect(headersSent['user-agent']).toMatch(/^stytch-secret-rotation\//);
    expect(headersSent).not.toHaveProperty('authorization');
    expect(env.log.lines[0]?.attributes).toMatchObject({
      operation: 'token',
      status: 200,
      outcome: 'ok',
    });
  });

  it.each([
    [
      401,
      { error: 'invalid_client', error_description: 'bad client' },
      { error: 'invalid_client' },
    ],
    [
      400,
      { error: 'invalid_grant', request_id: 'request-id-test-t2' },
      { error: 'invalid_grant', requestId: 'request-id-test-t2' },
    ],
    [
      404,
      { error_type: 'idp_refresh_token_not_found', status_code: 404 },
      { errorType: 'idp_refresh_token_not_found' },
    ],
  ])('returns a %i answer as a result for the probe to judge', async (status, body, expected) => {
    // Prepare
    env.stytch
      .intercept({ path: TOKEN_PATH, method: 'POST' })
      .reply(status, body, { headers: JSON_HEADERS });

    // Act
    const result = await env.client.requestToken(
      CONNECTED_APP,
      NEXT_SECRET,
      { grant_type: 'refresh_token', refresh_token: 'not-a-real-token' },
      env.deadlineIn(),
    );

    // Assess
    expect(result).toEqual({ status, accessTokenIssued: false, ...expected });
    expect(env.time.sleeps).toEqual([]);
  });

  it('retries a 429 and then returns the answer', async () => {
    // Prepare
    env.stytch
      .intercept({ path: TOKEN_PATH, method: 'POST' })
      .reply(429, { error: 'too_many_requests' }, { headers: JSON_HEADERS });
    env.stytch
      .intercept({ path: TOKEN_PATH, method: 'POST' })
      .reply(200, { access_token: ACCESS_TOKEN }, { headers: JSON_HEADERS });

    // Act
    const result = await env.client.requestToken(M2M_CLIENT, NEXT_SECRET, grant, env.deadlineIn());

    // Assess
    expect(result.accessTokenIssued).toBe(true);
    expect(env.time.sleeps).toHaveLength(1);
  });

  it('throws StytchApiError when 5xx persists', async () => {
    // Prepare
    env.stytch
      .intercept({ path: TOKEN_PATH, method: 'POST' })
      .reply(
        503,
        { error: 'temporarily_unavailable', request_id: 'request-id-test-t3' },
        { headers: JSON_HEADERS },
      )
      .times(4);

    // Act
    const error = await rejectionOf(
      env.client.requestToken(M2M_CLIENT, NEXT_SECRET, grant, env.deadlineIn()),
    );

    // Assess
    expect(error).toBeInstanceOf(StytchApiError);
    expect(error).toMatchObject({
      operation: 'token',
      status: 503,
      errorType: 'temporarily_unavailable',
      attempts: 4,
    });
  });

  it('throws StytchResponseError for a 200 without an access token', async () => {
    // Prepare
    env.stytch
      .intercept({ path: TOKEN_PATH, method: 'POST' })
      .reply(200, { token_type: 'bearer' }, { headers: JSON_HEADERS });

    // Act
    const error = await rejectionOf(
      env.client.requestToken(M2M_CLIENT, NEXT_SECRET, grant, env.deadlineIn()),
    );

    // Assess
    expect(error).toBeInstanceOf(StytchResponseError);
    expect(error.message).toContain('no access_token');
  });

  it('throws StytchResponseError for an HTML answer and removes any echoed secret', async () => {
    // Prepare
    env.stytch
      .intercept({ path: TOKEN_PATH, method: 'POST' })
      .reply(400, `<html>${NEXT_SECRET}</html>`, { headers: { 'content-type': 'text/html' } });

    // Act
    const error = await rejectionOf(
      env.client.requestToken(M2M_CLIENT, NEXT_SECRET, grant, env.deadlineIn()),
    );

    // Assess
    expect(error).toBeInstanceOf(StytchResponseError);
    expect(error).toMatchObject({ status: 400, retryable: false });
  });
});
