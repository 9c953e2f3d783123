/**
 * The reconcile decides from ListSecrets alone which secrets to touch. For each state the listing
 * can show, one pass at the default audit period (24 h, so a secret's audit turn comes once a day)
 * and the calls it aims at that secret and its client: which are made, and which are not.
 */
import {
  PutSecretValueCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it } from 'vitest';
import { auditSlice, auditSlot } from '../../lambda/reconcile/audit-slice.ts';
import {
  DEFERRED_TAG,
  LAST_ERROR_TAG,
  OVERLAP_COMPLETED_TAG,
  OVERLAP_SINCE_TAG,
} from '../../lambda/reconcile/tags.ts';
import { type ManagedClient, RotationWorld } from '../e2e/rotation-world.ts';
import { ReconcileDriver } from './reconcile-driver.ts';

const DELAY_SECONDS = 3600;
const INTERVAL_MS = 15 * 60_000;
const AUDIT = { intervalMs: INTERVAL_MS, periodMs: 24 * 3_600_000 };
/** The reconcile's settings for these tests: the defaults. */
const DEFAULTS = { STYTCH_RECONCILE_AUDIT_HOURS: '24', STYTCH_RECONCILE_INTERVAL_MINUTES: '15' };

describe('the reconcile decides from the listing', () => {
  let world: RotationWorld;
  let clients: ManagedClient[];
  let reconcile: ReconcileDriver;

  afterEach(async () => {
    world.expectNoSecretsLogged();
    await world.close();
  });

  /** `count` clients rotated once, their bootstrap overlaps completed and recorded. */
  async function settledClients(count: number): Promise<ManagedClient[]> {
    world = await RotationWorld.start({ completionDelaySeconds: DELAY_SECONDS });
    clients = [];
    for (let i = 0; i < count; i++) {
      const client = await world.addClient(i % 2 === 0 ? 'm2m' : 'connected_app');
      expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
      clients.push(client);
    }
    world.clock.advance(DELAY_SECONDS * 1000);
    // Audits everything once (one slot per period), which records every completed overlap.
    await new ReconcileDriver(world).run();
    for (const client of clients) {
      expect(world.cloud.secretsManager.inspect(client.secretArn).tags).toHaveProperty(
        OVERLAP_COMPLETED_TAG,
      );
    }
    reconcile = new ReconcileDriver(world, DEFAULTS);
    return clients;
  }

  /** Moves the clock on, an interval at a time, until `client`'s audit turn is (not) this slot. */
  function moveToAuditTurn(client: ManagedClient, wanted: boolean): void {
    const arns = clients.map((c) => c.secretArn);
    for (let i = 0; i < 200; i++) {
      const slice = auditSlice(arns, auditSlot(world.clock.now(), AUDIT), AUDIT);
      if (slice.has(client.secretArn) === wanted) return;
      world.clock.advance(INTERVAL_MS);
    }
    throw new Error('no such slot');
  }

  const callsFor = (client: ManagedClient) => reconcile.callsFor(client.secretArn, client.clientId);
  const valuesRead = (client: ManagedClient) =>
    reconcile.aimed
      .filter((c) => c.call === 'store.readValue' && c.target === client.secretArn)
      .map((c) => c.version);
  const versionWith = (client: ManagedClient, stage: string) =>
    world.versions(client.secretArn).find((v) => v.stages.includes(stage))?.versionId;
  const listSecretsCalls = () =>
    world.cloud.secretsManager.requestLog.filter((e) => e.operation === 'ListSecrets').length;

  it('idle, outside its audit turn: only the listing, no value read', async () => {
    // Prepare
    const [client] = (await settledClients(1)) as [ManagedClient];
    moveToAuditTurn(client, false);
    const listed = listSecretsCalls();

    // Act
    const pass = await reconcile.run();

    // Assess
    expect(pass.attention).toBeUndefined();
    expect(listSecretsCalls() - listed).toBe(1);
    expect(callsFor(client)).toEqual([]);
  });

  it('in its audit turn: every stored value and Stytch are compared, nothing is written', async () => {
    // Prepare
    const [audited, other] = (await settledClients(2)) as [ManagedClient, ManagedClient];
    moveToAuditTurn(audited, true);
    const otherInTurn = auditSlice(
      clients.map((c) => c.secretArn),
      auditSlot(world.clock.now(), AUDIT),
      AUDIT,
    ).has(other.secretArn);

    // Act
    await reconcile.run();

    // Assess: AWSCURRENT and AWSPREVIOUS read, Stytch read once, no write
    expect(callsFor(audited).sort()).toEqual([
      'store.describe',
      'store.readValue',
      'store.readValue',
      'stytch.getClient',
    ]);
    expect(otherInTurn).toBe(false);
    expect(callsFor(other)).toEqual([]);
    expect(reconcile.writes()).toEqual([]);
  });

  it('an overlap not yet due: not touched', async () => {
    // Prepare
    const [client] = (await settledClients(1)) as [ManagedClient];
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    // A client's turn is one slot in 96: at most one interval is skipped, so the pass stays at
    // least 5 minutes before the due time.
    world.clock.advance(DELAY_SECONDS * 1000 - 20 * 60_000);
    moveToAuditTurn(client, false);

    // Act
    await reconcile.run();

    // Assess
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);
    expect(callsFor(client)).toEqual([]);
  });

  it("a due overlap: completed and recorded, reading only AWSCURRENT's value", async () => {
    // Prepare
    const [client] = (await settledClients(1)) as [ManagedClient];
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(DELAY_SECONDS * 1000);
    moveToAuditTurn(client, false);

    // Act
    const first = await reconcile.run();
    const afterFirst = callsFor(client);
    reconcile.resetCalls();
    const second = await reconcile.run();

    // Assess: no DescribeSecret before the move's own re-check; AWSPREVIOUS never read
    expect([first.attention, second.attention]).toEqual([undefined, undefined]);
    expect(afterFirst).toEqual([
      'store.readValue',
      'stytch.getClient',
      'store.describe',
      'stytch.getClient',
      'stytch.rotate',
      'store.tag',
    ]);
    expect(valuesRead(client)).toEqual([]); // reset: the second pass read nothing
    expect(callsFor(client)).toEqual([]);
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    world.expectInvariants(client);
  });

  it('a crash between completing and recording is harmless: the next pass records it', async () => {
    // Prepare: the record's TagResource fails once
    const [client] = (await settledClients(1)) as [ManagedClient];
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.clock.advance(DELAY_SECONDS * 1000);
    moveToAuditTurn(client, false);
    world.cloud.clearFaults();
    world.cloud.secretsManager.faults.add({
      operation: 'TagResource',
      nth: 1,
      times: 10,
      action: { kind: 'status', status: 500 },
    });

    // Act
    const failed = await reconcile.run();
    world.cloud.clearFaults();
    reconcile.resetCalls();
    const next = await reconcile.run();

    // Assess: the first pass completed at Stytch but could not record it; the next one sees it
    // complete at its first look, moves nothing at Stytch, and records it
    expect(failed.attention?.findings.map((f) => f.kind)).toEqual(['error']);
    expect(next.attention).toBeUndefined();
    expect(callsFor(client)).toEqual(['store.readValue', 'stytch.getClient', 'store.tag']);
    expect(
      world.cloud.secretsManager.inspect(client.secretArn).tags[OVERLAP_COMPLETED_TAG],
    ).toMatch(new RegExp(`^${versionWith(client, 'AWSCURRENT')}@`));
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    world.expectInvariants(client);
  });

  it('a promotion with no overlap mark: marked, reading only AWSCURRENT', async () => {
    // Prepare: the mark lost, as after a crash between the promotion and the tag
    const [client] = (await settledClients(1)) as [ManagedClient];
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    await world.sm.send(
      new UntagResourceCommand({ SecretId: client.secretArn, TagKeys: [OVERLAP_SINCE_TAG] }),
    );
    moveToAuditTurn(client, false);

    // Act
    await reconcile.run();

    // Assess
    expect(callsFor(client)).toEqual([
      'store.readValue',
      'stytch.getClient',
      'store.describe',
      'store.tag',
    ]);
    expect(valuesRead(client)).toEqual([versionWith(client, 'AWSCURRENT')]);
    expect(world.cloud.secretsManager.inspect(client.secretArn).tags[OVERLAP_SINCE_TAG]).toMatch(
      new RegExp(`^${versionWith(client, 'AWSCURRENT')}@`),
    );
  });

  it('a pending version: looked at in full, left alone while young', async () => {
    // Prepare: a rotation started whose steps have not run
    const [client] = (await settledClients(1)) as [ManagedClient];
    await world.recordRotationEvent(client.secretArn);
    moveToAuditTurn(client, false);

    // Act
    const pass = await reconcile.run();

    // Assess
    expect(pass.attention).toBeUndefined();
    expect(callsFor(client).sort()).toEqual([
      'store.describe',
      'store.listVersions',
      'store.readValue',
      'store.readValue',
      'store.readValue',
      'stytch.getClient',
    ]);
    expect(reconcile.writes()).toEqual([]);
  });

  it('a stale AWSPENDING on an older version: looked at in full, no Stytch move', async () => {
    // Prepare: a person's PutSecretValue after a rotation leaves AWSPENDING on AWSPREVIOUS
    world = await RotationWorld.start({ completionDelaySeconds: 0 });
    const client = await world.addClient('m2m');
    clients = [client];
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    const value = world.versions(client.secretArn).find((v) => v.stages.includes('AWSCURRENT'));
    await world.sm.send(
      new PutSecretValueCommand({
        SecretId: client.secretArn,
        SecretString: JSON.stringify({ ...value?.value, note: 'edited' }),
      }),
    );
    const stale = world
      .versions(client.secretArn)
      .find((v) => v.stages.includes('AWSPENDING') && v.stages.includes('AWSPREVIOUS'));
    expect(stale).toBeDefined();
    reconcile = new ReconcileDriver(world, DEFAULTS);
    moveToAuditTurn(client, false);

    // Act
    await reconcile.run();

    // Assess
    const calls = callsFor(client);
    expect(calls).toContain('store.describe');
    expect(calls).toContain('stytch.getClient');
    expect(calls.filter((c) => /^stytch\.rotate/.test(c))).toEqual([]);
  });

  it('a last-error tag of a rotation that is gone: looked at in full, then the tag is removed', async () => {
    // Prepare
    const [client] = (await settledClients(1)) as [ManagedClient];
    const token = 'a1b2c3d4-0000-4000-8000-000000000000';
    await world.sm.send(
      new TagResourceCommand({
        SecretId: client.secretArn,
        Tags: [{ Key: LAST_ERROR_TAG, Value: `${token} setSecret STYTCH_NOT_STAGED: gone` }],
      }),
    );
    moveToAuditTurn(client, false);

    // Act
    await reconcile.run();
    const first = callsFor(client);
    reconcile.resetCalls();
    await reconcile.run();

    // Assess
    expect(first).toEqual(
      expect.arrayContaining(['store.readValue', 'stytch.getClient', 'store.untag']),
    );
    expect(first.filter((c) => c === 'store.readValue')).toHaveLength(2);
    expect(world.cloud.secretsManager.inspect(client.secretArn).tags).not.toHaveProperty(
      LAST_ERROR_TAG,
    );
    expect(callsFor(client)).toEqual([]);
  });

  it('a deferred rotation: looked at in full', async () => {
    // Prepare
    const [client] = (await settledClients(1)) as [ManagedClient];
    await world.sm.send(
      new TagResourceCommand({
        SecretId: client.secretArn,
        Tags: [
          {
            Key: DEFERRED_TAG,
            Value: 'a1b2c3d4-0000-4000-8000-000000000000@2026-01-01T00:00:00.000Z',
          },
        ],
      }),
    );
    moveToAuditTurn(client, false);

    // Act
    await reconcile.run();

    // Assess
    expect(callsFor(client)).toEqual(
      expect.arrayContaining(['store.describe', 'store.readValue', 'stytch.getClient']),
    );
  });

  it('never rotated: the first rotation is started, without reading Stytch twice', async () => {
    // Prepare
    world = await RotationWorld.start({ completionDelaySeconds: DELAY_SECONDS });
    const client = await world.addClient('m2m');
    clients = [client];
    reconcile = new ReconcileDriver(world, DEFAULTS);
    moveToAuditTurn(client, false);

    // Act
    const pass = await reconcile.run();
    await world.cloud.secretsManager.waitForRotation(client.secretArn);

    // Assess
    expect(pass.attention).toBeUndefined();
    expect(callsFor(client)).toEqual([
      'store.readValue',
      'stytch.getClient',
      'store.describe',
      'store.startRotation',
    ]);
    expect(world.secretAt(client.secretArn, 'AWSCURRENT')).toBeDefined();
    expect(world.currentAuthenticates(client)).toBe(true);
    expect(reconcile.metrics.totals.RotationsBootstrapped).toBe(1);
  });
});
