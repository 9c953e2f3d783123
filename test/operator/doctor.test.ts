/**
 * `stytch-rotation doctor` against the local Stytch: a sound project passes; bad credentials, a
 * missing client, a public client and an id of the wrong kind each fail with exit 3 and advice
 * naming what to change. The doctor never changes anything and never prints a secret.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type DoctorRun, DoctorWorld, findingOf } from './doctor-world.ts';

let world: DoctorWorld;

afterEach(async () => {
  expect(world.mutatingCalls()).toEqual([]);
  await world.close();
});

function expectNoSecretIn(run: DoctorRun): void {
  const printed = `${run.stdout}\n${run.stderr}`;
  const shown = world.knownSecrets.filter((secret) => printed.includes(secret)).length;
  expect(shown, 'secrets printed').toBe(0);
}

describe('doctor on a sound project', () => {
  it('passes every check it can make and exits 0', async () => {
    // Prepare
    world = await DoctorWorld.start();
    const app = world.addClient({ kind: 'connected_app' });
    const m2m = world.addClient({ kind: 'm2m' });

    // Act
    const run = await world.doctor(['--client', app.clientId, '--client', m2m.clientId]);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.findings.map((f) => `${f.check} ${f.verdict}`)).toEqual([
      'credentials ok',
      'stytch-auth ok',
      'client ok',
      'client ok',
      'token-endpoint skip',
      'probe-calibration ok',
      'probe-acceptance skip',
      'function-policy skip',
    ]);
    expect(findingOf(run, 'client', app.clientId)?.detail).toContain('confidential Connected App');
    expect(findingOf(run, 'client', m2m.clientId)?.detail).toContain('confidential M2M client');
    expect(findingOf(run, 'function-policy')?.detail).toMatch(/^cannot tell/);
    expectNoSecretIn(run);
  });

  it('prints one line per check without --json', async () => {
    // Prepare
    world = await DoctorWorld.start();
    const app = world.addClient({ kind: 'connected_app' });

    // Act
    const plain = await world.doctor(['--client', app.clientId], {}, { json: false });
    const json = await world.doctor(['--client', app.clientId]);

    // Assess: the same checks, one line each, led by the verdict
    const lines = plain.stdout.split('\n');
    expect(plain.code).toBe(0);
    expect(lines).toHaveLength(json.findings.length);
    lines.forEach((line, i) => {
      const finding = json.findings[i];
      expect(
        line.startsWith(
          `${finding?.verdict === 'ok' ? 'ok  ' : finding?.verdict}  ${finding?.check}`,
        ),
      ).toBe(true);
    });
    expectNoSecretIn(plain);
  });
});

describe('doctor on a broken setup', () => {
  it('fails on project credentials Stytch refuses, saying how to replace them', async () => {
    // Prepare
    world = await DoctorWorld.start();
    const app = world.addClient({ kind: 'connected_app' });
    world.breakCredentials();

    // Act
    const run = await world.doctor(['--client', app.clientId]);

    // Assess
    expect(run.code).toBe(3);
    const auth = findingOf(run, 'stytch-auth');
    expect(auth?.verdict).toBe('fail');
    expect(auth?.detail).toContain(
      'refused the project credentials (401 unauthorized_credentials)',
    );
    expect(auth?.advice).toContain('stytch-rotation credentials set');
    expect(findingOf(run, 'client')).toBeUndefined();
    expectNoSecretIn(run);
  });

  it('fails on a credentials parameter that does not exist', async () => {
    // Prepare
    world = await DoctorWorld.start();

    // Act
    const run = await world.doctor(['--credentials-parameter', '/no/such/parameter']);

    // Assess
    expect(run.code).toBe(3);
    const credentials = findingOf(run, 'credentials', '/no/such/parameter');
    expect(credentials?.verdict).toBe('fail');
    expect(credentials?.advice).toContain('credentials set');
  });

  it('fails on a client the project does not have', async () => {
    // Prepare
    world = await DoctorWorld.start();
    const missing = 'm2m-client-test-00000000-0000-4000-8000-000000000000';

    // Act
    const run = await world.doctor(['--client', missing]);

    // Assess
    expect(run.code).toBe(3);
    expect(findingOf(run, 'stytch-auth')?.verdict).toBe('ok');
    const client = findingOf(run, 'client', missing);
    expect(client?.verdict).toBe('fail');
    expect(client?.detail).toContain(
      'the project has no M2M client with this id (m2m_client_not_found)',
    );
    expect(client?.advice).toContain('check the id in cdk.json clients');
  });

  it('fails on a public Connected App, which has no secret to rotate', async () => {
    // Prepare
    world = await DoctorWorld.start();
    const app = world.addClient({ kind: 'connected_app', clientType: 'first_party_public' });

    // Act
    const run = await world.doctor(['--client', app.clientId]);

    // Assess
    expect(run.code).toBe(3);
    const client = findingOf(run, 'client', app.clientId);
    expect(client?.verdict).toBe('fail');
    expect(client?.detail).toContain('public Connected App (client_type first_party_public)');
    expect(client?.advice).toContain('remove it from cdk.json clients');
    expect(findingOf(run, 'probe-calibration')?.verdict).toBe('skip');
  });

  it('fails on an id whose prefix names the other kind, saying which kind the project holds', async () => {
    // Prepare: an M2M client whose id says Connected App
    world = await DoctorWorld.start();
    const mislabelled = 'connected-app-test-11111111-1111-4111-8111-111111111111';
    world.addClient({ kind: 'm2m', clientId: mislabelled });

    // Act
    const run = await world.doctor(['--client', mislabelled]);

    // Assess
    expect(run.code).toBe(3);
    const client = findingOf(run, 'client', mislabelled);
    expect(client?.verdict).toBe('fail');
    expect(client?.detail).toContain(
      'the id says Connected App, but the project holds it as an M2M client',
    );
    expect(client?.advice).toContain('M2M client ids start with "m2m-client-"');
  });

  it('fails on an id of no known kind', async () => {
    // Prepare
    world = await DoctorWorld.start();

    // Act
    const run = await world.doctor(['--client', 'client-123']);

    // Assess
    expect(run.code).toBe(3);
    expect(findingOf(run, 'client', 'client-123')?.detail).toContain('so no kind applies');
  });
});
