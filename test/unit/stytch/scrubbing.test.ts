/**
 * Every string that comes from Stytch (or whatever answers in its place) is scrubbed of every secret
 * the client holds before it reaches a log line, an error or a value the steps quote into messages
 * and tags: the project secret, client secrets sent to the token endpoint and secrets issued by
 * rotate_start. Here a hostile or broken server echoes those secrets in each field it controls.
 */
import { describe, expect, it } from 'vitest';
import { StytchApiError } from '../../../lambda/errors.ts';
import { describeErrorFully, expectNoSecrets } from '../helpers/no-secrets.ts';
import { rejectionOf, useStytchEnv } from './client-fixture.ts';
import {
  CONNECTED_APP,
  JSON_HEADERS,
  M2M_CLIENT,
  m2mClient,
  NEXT_SECRET,
  PROJECT_SECRET,
  path,
  ROTATE_CANCEL,
  ROTATE_START,
  TOKEN_URL,
} from './stytch-mock.ts';

const env = useStytchEnv();
const CLIENT_SECRET = 'CLIENTsecretSENTtoTOKENendpoint-1234abcd';

describe('Stytch answers that echo secrets', () => {
  it('scrubs a management error_type, error_message and request_id that echo the project secret', async () => {
    // Prepare
    env.stytch.intercept({ path: path(M2M_CLIENT), method: 'GET' }).reply(
      400,
      {
        status_code: 400,
        request_id: `req-${PROJECT_SECRET}`,
        error_type: `bad_${PROJECT_SECRET}`,
        error_message: `rejected ${PROJECT_SECRET}`,
      },
      { headers: JSON_HEADERS },
    );

    // Act
    const error = await rejectionOf(env.client.getClient(M2M_CLIENT, env.deadlineIn()));

    // Assess
    expect(error).toBeInstanceOf(StytchApiError);
    expect((error as StytchApiError).errorType).toBe('bad_[redacted]');
    expect((error as StytchApiError).requestId).toBe('req-[redacted]');
    expect(error.message).toContain('rejected [redacted]');
    expect(env.log.text()).toContain('bad_[redacted]');
  });

  it('scrubs a token-endpoint error and error_description that echo the client secret it was sent', async () => {
    // Prepare
    const tokenEndpoint = env.agent.get(new URL(TOKEN_URL).origin);
    tokenEndpoint.intercept({ path: new URL(TOKEN_URL).pathname, method: 'POST' }).reply(
      400,
      {
        status_code: 400,
        request_id: 'request-id-token',
        error: `invalid_client ${CLIENT_SECRET}`,
        error_description: `unknown secret ${CLIENT_SECRET}`,
      },
      { headers: JSON_HEADERS },
    );

    // Act
    const result = await env.client.requestToken(
      CONNECTED_APP,
      CLIENT_SECRET,
      { grant_type: 'refresh_token', refresh_token: 'bogus' },
      env.deadlineIn(),
    );

    // Assess
    expect(result.error).toBe('invalid_client [redacted]');
    expectNoSecrets(JSON.stringify(result), [CLIENT_SECRET]);
    expectNoSecrets(env.log.text(), [CLIENT_SECRET]);
  });

  it('scrubs a later answer that echoes the secret rotate_start issued', async () => {
    // Prepare
    env.stytch.intercept({ path: path(M2M_CLIENT, ROTATE_START), method: 'POST' }).reply(
      200,
      {
        request_id: 'request-id-start',
        status_code: 200,
        m2m_client: m2mClient({
          next_client_secret: NEXT_SECRET,
          next_client_secret_last_four: NEXT_SECRET.slice(-4),
        }),
      },
      { headers: JSON_HEADERS },
    );
    env.stytch.intercept({ path: path(M2M_CLIENT, ROTATE_CANCEL), method: 'POST' }).reply(
      409,
      {
        status_code: 409,
        request_id: 'request-id-cancel',
        error_type: `conflict_${NEXT_SECRET}`,
        error_message: `cannot cancel ${NEXT_SECRET}`,
      },
      { headers: JSON_HEADERS },
    );
    await env.client.rotateStart(M2M_CLIENT, env.deadlineIn());

    // Act
    const error = await rejectionOf(env.client.rotateCancel(M2M_CLIENT, env.deadlineIn()));

    // Assess
    expect((error as StytchApiError).errorType).toBe('conflict_[redacted]');
    expectNoSecrets(describeErrorFully(error), [NEXT_SECRET]);
  });
});
