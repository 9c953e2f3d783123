/**
 * A world for the tests of what the reconcile decides from the listing: managed secrets in a chosen
 * state, a reconcile at the default audit period (24 h over a 15-minute interval), a clock that can
 * be moved to (or away from) a secret's audit turn, and the calls the pass aimed at each secret.
 */
import { expect } from 'vitest';
import { auditSlice, auditSlot } from '../../lambda/reconcile/audit-slice.ts';
import { OVERLAP_COMPLETED_TAG } from '../../lambda/reconcile/tags.ts';
import { type ManagedClient, RotationWorld } from '../e2e/rotation-world.ts';
import { ReconcileDriver } from './reconcile-driver.ts';

export const DELAY_SECONDS = 3600;
export const INTERVAL_MS = 15 * 60_000;
const AUDIT = { intervalMs: INTERVAL_MS, periodMs: 24 * 3_600_000 };
/** The reconcile's settings for these tests: the defaults. */
const DEFAULTS = { STYTCH_RECONCILE_AUDIT_HOURS: '24', STYTCH_RECONCILE_INTERVAL_MINUTES: '15' };

export class ListingScenario {
  readonly clients: ManagedClient[] = [];
  reconcile: ReconcileDriver;

  private constructor(readonly world: RotationWorld) {
    this.reconcile = new ReconcileDriver(world, DEFAULTS);
  }

  /** A world with the given completion delay and no client yet. */
  static async empty(completionDelaySeconds = DELAY_SECONDS): Promise<ListingScenario> {
    return new ListingScenario(await RotationWorld.start({ completionDelaySeconds }));
  }

  /** `count` clients rotated once, their bootstrap overlaps completed and recorded. */
  static async settled(count: number): Promise<ListingScenario> {
    const scenario = await ListingScenario.empty();
    const { world } = scenario;
    for (let i = 0; i < count; i++) {
      const client = await world.addClient(i % 2 === 0 ? 'm2m' : 'connected_app');
      expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
      scenario.clients.push(client);
    }
    world.clock.advance(DELAY_SECONDS * 1000);
    // Audits everything once (one slot per period), which records every completed overlap.
    await new ReconcileDriver(world).run();
    for (const client of scenario.clients) {
      expect(world.cloud.secretsManager.inspect(client.secretArn).tags).toHaveProperty(
        OVERLAP_COMPLETED_TAG,
      );
    }
    return scenario;
  }

  /** The first client. */
  get client(): ManagedClient {
    const [first] = this.clients;
    if (first === undefined) throw new Error('no client');
    return first;
  }

  /** A new reconcile (the first one's calls forgotten), e.g. after changing the world by hand. */
  freshReconcile(): void {
    this.reconcile = new ReconcileDriver(this.world, DEFAULTS);
  }

  /** Whether `client`'s audit turn is the slot of the clock's time. */
  inAuditTurn(client: ManagedClient): boolean {
    const arns = this.clients.map((c) => c.secretArn);
    return auditSlice(arns, auditSlot(this.world.clock.now(), AUDIT), AUDIT).has(client.secretArn);
  }

  /** Moves the clock on, an interval at a time, until `client`'s audit turn is (not) this slot. */
  moveToAuditTurn(client: ManagedClient, wanted: boolean): void {
    for (let i = 0; i < 200; i++) {
      if (this.inAuditTurn(client) === wanted) return;
      this.world.clock.advance(INTERVAL_MS);
    }
    throw new Error('no such slot');
  }

  /** The calls the reconcile aimed at the client's secret or at the client. */
  callsFor(client: ManagedClient): string[] {
    return this.reconcile.callsFor(client.secretArn, client.clientId);
  }

  /** The versions whose values the reconcile read. */
  valuesRead(client: ManagedClient): Array<string | undefined> {
    return this.reconcile.aimed
      .filter((c) => c.call === 'store.readValue' && c.target === client.secretArn)
      .map((c) => c.version);
  }

  versionWith(client: ManagedClient, stage: string): string | undefined {
    return this.world.versions(client.secretArn).find((v) => v.stages.includes(stage))?.versionId;
  }

  /** ListSecrets calls the local Secrets Manager answered so far. */
  listSecretsCalls(): number {
    return this.world.cloud.secretsManager.requestLog.filter((e) => e.operation === 'ListSecrets')
      .length;
  }

  async close(): Promise<void> {
    this.world.expectNoSecretsLogged();
    await this.world.close();
  }
}
