import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../local/manual-clock.ts';
import { basicAuthorization } from '../../local/stytch/index.ts';
import { type TokenAnswer, useStytch } from './stytch.harness.ts';

const clock = new ManualClock(new Date('2026-03-01T12:00:00Z'));
const local = useStytch({ clock });
const { token } = local;

function m2mCredentials(clientId: string, clientSecret: string, scope?: string) {
  return {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    ...(scope === undefined ? {} : { scope }),
  };
}

function claimsOf(accessToken: string | undefined): Record<string, unknown> {
  const payload = accessToken?.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('the token endpoint for M2M clients', () => {
  it('issues a one-hour bearer token for client_credentials with a form body', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    const issuedBefore = local.stytch.tokensIssued;
    // Act
    const { status, headers, body } = await token(m2mCredentials(clientId, clientSecret));
    // Assess
    expect(status).toBe(200);
    // The token itself stays out of any failure message: assert on the rest of the answer.
    const { access_token: accessToken, ...rest } = body;
    expect(rest).toMatchObject({ token_type: 'bearer', expires_in: 3600, status_code: 200 });
    expect(body.request_id).toMatch(/^request-id-test-[0-9a-f-]{36}$/);
    expect(headers['cache-control']).toBe('no-store');
    expect(claimsOf(accessToken)).toMatchObject({
      sub: clientId,
      iss: `stytch.com/${local.projectId}`,
      scope: 'read:users write:users',
      iat: Date.parse('2026-03-01T12:00:00Z') / 1000,
      exp: Date.parse('2026-03-01T13:00:00Z') / 1000,
    });
    expect(local.stytch.tokensIssued).toBe(issuedBefore + 1);
  });

  it('accepts a JSON body the same way as a form body', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    // Act
    const { status, body } = await token(m2mCredentials(clientId, clientSecret), { json: true });
    // Assess
    expect(status).toBe(200);
    expect(body.token_type).toBe('bearer');
  });

  it('authenticates with client_secret_basic as well as client_secret_post', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    // Act
    const { status, body } = await token(
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization(clientId, clientSecret) },
    );
    // Assess
    expect(status).toBe(200);
    expect(claimsOf(body.access_token).sub).toBe(clientId);
  });

  it('answers 401 invalid_client for a wrong secret, an unknown client or another project, and issues no token', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    const otherProject = local.stytch.createProject().projectId;
    const issuedBefore = local.stytch.tokensIssued;
    // Act
    const answers = await Promise.all([
      token(m2mCredentials(clientId, `${clientSecret}x`)),
      token(m2mCredentials('m2m-client-test-unknown', clientSecret)),
      token(m2mCredentials(clientId, clientSecret), { project: otherProject }),
      token({ grant_type: 'client_credentials', client_id: clientId }),
      token({ grant_type: 'client_credentials' }),
    ]);
    // Assess
    for (const { status, body } of answers) {
      expect(status).toBe(401);
      expect(body).toMatchObject({ status_code: 401, error: 'invalid_client' });
      expect(body.request_id).toMatch(/^request-id-test-/);
      expect(typeof body.error_description).toBe('string');
      expect(typeof body.error_uri).toBe('string');
    }
    expect(local.stytch.tokensIssued).toBe(issuedBefore);
  });

  it('asks for Basic credentials again when client_secret_basic fails', async () => {
    // Prepare
    const { clientId } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    // Act
    const { status, headers } = await token(
      { grant_type: 'client_credentials' },
      { authorization: basicAuthorization(clientId, 'wrong') },
    );
    // Assess
    expect(status).toBe(401);
    expect(headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('accepts both secrets between rotate_start and rotate, then only the new one', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    const nextSecret = local.stytch.startRotation(clientId);
    // Act
    const during = await Promise.all([
      token(m2mCredentials(clientId, clientSecret)),
      token(m2mCredentials(clientId, nextSecret)),
    ]);
    local.stytch.completeRotation(clientId);
    const after = await Promise.all([
      token(m2mCredentials(clientId, clientSecret)),
      token(m2mCredentials(clientId, nextSecret)),
    ]);
    // Assess
    expect(during.map((answer) => answer.status)).toEqual([200, 200]);
    expect(after.map((answer) => answer.status)).toEqual([401, 200]);
  });

  it('stops accepting the next secret once the rotation is cancelled', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    const nextSecret = local.stytch.startRotation(clientId);
    // Act
    local.stytch.cancelRotation(clientId);
    const answers = await Promise.all([
      token(m2mCredentials(clientId, clientSecret)),
      token(m2mCredentials(clientId, nextSecret)),
    ]);
    // Assess
    expect(answers.map((answer) => answer.status)).toEqual([200, 401]);
  });

  it('grants a subset of the client scopes and answers 400 invalid_scope beyond them', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, {
      kind: 'm2m',
      scopes: ['read:users', 'write:users'],
    });
    // Act
    const subset = await token(m2mCredentials(clientId, clientSecret, 'read:users'));
    const beyond = await token(m2mCredentials(clientId, clientSecret, 'read:users admin:all'));
    // Assess
    expect(subset.status).toBe(200);
    expect(claimsOf(subset.body.access_token).scope).toBe('read:users');
    expect([beyond.status, beyond.body.error]).toEqual([400, 'invalid_scope']);
  });

  it('answers 400 unsupported_grant_type for a grant an M2M client cannot use', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    // Act
    const { status, body } = await token({
      ...m2mCredentials(clientId, clientSecret),
      grant_type: 'password',
    });
    // Assess
    expect([status, body.error]).toEqual([400, 'unsupported_grant_type']);
  });

  it('answers 400 invalid_request for an unreadable request', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, { kind: 'm2m' });
    const plain = await request(`${local.stytch.url}/v1/public/${local.projectId}/oauth2/token`, {
      method: 'POST',
      dispatcher: local.dispatcher,
      headers: { 'content-type': 'text/plain' },
      body: 'grant_type=client_credentials',
    });
    // Act
    const answers = await Promise.all([
      token({ client_id: clientId, client_secret: clientSecret }),
      token(m2mCredentials(clientId, clientSecret), {
        authorization: basicAuthorization(clientId, clientSecret),
      }),
    ]);
    const plainBody = (await plain.body.json()) as TokenAnswer;
    // Assess
    expect([plain.statusCode, plainBody.error]).toEqual([400, 'invalid_request']);
    for (const { status, body } of answers)
      expect([status, body.error]).toEqual([400, 'invalid_request']);
  });
});
