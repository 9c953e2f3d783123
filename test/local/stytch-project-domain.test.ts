import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { useStytch } from './stytch.harness.ts';

const local = useStytch();

async function post(url: string, body: Record<string, string>) {
  const answer = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    dispatcher: local.dispatcher,
  });
  return { status: answer.statusCode, body: (await answer.body.json()) as Record<string, unknown> };
}

describe("a project's domain on the local Stytch", () => {
  it('advertises its own token endpoint in its OpenID configuration', async () => {
    // Prepare
    const domain = local.stytch.projectDomain(local.projectId);
    // Act
    const answer = await request(`${domain}/.well-known/openid-configuration`, {
      dispatcher: local.dispatcher,
    });
    const configuration = (await answer.body.json()) as Record<string, unknown>;
    // Assess
    expect(answer.statusCode).toBe(200);
    expect(configuration).toMatchObject({
      issuer: domain,
      token_endpoint: `${domain}/v1/oauth2/token`,
    });
  });

  it('serves the token endpoint: a Connected App is authenticated there as on the public path', async () => {
    // Prepare
    const { clientId, clientSecret } = local.stytch.createClient(local.projectId, {
      kind: 'connected_app',
    });
    const tokenUrl = `${local.stytch.projectDomain(local.projectId)}/v1/oauth2/token`;
    const grant = { grant_type: 'refresh_token', refresh_token: 'bogus', client_id: clientId };
    // Act
    const good = await post(tokenUrl, { ...grant, client_secret: clientSecret });
    const wrong = await post(tokenUrl, { ...grant, client_secret: 'wrong-secret' });
    // Assess
    expect([good.status, good.body.error]).toEqual([400, 'invalid_grant']);
    expect([wrong.status, wrong.body.error]).toEqual([401, 'invalid_client']);
  });

  it('answers 404 for the domain of a project it does not hold', async () => {
    // Act
    const answer = await request(
      `${local.stytch.projectDomain('project-test-unknown')}/.well-known/openid-configuration`,
      { dispatcher: local.dispatcher },
    );
    await answer.body.dump();
    // Assess
    expect(answer.statusCode).toBe(404);
  });
});
