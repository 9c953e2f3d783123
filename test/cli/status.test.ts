import { afterEach, describe, expect, it } from 'vitest';
import type { StatusRow } from '../../bin/cli/commands/status.ts';
import { LiveWorld, type LiveWorld as World } from './live-world.ts';
import { lastFourOf, runCli, spawnCli } from './run-cli.ts';

describe('stytch-rotation status', () => {
  let world: World;

  afterEach(async () => {
    await world.close();
  });

  it('prints every managed secret as JSON a script can read, as a separate process', async () => {
    // Prepare
    world = await LiveWorld.start({ completionDelaySeconds: 0 });
    const m2m = await world.addClient('m2m');
    const app = await world.addClient('connected_app');
    expect((await world.rotate(m2m.secretArn)).outcome).toBe('succeeded');
    expect((await world.rotate(m2m.secretArn)).outcome).toBe('succeeded');

    // Act
    const run = await spawnCli(world, ['status', '--json']);

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as StatusRow[];
    const byName = new Map(rows.map((row) => [row.name, row]));
    const current = lastFourOf(world.secretAt(m2m.secretArn, 'AWSCURRENT'));
    expect(byName.get(m2m.name)).toMatchObject({
      clientId: m2m.clientId,
      kind: 'm2m_client',
      stytch: { current, next: null },
      overlapUntil: null,
      health: 'ok',
    });
    expect(byName.get(m2m.name)?.versions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stages: expect.arrayContaining(['AWSCURRENT']),
          lastFour: current,
        }),
        expect.objectContaining({
          stages: ['AWSPREVIOUS'],
          lastFour: lastFourOf(world.secretAt(m2m.secretArn, 'AWSPREVIOUS')),
        }),
      ]),
    );
    expect(byName.get(app.name)).toMatchObject({ kind: 'connected_app', health: 'not-rotated' });
  });

  it('shows an open overlap and until when it stays open, in a table', async () => {
    // Prepare
    world = await LiveWorld.start({ completionDelaySeconds: 3600 });
    const client = await world.addClient('m2m');
    const before = Date.now();
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');

    // Act
    const run = await runCli(world, ['status']);
    const json = await runCli(world, ['status', '--json']);

    // Assess
    expect(run.code).toBe(0);
    const [header, line] = run.stdout.split('\n');
    expect(header).toMatch(/^SECRET\s+CLIENT\s+VERSIONS.*OVERLAP UNTIL\s+HEALTH$/);
    expect(line).toContain(`${client.clientId} (M2M)`);
    expect(line).toContain(`CURRENT:${lastFourOf(world.secretAt(client.secretArn, 'AWSCURRENT'))}`);
    expect(line).toMatch(/\boverlap$/);
    const [row] = JSON.parse(json.stdout) as StatusRow[];
    const until = Date.parse(row?.overlapUntil ?? '');
    expect(until).toBeGreaterThanOrEqual(before + 3600_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it('exits 3 and says what to do when a secret drifted or a rotation is stuck', async () => {
    // Prepare: one client deleted at Stytch, one rotation failing in testSecret
    world = await LiveWorld.start({ completionDelaySeconds: 0 });
    const deleted = await world.addClient('m2m');
    const stuck = await world.addClient('m2m');
    expect((await world.rotate(deleted.secretArn)).outcome).toBe('succeeded');
    world.cloud.stytch.deleteClient(deleted.clientId);
    world.cloud.stytch.faults.add({
      operation: 'oauth2.token',
      nth: 1,
      times: 1_000,
      action: { kind: 'status', status: 500 },
    });
    expect((await world.rotate(stuck.secretArn)).outcome).toBe('failed');
    world.cloud.clearFaults();

    // Act
    const young = await runCli(world, ['status']);
    const old = await runCli(world, ['status', '--stuck-after-hours', '0.000001']);

    // Assess
    expect(young.code).toBe(3);
    expect(young.stdout).toContain(
      `${deleted.name}: drift: Stytch has no client ${deleted.clientId}`,
    );
    expect(young.stdout).toMatch(new RegExp(`${stuck.name}: rotating: `));
    expect(young.stdout).toContain(
      `${stuck.name}: the last attempt failed in testSecret: STYTCH_API`,
    );
    expect(old.code).toBe(3);
    expect(old.stdout).toContain(`${stuck.name}: stuck: the rotation of version`);
  });

  it('exits 2 for a flag that does not apply, before any call', async () => {
    // Prepare
    world = await LiveWorld.start({ completionDelaySeconds: 0 });

    // Act
    const run = await runCli(world, ['status', '--yes']);

    // Assess
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toBe('stytch-rotation: --yes does not apply to status (see --help)');
  });
});
