/**
 * A person's PutSecretValue after a rotation never wedges rotation and is never overwritten.
 * finishSecret removes AWSPENDING from the version it promotes; an AWSPENDING left on a version
 * older than AWSCURRENT (by an older release, or a rotation overtaken by an edit) is recognised as
 * stale and removed by whichever actor meets it, never taken for a live rotation.
 */
import {
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReconcileDriver } from '../reconcile/reconcile-driver.ts';
import { type ManagedClient, RotationWorld } from './rotation-world.ts';

const DELAY_SECONDS = 3600;

describe('a person’s PutSecretValue after a rotation', () => {
  let world: RotationWorld;
  let client: ManagedClient;
  let rotatedVersion: string;

  beforeEach(async () => {
    world = await RotationWorld.start({ completionDelaySeconds: DELAY_SECONDS });
    client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(DELAY_SECONDS * 1000);
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    rotatedVersion = currentVersion();
    world.clock.advance(60_000);
  });

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  function currentVersion(): string {
    return world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'))
      ?.versionId as string;
  }

  /** The person's edit: AWSCURRENT's value plus a key, stored with PutSecretValue's default stage. */
  async function editByHand(): Promise<string> {
    const current = world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'));
    const out = await world.sm.send(
      new PutSecretValueCommand({
        SecretId: client.secretArn,
        SecretString: JSON.stringify({ ...current?.value, region: 'eu-west-1' }),
      }),
    );
    return out.VersionId as string;
  }

  /** AWSPENDING put back on the promoted version, as an older release left it. */
  async function leaveStalePending(): Promise<void> {
    await world.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: client.secretArn,
        VersionStage: 'AWSPENDING',
        MoveToVersionId: rotatedVersion,
      }),
    );
  }

  it('finds no AWSPENDING on the promoted version, so the next rotation starts', async () => {
    // Assess: the rotation removed its AWSPENDING after the promotion
    const promoted = world.versions(client.secretArn).find((v) => v.versionId === rotatedVersion);
    expect(promoted?.stages).toEqual(['AWSCURRENT']);

    // Act: the overlap completes, a person edits the secret, then the next rotation
    world.clock.advance(DELAY_SECONDS * 1000);
    expect((await new ReconcileDriver(world).run()).attention).toBeUndefined();
    const edit = await editByHand();
    const outcome = await world.rotate(client.secretArn);

    // Assess: rotated from the edit, whose added key is kept
    expect(outcome.outcome).toBe('succeeded');
    const current = world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'));
    expect(current?.versionId).not.toBe(edit);
    expect(current?.value?.region).toBe('eu-west-1');
    world.expectInvariants(client);
  });

  it('has a stale AWSPENDING removed by the reconcile, reported as no drift and nothing abandoned', async () => {
    // Prepare
    await leaveStalePending();
    const edit = await editByHand();
    const reconcile = new ReconcileDriver(world);

    // Act
    const pass = await reconcile.run();

    // Assess
    expect(pass.attention).toBeUndefined();
    // The label, then the overlap's start mark for the edited AWSCURRENT (it restarts the count).
    expect(reconcile.writes()).toEqual(['store.removePending', 'store.tag']);
    expect(world.versions(client.secretArn).some((v) => v.stages.includes('AWSPENDING'))).toBe(
      false,
    );
    expect(currentVersion()).toBe(edit);
    world.clock.advance(DELAY_SECONDS * 1000);
    await reconcile.run();
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    expect(
      world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'))?.value?.region,
    ).toBe('eu-west-1');
    world.expectInvariants(client);
  });

  it('refuses a re-run of the stale rotation in its guard: label removed, edit kept, no Stytch call', async () => {
    // Prepare: during the open overlap, as in the report, then Secrets Manager re-runs that token
    await leaveStalePending();
    const edit = await editByHand();
    const stytchMark = world.cloud.stytch.requestLog.length;

    // Act
    await world.sm.send(
      new RotateSecretCommand({ SecretId: client.secretArn, ClientRequestToken: rotatedVersion }),
    );
    const outcome = await world.cloud.secretsManager.waitForRotation(
      client.secretArn,
      rotatedVersion,
    );

    // Assess
    expect(outcome.outcome).toBe('failed');
    const refusal = world.cloud.secretsManager.invocations.find(
      (i) => i.token === rotatedVersion && !i.ok,
    );
    expect(refusal?.step).toBe('createSecret');
    expect(refusal?.errorMessage).toContain('its AWSPENDING label is stale');
    expect(currentVersion()).toBe(edit);
    const current = world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'));
    expect(current?.value?.region).toBe('eu-west-1');
    expect(world.versions(client.secretArn).some((v) => v.stages.includes('AWSPENDING'))).toBe(
      false,
    );
    expect(world.cloud.stytch.requestLog.slice(stytchMark)).toEqual([]);
    world.expectInvariants(client);
  });
});
