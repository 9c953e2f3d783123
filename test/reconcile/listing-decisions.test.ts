/**
 * The reconcile decides from ListSecrets alone which secrets to touch: an idle secret, its audit
 * turn, and its overlap before and after it falls due. Each test runs one pass at the default audit
 * period and checks the calls aimed at the secret and its client: which are made, and which are not.
 */
import { UntagResourceCommand } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { OVERLAP_COMPLETED_TAG, OVERLAP_SINCE_TAG } from '../../lambda/reconcile/tags.ts';
import type { ManagedClient } from '../e2e/rotation-world.ts';
import { DELAY_SECONDS, ListingScenario } from './listing-scenario.ts';

describe('the reconcile decides from the listing: idle secrets and overlaps', () => {
  let s: ListingScenario;

  afterEach(async () => {
    await s.close();
  });

  it('idle, outside its audit turn: only the listing, no value read', async () => {
    // Prepare
    s = await ListingScenario.settled(1);
    const { client } = s;
    s.moveToAuditTurn(client, false);
    const listed = s.listSecretsCalls();

    // Act
    const pass = await s.reconcile.run();

    // Assess
    expect(pass.attention).toBeUndefined();
    expect(s.listSecretsCalls() - listed).toBe(1);
    expect(s.callsFor(client)).toEqual([]);
    expect(s.reconcile.metrics.totals).toMatchObject({
      SecretsListed: 1,
      SecretsInspected: 0,
      SecretsAudited: 0,
    });
  });

  it('in its audit turn: every stored value and Stytch are compared, nothing is written', async () => {
    // Prepare
    s = await ListingScenario.settled(2);
    const [audited, other] = s.clients as [ManagedClient, ManagedClient];
    s.moveToAuditTurn(audited, true);
    const otherInTurn = s.inAuditTurn(other);

    // Act
    await s.reconcile.run();

    // Assess: AWSCURRENT and AWSPREVIOUS read, Stytch read once, no write
    expect(s.callsFor(audited).sort()).toEqual([
      'store.describe',
      'store.readValue',
      'store.readValue',
      'stytch.getClient',
    ]);
    expect(otherInTurn).toBe(false);
    expect(s.callsFor(other)).toEqual([]);
    expect(s.reconcile.writes()).toEqual([]);
  });

  it('an overlap not yet due: not touched', async () => {
    // Prepare
    s = await ListingScenario.settled(1);
    const { world, client } = s;
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    // A client's turn is one slot in 96: at most one interval is skipped, so the pass stays at
    // least 5 minutes before the due time.
    world.clock.advance(DELAY_SECONDS * 1000 - 20 * 60_000);
    s.moveToAuditTurn(client, false);

    // Act
    await s.reconcile.run();

    // Assess
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);
    expect(s.callsFor(client)).toEqual([]);
  });

  it("a due overlap: completed and recorded, reading only AWSCURRENT's value", async () => {
    // Prepare
    s = await ListingScenario.settled(1);
    const { world, client } = s;
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(DELAY_SECONDS * 1000);
    s.moveToAuditTurn(client, false);

    // Act
    const first = await s.reconcile.run();
    const afterFirst = s.callsFor(client);
    const readFirst = s.valuesRead(client);
    s.reconcile.resetCalls();
    const second = await s.reconcile.run();

    // Assess: no DescribeSecret before the move's own re-check; AWSPREVIOUS never read; the next
    // pass, seeing the record in the listing, touches nothing
    expect([first.attention, second.attention]).toEqual([undefined, undefined]);
    expect(afterFirst).toEqual([
      'store.readValue',
      'stytch.getClient',
      'store.describe',
      'stytch.getClient',
      'stytch.rotate',
      'store.tag',
    ]);
    expect(readFirst).toEqual([s.versionWith(client, 'AWSCURRENT')]);
    expect(s.callsFor(client)).toEqual([]);
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    world.expectInvariants(client);
  });

  it('a due overlap a rotation reaches first: the move re-checks and leaves it to the rotation', async () => {
    // Prepare: a rotation starts between the pass's look (from the listing) and its move
    s = await ListingScenario.settled(1);
    const { world, client } = s;
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(DELAY_SECONDS * 1000);
    s.moveToAuditTurn(client, false);
    s.reconcile.beforeCall = async (call, nth) => {
      if (call === 'store.describe' && nth === 1) await world.recordRotationEvent(client.secretArn);
    };

    // Act
    const pass = await s.reconcile.run();

    // Assess: nothing written; both secrets still valid for the rotation's createSecret to settle
    expect(pass.attention).toBeUndefined();
    expect(s.reconcile.writes()).toEqual([]);
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);
  });

  it('a crash between completing and recording is harmless: the next pass records it', async () => {
    // Prepare: the record's TagResource fails once
    s = await ListingScenario.settled(1);
    const { world, client } = s;
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(DELAY_SECONDS * 1000);
    s.moveToAuditTurn(client, false);
    world.cloud.clearFaults();
    world.cloud.secretsManager.faults.add({
      operation: 'TagResource',
      nth: 1,
      times: 10,
      action: { kind: 'status', status: 500 },
    });

    // Act
    const failed = await s.reconcile.run();
    world.cloud.clearFaults();
    s.reconcile.resetCalls();
    const next = await s.reconcile.run();

    // Assess: the first pass completed at Stytch but could not record it; the next one sees it
    // complete at its first look, moves nothing at Stytch, and records it
    expect(failed.attention?.findings.map((f) => f.kind)).toEqual(['error']);
    expect(next.attention).toBeUndefined();
    expect(s.callsFor(client)).toEqual(['store.readValue', 'stytch.getClient', 'store.tag']);
    expect(
      world.cloud.secretsManager.inspect(client.secretArn).tags[OVERLAP_COMPLETED_TAG],
    ).toMatch(new RegExp(`^${s.versionWith(client, 'AWSCURRENT')}@`));
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    world.expectInvariants(client);
  });

  it('a promotion with no overlap mark: marked, reading only AWSCURRENT', async () => {
    // Prepare: the mark lost, as after a crash between the promotion and the tag
    s = await ListingScenario.settled(1);
    const { world, client } = s;
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    await world.sm.send(
      new UntagResourceCommand({ SecretId: client.secretArn, TagKeys: [OVERLAP_SINCE_TAG] }),
    );
    s.moveToAuditTurn(client, false);

    // Act
    await s.reconcile.run();

    // Assess
    expect(s.callsFor(client)).toEqual([
      'store.readValue',
      'stytch.getClient',
      'store.describe',
      'store.tag',
    ]);
    expect(s.valuesRead(client)).toEqual([s.versionWith(client, 'AWSCURRENT')]);
    expect(world.cloud.secretsManager.inspect(client.secretArn).tags[OVERLAP_SINCE_TAG]).toMatch(
      new RegExp(`^${s.versionWith(client, 'AWSCURRENT')}@`),
    );
  });
});
