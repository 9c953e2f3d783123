/**
 * The reconcile decides from ListSecrets alone which secrets to touch: the states that need a full
 * look (a pending version, a stale AWSPENDING, a last-error tag, a deferred rotation) and a secret
 * that was never rotated. Each test runs one pass at the default audit period and checks the calls
 * aimed at the secret and its client: which are made, and which are not.
 */
import {
  PutSecretValueCommand,
  TagResourceCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { redriveTokenFor } from '../../lambda/reconcile/deferred-rotation.ts';
import { DEFERRED_TAG, LAST_ERROR_TAG } from '../../lambda/reconcile/tags.ts';
import { ListingScenario } from './listing-scenario.ts';

const DEFERRED_TOKEN = 'a1b2c3d4-0000-4000-8000-000000000000';

describe('the reconcile decides from the listing: secrets that need a full look', () => {
  let s: ListingScenario;

  afterEach(async () => {
    await s.close();
  });

  it('a pending version: looked at in full, left alone while young', async () => {
    // Prepare: a rotation started whose steps have not run
    s = await ListingScenario.settled(1);
    const { world, client } = s;
    await world.recordRotationEvent(client.secretArn);
    s.moveToAuditTurn(client, false);

    // Act
    const pass = await s.reconcile.run();

    // Assess
    expect(pass.attention).toBeUndefined();
    expect(s.callsFor(client).sort()).toEqual([
      'store.describe',
      'store.listVersions',
      'store.readValue',
      'store.readValue',
      'store.readValue',
      'stytch.getClient',
    ]);
    expect(s.reconcile.writes()).toEqual([]);
  });

  it('a stale AWSPENDING on an older version: looked at in full, only the label removed', async () => {
    // Prepare: AWSPENDING left on the promoted version (as an older release did), then a person's
    // PutSecretValue moves AWSCURRENT on, so the label sits on AWSPREVIOUS
    s = await ListingScenario.empty(0);
    const { world } = s;
    const client = await world.addClient('m2m');
    s.clients.push(client);
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    const promoted = world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'));
    await world.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: client.secretArn,
        VersionStage: 'AWSPENDING',
        MoveToVersionId: promoted?.versionId,
      }),
    );
    world.clock.advance(60_000);
    await world.sm.send(
      new PutSecretValueCommand({
        SecretId: client.secretArn,
        SecretString: JSON.stringify({ ...promoted?.value, note: 'edited' }),
      }),
    );
    const stale = world
      .versions(client.secretArn)
      .find((v) => v.stages.includes('AWSPENDING') && v.stages.includes('AWSPREVIOUS'));
    expect(stale).toBeDefined();
    s.freshReconcile();
    s.moveToAuditTurn(client, false);

    // Act
    const pass = await s.reconcile.run();

    // Assess: the label goes, the edited AWSCURRENT is recorded settled, nothing moves at Stytch
    expect(pass.attention).toBeUndefined();
    const calls = s.callsFor(client);
    expect(calls).toEqual(expect.arrayContaining(['store.listVersions', 'stytch.getClient']));
    expect(calls.filter((c) => /^stytch\.rotate/.test(c))).toEqual([]);
    expect(s.reconcile.writes()).toEqual(['store.removePending', 'store.tag']);
    expect(world.versions(client.secretArn).some((v) => v.stages.includes('AWSPENDING'))).toBe(
      false,
    );
  });

  it('a last-error tag of a rotation that is gone: looked at in full, then the tag is removed', async () => {
    // Prepare
    s = await ListingScenario.settled(1);
    const { world, client } = s;
    const token = 'a1b2c3d4-0000-4000-8000-000000000000';
    await world.sm.send(
      new TagResourceCommand({
        SecretId: client.secretArn,
        Tags: [{ Key: LAST_ERROR_TAG, Value: `${token} setSecret STYTCH_NOT_STAGED: gone` }],
      }),
    );
    s.moveToAuditTurn(client, false);

    // Act
    await s.reconcile.run();
    const first = s.callsFor(client);
    s.reconcile.resetCalls();
    await s.reconcile.run();

    // Assess
    expect(first).toEqual(
      expect.arrayContaining(['store.readValue', 'stytch.getClient', 'store.untag']),
    );
    expect(first.filter((c) => c === 'store.readValue')).toHaveLength(2);
    expect(world.cloud.secretsManager.inspect(client.secretArn).tags).not.toHaveProperty(
      LAST_ERROR_TAG,
    );
    expect(s.callsFor(client)).toEqual([]);
  });

  it('a deferred rotation whose overlap is complete: re-driven and the tag removed', async () => {
    // Prepare
    s = await ListingScenario.settled(1);
    const { world, client } = s;
    await world.sm.send(
      new TagResourceCommand({
        SecretId: client.secretArn,
        Tags: [{ Key: DEFERRED_TAG, Value: `${DEFERRED_TOKEN}@2026-01-01T00:00:00.000Z` }],
      }),
    );
    s.moveToAuditTurn(client, false);

    // Act
    const pass = await s.reconcile.run();
    await world.cloud.secretsManager.idle();

    // Assess: looked at in full, then RotateSecret and the tag removed; the rotation ran
    expect(pass.attention).toBeUndefined();
    expect(s.callsFor(client)).toEqual(
      expect.arrayContaining(['store.readValue', 'store.startRotation', 'store.untag']),
    );
    expect(s.callsFor(client).filter((c) => /^stytch\.rotate/.test(c))).toEqual([]);
    expect(world.cloud.secretsManager.inspect(client.secretArn).tags).not.toHaveProperty(
      DEFERRED_TAG,
    );
    expect(s.versionWith(client, 'AWSCURRENT')).toBe(redriveTokenFor(DEFERRED_TOKEN));
  });

  it('a deferred rotation whose overlap is open and not yet due: not touched', async () => {
    // Prepare
    s = await ListingScenario.settled(1);
    const { world, client } = s;
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    await world.sm.send(
      new TagResourceCommand({
        SecretId: client.secretArn,
        Tags: [{ Key: DEFERRED_TAG, Value: `${DEFERRED_TOKEN}@2026-01-01T03:00:00.000Z` }],
      }),
    );
    world.clock.advance(20 * 60_000);
    s.moveToAuditTurn(client, false);

    // Act
    await s.reconcile.run();

    // Assess
    expect(s.callsFor(client)).toEqual([]);
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);
  });

  it('never rotated: the first rotation is started, without reading Stytch twice', async () => {
    // Prepare
    s = await ListingScenario.empty();
    const { world } = s;
    const client = await world.addClient('m2m');
    s.clients.push(client);
    s.moveToAuditTurn(client, false);

    // Act
    const pass = await s.reconcile.run();
    await world.cloud.secretsManager.waitForRotation(client.secretArn);

    // Assess
    expect(pass.attention).toBeUndefined();
    expect(s.callsFor(client)).toEqual([
      'store.readValue',
      'stytch.getClient',
      'store.describe',
      'store.startRotation',
    ]);
    expect(world.secretAt(client.secretArn, 'AWSCURRENT')).toBeDefined();
    expect(world.currentAuthenticates(client)).toBe(true);
    expect(s.reconcile.metrics.totals.RotationsBootstrapped).toBe(1);
  });
});
