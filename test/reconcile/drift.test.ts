import { afterEach, describe, expect, it } from 'vitest';
import { OVERLAP_COMPLETED_TAG } from '../../lambda/reconcile/tags.ts';
import { CREDENTIALS_PARAMETER, type ManagedClient, RotationWorld } from '../e2e/rotation-world.ts';
import { ReconcileDriver } from './reconcile-driver.ts';

describe('the reconcile reports drift it cannot fix', () => {
  let world: RotationWorld;

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  async function rotatedClients(count: number): Promise<ManagedClient[]> {
    world = await RotationWorld.start({ completionDelaySeconds: 0 });
    const clients: ManagedClient[] = [];
    for (let i = 0; i < count; i++) {
      const client = await world.addClient(i % 2 === 0 ? 'm2m' : 'connected_app');
      expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
      clients.push(client);
    }
    return clients;
  }

  it('when the client was deleted at Stytch, saying how to fix it, and changes nothing', async () => {
    // Prepare
    const [deleted, healthy] = await rotatedClients(2);
    world.cloud.stytch.deleteClient(deleted?.clientId ?? '');
    const reconcile = new ReconcileDriver(world);

    // Act
    const pass = await reconcile.run();

    // Assess
    expect(pass.attention?.findings).toEqual([
      expect.objectContaining({ kind: 'drift', secret: `stytch/e2e/${deleted?.clientId}` }),
    ]);
    expect(pass.attention?.message).toMatch(/Stytch has no client .*create the client again/);
    // Only the healthy secret's bookkeeping: its overlap recorded complete.
    expect(reconcile.writes()).toEqual(['store.tag']);
    expect(world.cloud.secretsManager.inspect(deleted?.secretArn ?? '').tags).not.toHaveProperty(
      OVERLAP_COMPLETED_TAG,
    );
    expect(reconcile.metrics.totals).toMatchObject({
      DriftDetected: 1,
      SecretsInspected: 2,
      SecretsNeedingAttention: 1,
    });
    world.expectInvariants(healthy as ManagedClient);
  });

  it("when Stytch's current secret is none of the stored ones", async () => {
    // Prepare: rotated and completed behind the store's back
    const [client] = (await rotatedClients(1)) as [ManagedClient];
    world.cloud.stytch.startRotation(client.clientId);
    world.cloud.stytch.completeRotation(client.clientId);
    const reconcile = new ReconcileDriver(world);

    // Act
    const pass = await reconcile.run();

    // Assess
    expect(pass.attention?.findings.map((f) => f.kind)).toEqual(['drift']);
    expect(pass.attention?.message).toContain('which no stored version holds');
    expect(pass.attention?.message).toContain(
      `stytch-rotation rotate stytch/e2e/${client.clientId}`,
    );
    expect(reconcile.writes()).toEqual([]);
  });

  it('when the project credentials are refused, once for all secrets', async () => {
    // Prepare
    await rotatedClients(3);
    world.cloud.ssm.putParameter({
      name: CREDENTIALS_PARAMETER,
      type: 'SecureString',
      value: JSON.stringify({
        project_id: world.projectId,
        secret: 'secret-test-wrong-wrong-wrong',
      }),
      overwrite: true,
    });
    const reconcile = new ReconcileDriver(world);

    // Act
    const pass = await reconcile.run();

    // Assess
    expect(pass.attention?.findings.map((f) => f.kind)).toEqual(['drift']);
    expect(pass.attention?.message).toContain('stytch-rotation credentials set');
    expect(reconcile.writes()).toEqual([]);
  });
});

describe('the reconcile discards a stray next secret', () => {
  let world: RotationWorld;

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  it('that no version holds, when no rotation is running, without failing the pass', async () => {
    // Prepare: someone called rotate_start outside the function
    world = await RotationWorld.start({ completionDelaySeconds: 0 });
    const client = await world.addClient('connected_app');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.knownSecrets.push(world.cloud.stytch.startRotation(client.clientId));
    const reconcile = new ReconcileDriver(world);

    // Act
    const pass = await reconcile.run();

    // Assess
    expect(pass.attention).toBeUndefined();
    expect(reconcile.writes()).toEqual(['stytch.rotateCancel']);
    expect(reconcile.metrics.totals.StraySecretsDiscarded).toBe(1);
    world.expectInvariants(client);
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
  });
});
