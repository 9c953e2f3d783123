import { afterEach, describe, expect, it } from 'vitest';
import { basicAuthorization } from '../../local/stytch/index.ts';
import { useStytch } from './stytch.harness.ts';

const local = useStytch();
const { token } = local;

afterEach(() => local.stytch.setTokenEndpointBehaviour('rfc6749'));

function clientCredentials(clientId: string, clientSecret: string) {
  return { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret };
}

describe('the token endpoint for Connected Apps', () => {
  const refresh = (clientId: string, clientSecret: string) => ({
    grant_type: 'refresh_token',
    refresh_token: 'bogus-refresh-token',
    client_id: clientId,
    client_secret: clientSecret,
  });

  it('answers 400 invalid_grant to a good secret with a bogus refresh token or code', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, {
      kind: 'connected_app',
    });
    // Act
    const answers = await Promise.all([
      token(refresh(clientId, clientSecret)),
      token(
        { grant_type: 'authorization_code', code: 'bogus-code' },
        { authorization: basicAuthorization(clientId, clientSecret), json: true },
      ),
    ]);
    // Assess
    for (const { status, body } of answers) {
      expect(status).toBe(400);
      expect(body).toMatchObject({ status_code: 400, error: 'invalid_grant' });
    }
  });

  it('answers 401 invalid_client to a wrong secret, checking the client before the grant', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, {
      kind: 'connected_app',
    });
    // Act
    const { status, body } = await token(refresh(clientId, `${clientSecret}x`));
    // Assess
    expect([status, body.error]).toEqual([401, 'invalid_client']);
  });

  it('accepts both secrets for the grant check while a rotation is open', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, {
      kind: 'connected_app',
    });
    const nextSecret = local.stytch.startRotation(clientId);
    // Act
    const answers = await Promise.all([
      token(refresh(clientId, clientSecret)),
      token(refresh(clientId, nextSecret)),
    ]);
    // Assess
    expect(answers.map((answer) => answer.body.error)).toEqual(['invalid_grant', 'invalid_grant']);
  });

  it('answers 400 unsupported_grant_type to client_credentials and invalid_request to a missing token', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, {
      kind: 'connected_app',
    });
    const issuedBefore = local.stytch.tokensIssued;
    // Act
    const credentials = await token(clientCredentials(clientId, clientSecret));
    const missingToken = await token({ ...refresh(clientId, clientSecret), refresh_token: '' });
    const missingGrant = await token({ client_id: clientId, client_secret: clientSecret });
    // Assess
    expect([credentials.status, credentials.body.error]).toEqual([400, 'unsupported_grant_type']);
    expect([missingToken.status, missingToken.body.error]).toEqual([400, 'invalid_request']);
    expect([missingGrant.status, missingGrant.body.error]).toEqual([400, 'invalid_request']);
    expect(local.stytch.tokensIssued).toBe(issuedBefore);
  });

  it('answers invalid_grant even to a wrong secret when the grant is checked first', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, {
      kind: 'connected_app',
    });
    local.stytch.setTokenEndpointBehaviour('grant-before-client-auth');
    // Act
    const wrong = await token(refresh(clientId, `${clientSecret}x`));
    const right = await token(refresh(clientId, clientSecret));
    // Assess
    expect([wrong.status, wrong.body.error]).toEqual([400, 'invalid_grant']);
    expect([right.status, right.body.error]).toEqual([400, 'invalid_grant']);
  });

  it('answers a Stytch-native 404 idp_refresh_token_not_found in native-not-found mode', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, {
      kind: 'connected_app',
    });
    local.stytch.setTokenEndpointBehaviour('native-not-found');
    // Act
    const right = await token(refresh(clientId, clientSecret));
    const wrong = await token(refresh(clientId, `${clientSecret}x`));
    // Assess
    expect(right.status).toBe(404);
    expect(right.body).toMatchObject({
      status_code: 404,
      error_type: 'idp_refresh_token_not_found',
    });
    expect(right.body.request_id).toMatch(/^request-id-test-/);
    expect('error' in right.body).toBe(false);
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
  });

  it('treats a secret sent for a public Connected App as a failed authentication', async () => {
    // Prepare
    const { clientId } = local.stytch.createClient(local.projectId, {
      kind: 'connected_app',
      clientType: 'first_party_public',
    });
    // Act
    const withSecret = await token(refresh(clientId, 'anything'));
    const withoutSecret = await token({
      grant_type: 'refresh_token',
      refresh_token: 'bogus',
      client_id: clientId,
    });
    // Assess
    expect([withSecret.status, withSecret.body.error]).toEqual([401, 'invalid_client']);
    expect([withoutSecret.status, withoutSecret.body.error]).toEqual([400, 'invalid_grant']);
  });
});
