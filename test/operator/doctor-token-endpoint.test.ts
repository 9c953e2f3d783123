/**
 * The doctor's token-endpoint checks in each of the local Stytch's three readings of a Connected
 * App's bogus grant, and with a project domain: a wrong secret must get invalid_client, and the
 * stored secret's answer must be one STYTCH_PROBE_ACCEPTED_ERRORS accepts; otherwise the finding
 * names the setting to change. These are the answers testSecret would act on at rotation time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DoctorWorld, findingOf } from './doctor-world.ts';

let world: DoctorWorld;

afterEach(async () => {
  expect(world.mutatingCalls()).toEqual([]);
  await world.close();
});

/** A world in `behaviour` with one Connected App whose working secret a managed secret holds. */
async function connectedAppWorld(behaviour: Parameters<typeof DoctorWorld.start>[0]) {
  world = await DoctorWorld.start(behaviour);
  const app = world.addClient({ kind: 'connected_app' });
  await world.storeSecret(app.clientId, app.clientSecret ?? '');
  return app.clientId;
}

describe('rfc6749: the client is checked before the grant', () => {
  it('calibrates, and accepts the stored secret', async () => {
    // Prepare
    const clientId = await connectedAppWorld('rfc6749');

    // Act
    const run = await world.doctor(['--client', clientId]);

    // Assess
    expect(run.code, JSON.stringify(run.findings)).toBe(0);
    expect(findingOf(run, 'probe-calibration')?.detail).toContain('got HTTP 401 invalid_client');
    const acceptance = findingOf(run, 'probe-acceptance', clientId);
    expect(acceptance?.verdict).toBe('ok');
    expect(acceptance?.detail).toContain('passed client authentication (HTTP 400 invalid_grant');
  });
});

describe('grant-before-client-auth: a wrong secret gets invalid_grant', () => {
  it('fails calibration and says to set the project domain', async () => {
    // Prepare
    const clientId = await connectedAppWorld('grant-before-client-auth');

    // Act
    const run = await world.doctor(['--client', clientId]);

    // Assess
    expect(run.code).toBe(3);
    const calibration = findingOf(run, 'probe-calibration');
    expect(calibration?.verdict).toBe('fail');
    expect(calibration?.detail).toMatch(
      /got HTTP 400 invalid_grant \(request [^)]+\), not invalid_client/,
    );
    expect(calibration?.detail).toContain('checks the grant before the client');
    expect(calibration?.advice).toContain(
      "set projectDomain in cdk.json (the function's STYTCH_PROJECT_DOMAIN)",
    );
    expect(findingOf(run, 'probe-acceptance')).toBeUndefined();
  });

  it('with the project domain already set, says to point STYTCH_TOKEN_URL elsewhere', async () => {
    // Prepare
    const clientId = await connectedAppWorld('grant-before-client-auth');

    // Act
    const run = await world.doctor(['--client', clientId, '--project-domain', world.domainOf()]);

    // Assess
    expect(run.code).toBe(3);
    expect(findingOf(run, 'token-endpoint')?.verdict).toBe('ok');
    const calibration = findingOf(run, 'probe-calibration');
    expect(calibration?.subject).toBe(`${world.domainOf()}/v1/oauth2/token`);
    expect(calibration?.advice).toContain(
      "the project domain's endpoint cannot be probed either: set STYTCH_TOKEN_URL",
    );
  });
});

describe('native-not-found: a bogus refresh token gets 404 idp_refresh_token_not_found', () => {
  it('calibrates, but says to add the answer to STYTCH_PROBE_ACCEPTED_ERRORS', async () => {
    // Prepare
    const clientId = await connectedAppWorld('native-not-found');

    // Act
    const run = await world.doctor(['--client', clientId]);

    // Assess
    expect(run.code).toBe(3);
    expect(findingOf(run, 'probe-calibration')?.verdict).toBe('ok');
    const acceptance = findingOf(run, 'probe-acceptance', clientId);
    expect(acceptance?.verdict).toBe('fail');
    expect(acceptance?.detail).toContain('HTTP 404 idp_refresh_token_not_found');
    expect(acceptance?.advice).toBe(
      `add "idp_refresh_token_not_found" to the function's STYTCH_PROBE_ACCEPTED_ERRORS (now invalid_grant)`,
    );
  });

  it('passes once STYTCH_PROBE_ACCEPTED_ERRORS holds that answer', async () => {
    // Prepare
    const clientId = await connectedAppWorld('native-not-found');

    // Act
    const run = await world.doctor(['--client', clientId], {
      STYTCH_PROBE_ACCEPTED_ERRORS: 'invalid_grant,idp_refresh_token_not_found',
    });

    // Assess
    expect(run.code, JSON.stringify(run.findings)).toBe(0);
    expect(findingOf(run, 'probe-acceptance', clientId)?.verdict).toBe('ok');
  });
});

describe('a project domain', () => {
  it("is checked against its OpenID configuration, and the probe runs at the domain's endpoint", async () => {
    // Prepare
    const clientId = await connectedAppWorld('rfc6749');

    // Act
    const run = await world.doctor(['--client', clientId], {
      STYTCH_PROJECT_DOMAIN: world.domainOf(),
    });

    // Assess
    expect(run.code, JSON.stringify(run.findings)).toBe(0);
    const endpoint = findingOf(run, 'token-endpoint');
    expect(endpoint?.subject).toBe(`${world.domainOf()}/.well-known/openid-configuration`);
    expect(endpoint?.detail).toBe(
      `advertises ${world.domainOf()}/v1/oauth2/token, the endpoint Connected Apps use`,
    );
    expect(findingOf(run, 'probe-calibration')?.subject).toBe(
      `${world.domainOf()}/v1/oauth2/token`,
    );
  });

  it('that publishes no OpenID configuration fails, naming the setting', async () => {
    // Prepare
    const clientId = await connectedAppWorld('rfc6749');
    const wrongDomain = world.domainOf('project-test-not-this-one');

    // Act
    const run = await world.doctor(['--client', clientId, '--project-domain', wrongDomain]);

    // Assess
    expect(run.code).toBe(3);
    const endpoint = findingOf(run, 'token-endpoint');
    expect(endpoint?.verdict).toBe('fail');
    expect(endpoint?.detail).toContain('no OpenID configuration there (HTTP 404)');
    expect(endpoint?.advice).toContain(
      `check projectDomain (STYTCH_PROJECT_DOMAIN), now ${wrongDomain}`,
    );
  });

  it('whose advertised endpoint STYTCH_TOKEN_URL overrides fails, saying to unset it', async () => {
    // Prepare
    const clientId = await connectedAppWorld('rfc6749');
    const publicForm = `${world.cloud.stytch.url}/v1/public/${world.projectId}/oauth2/token`;

    // Act
    const run = await world.doctor(['--client', clientId, '--project-domain', world.domainOf()], {
      STYTCH_TOKEN_URL: publicForm,
    });

    // Assess
    expect(run.code).toBe(3);
    expect(findingOf(run, 'token-endpoint')?.advice).toBe(
      `STYTCH_TOKEN_URL overrides the project domain: unset it, or set it to ${world.domainOf()}/v1/oauth2/token`,
    );
  });
});
