import { afterEach, describe, expect, it } from 'vitest';
import { LiveWorld } from './live-world.ts';
import { lastFourOf, runCli, spawnCli } from './run-cli.ts';

describe('stytch-rotation rotate', () => {
  let world: LiveWorld;

  afterEach(async () => {
    await world.close();
  });

  it('rotates now and exits 0 once the new version is AWSCURRENT, as a separate process', async () => {
    // Prepare
    world = await LiveWorld.start({ completionDelaySeconds: 0 });
    const client = await world.addClient('connected_app');

    // Act
    const run = await spawnCli(world, ['rotate', client.name]);

    // Assess
    const current = world.secretAt(client.secretArn, 'AWSCURRENT');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^rotate: started rotation [0-9a-f-]{36} of stytch\/live\//);
    expect(run.stdout).toContain(`is AWSCURRENT (secret last four ${lastFourOf(current)})`);
    expect(world.cloud.stytch.isValidSecret(client.clientId, current ?? '')).toBe(true);
  });

  it("shows the failed step's error while it waits, and exits 1 at the timeout", async () => {
    // Prepare: testSecret fails on every attempt
    world = await LiveWorld.start({ completionDelaySeconds: 0 });
    const client = await world.addClient('m2m');
    world.cloud.stytch.faults.add({
      operation: 'oauth2.token',
      nth: 1,
      times: 1_000,
      action: { kind: 'status', status: 500 },
    });

    // Act
    const run = await runCli(world, ['rotate', client.name, '--timeout', '2']);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/rotate: an attempt failed in testSecret: STYTCH_API: Stytch token/);
    expect(run.stderr).toMatch(
      /rotate: timed out after 2 s: .*\(last error: testSecret: STYTCH_API/,
    );
    expect(run.stderr).toContain(`stytch-rotation cancel ${client.name}`);
  });

  it('exits 4 when a rotation is already in progress', async () => {
    // Prepare
    world = await LiveWorld.start({ completionDelaySeconds: 0, maxAttempts: 1 });
    const client = await world.addClient('m2m');
    world.cloud.stytch.faults.add({
      operation: 'm2m.get',
      nth: 1,
      times: 1_000,
      action: { kind: 'status', status: 500 },
    });
    expect((await world.rotate(client.secretArn)).outcome).toBe('failed');

    // Act
    const run = await runCli(world, ['rotate', client.name]);

    // Assess
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/already has a rotation in progress/);
  });

  it('exits 4 with the due time when the rotation is deferred by an open overlap', async () => {
    // Prepare
    world = await LiveWorld.start({ completionDelaySeconds: 3600 });
    const client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');

    // Act
    const run = await runCli(world, ['rotate', client.name]);

    // Assess
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(
      /rotate: deferred: .* until \d{4}-\d\d-\d\dT.*OVERLAP_OPEN.*stytch-rotation complete/,
    );
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);
    const status = await runCli(world, ['status']);
    expect(status.stdout).toMatch(/overlap: .*was deferred by the open overlap \(OVERLAP_OPEN\)/);
  });

  it('exits 1 at once when the rotation is abandoned while it waits', async () => {
    // Prepare: the rotation fails until someone cancels it
    world = await LiveWorld.start({ completionDelaySeconds: 0 });
    const client = await world.addClient('m2m');
    world.cloud.stytch.faults.add({
      operation: 'oauth2.token',
      nth: 1,
      times: 1_000,
      action: { kind: 'status', status: 500 },
    });
    const rotation = runCli(world, ['rotate', client.name, '--timeout', '60']);
    while (!world.cloud.secretsManager.events.some((e) => e.type === 'RotationFailed')) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    world.cloud.clearFaults();

    // Act
    const cancel = await runCli(world, ['cancel', client.name, '--yes']);
    const run = await rotation;

    // Assess
    expect(cancel.code).toBe(0);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/the rotation was abandoned: version .* is no longer AWSPENDING/);
  });

  it('refuses a secret that does not carry the managed tag', async () => {
    // Prepare
    world = await LiveWorld.start({ completionDelaySeconds: 0 });
    const client = await world.addClient('m2m');

    // Act
    const run = await runCli(world, [
      'rotate',
      client.name,
      '--tag',
      'stytch-secret-rotation=other',
    ]);

    // Assess
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(
      'is not a managed secret: it has no tag stytch-secret-rotation=other',
    );
    expect(world.cloud.secretsManager.events).toEqual([]);
  });
});
