/**
 * Taking, checking and releasing one client's lease. A lease is held by one acquisition (a unique
 * holder id) until it is released or its `expiresAt` passes; the holder checks it before each
 * mutating call ({@link HeldLease.assertValid}). See docs/concurrency.md for the model.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleepFor } from 'node:timers/promises';
import type { Clock } from '../clock.ts';
import type { Log } from '../log.ts';
import { ClientClaimedError, LeaseBusyError, LeaseLostError } from './errors.ts';
import type { LeaseTable } from './lease-table.ts';

/** How long an actor that finds the lease held waits, once, before it fails with LEASE_BUSY. */
export const LEASE_WAIT_MS = 250;

/** What an actor needs to take leases. */
export interface LeaseDeps {
  readonly table: LeaseTable;
  readonly clock: Clock;
  readonly log: Log;
  /** How the brief wait passes. @default node:timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * How long this actor may hold a lease. Chosen by the actor's runtime: a Lambda invocation holds it
 * until its own timeout plus a grace, since a killed invocation makes no more calls.
 */
export interface LeaseTerms {
  /** When the lease runs out, epoch ms on the actor's clock. */
  readonly expiresAt: number;
  /**
   * A mutating call may start only while at least this much of the lease is left: the longest a
   * call may still take effect after it starts (in-flight requests, clock skew between actors).
   */
  readonly callAllowanceMs: number;
}

/** What a lease is taken for. */
export interface LeaseSubject {
  readonly clientId: string;
  /** The secret the actor works on: it must own the client (or the client must be unowned). */
  readonly secretArn: string;
  /** Who acts, for LEASE_BUSY messages: `createSecret <token>`, `reconcile abandon`, `cli cancel`. */
  readonly actor: string;
}

/** A lease this actor holds. */
export class HeldLease {
  constructor(
    readonly clientId: string,
    readonly secretArn: string,
    readonly holder: string,
    readonly expiresAt: number,
    private readonly callAllowanceMs: number,
    private readonly clock: Clock,
  ) {}

  /** Milliseconds left, on the actor's clock. */
  remainingMs(): number {
    return this.expiresAt - this.clock.now().getTime();
  }

  /**
   * @throws LeaseLostError when too little of the lease is left for `call` to finish inside it, or
   *   when `call` targets another client than the one leased
   */
  assertValid(call: string, clientId?: string): void {
    if (clientId !== undefined && clientId !== this.clientId) {
      throw new LeaseLostError(
        this.clientId,
        `${call} for Stytch client ${clientId} was not made: the lease held is for ${this.clientId} ` +
          "(the secret's client-id tag and its value disagree); fix the secret",
      );
    }
    const left = this.remainingMs();
    if (left < this.callAllowanceMs) {
      throw new LeaseLostError(
        this.clientId,
        `${call} was not made: the lease on ${this.clientId} has ${Math.max(0, left)} ms left, ` +
          `less than the ${this.callAllowanceMs} ms a call may take, so another actor may act on ` +
          'the client now; nothing was changed by this call and the next attempt starts over',
      );
    }
  }
}

/**
 * Takes the client's lease: at once when it is free, expired or already ours; after one brief wait
 * when another actor holds it; never without it.
 * @throws ClientClaimedError when another secret owns the client
 * @throws LeaseBusyError when another actor still holds it after the wait
 * @throws LeaseUnavailableError when DynamoDB cannot be used
 */
export async function acquireLease(
  deps: LeaseDeps,
  subject: LeaseSubject,
  terms: LeaseTerms,
): Promise<HeldLease> {
  const { table, clock } = deps;
  const holder = `${subject.actor} #${randomUUID()}`;
  const claim = { ...subject, holder, expiresAt: terms.expiresAt };
  let waited = false;
  for (let attempt = 1; ; attempt++) {
    const taken = await table
      .tryAcquire(claim, clock.now().getTime())
      .catch(async (error: unknown) => {
        // A lost answer may hide a lease we now hold: give it back before failing.
        await table.release(subject.clientId, holder).catch(() => false);
        throw error;
      });
    if (taken) {
      return new HeldLease(
        subject.clientId,
        subject.secretArn,
        holder,
        terms.expiresAt,
        terms.callAllowanceMs,
        clock,
      );
    }
    const record = await table.read(subject.clientId);
    if (record !== undefined && record.secretArn !== subject.secretArn) {
      throw new ClientClaimedError({
        clientId: subject.clientId,
        secretArn: subject.secretArn,
        ownerSecretArn: record.secretArn,
      });
    }
    const held = record?.holder !== undefined && (record.expiresAt ?? 0) >= clock.now().getTime();
    if (!held && attempt < 3) continue; // released or expired in between: try again at once
    // Wait only if, after the wait, the lease would still leave time to act.
    const timeToAct = terms.expiresAt - terms.callAllowanceMs - clock.now().getTime();
    if (held && !waited && timeToAct > LEASE_WAIT_MS) {
      waited = true;
      await (deps.sleep ?? sleepFor)(LEASE_WAIT_MS);
      continue;
    }
    const until = new Date(record?.expiresAt ?? 0).toISOString();
    throw new LeaseBusyError(
      {
        clientId: subject.clientId,
        holder: record?.holder ?? 'unknown',
        expiresAt: record?.expiresAt ?? 0,
      },
      `${subject.actor}: Stytch client ${subject.clientId} is being changed by another actor ` +
        `(${record?.holder ?? 'unknown'}, lease until ${until}), so nothing was done; it is ` +
        'retried later (Secrets Manager retries the step, the reconcile its next pass)',
    );
  }
}

/**
 * Gives the lease back. A failure is only logged: the lease then runs out by itself, and the work
 * done under it is complete.
 */
export async function releaseLease(deps: LeaseDeps, lease: HeldLease): Promise<void> {
  try {
    const released = await deps.table.release(lease.clientId, lease.holder);
    if (!released) {
      deps.log.warn(
        `lease: the lease on ${lease.clientId} was no longer held at release (a retried release, ` +
          'or it ran out and another actor took it)',
        { client_id: lease.clientId, holder: lease.holder },
      );
    }
  } catch (error) {
    deps.log.warn(
      `lease: could not release the lease on ${lease.clientId}; it runs out by itself`,
      {
        client_id: lease.clientId,
        holder: lease.holder,
        error: { name: (error as Error).name, message: (error as Error).message },
      },
    );
  }
}
