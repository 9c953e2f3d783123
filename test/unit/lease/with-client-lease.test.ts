/**
 * The one runner of the lease: acquire, act through guarded surfaces, release. A holder whose lease
 * ran out makes no mutating call; reads still pass; a mutating Stytch call for another client than
 * the leased one is refused.
 */
import { describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../../lambda/lease/errors.ts';
import { withClientLease } from '../../../lambda/lease/with-client-lease.ts';
import type { SecretStore } from '../../../lambda/secrets/store.ts';
import type { StytchClient } from '../../../lambda/stytch/client.ts';
import { ManualClock } from '../../../local/manual-clock.ts';
import { MemoryLeaseTable } from '../helpers/memory-lease-table.ts';
import { RecordingLog } from '../helpers/recording-log.ts';

const SECRET = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:stytch/a-AbCdEf';
const CLIENT = 'm2m-client-test-guarded';

function recorder<T extends object>(calls: string[], names: readonly string[]): T {
  return Object.fromEntries(
    names.map((name) => [name, async () => void calls.push(name)]),
  ) as unknown as T;
}

function world() {
  const clock = new ManualClock();
  const table = new MemoryLeaseTable();
  const calls: string[] = [];
  const store = recorder<SecretStore>(calls, ['describe', 'readValue', 'putPending', 'promote']);
  const stytch = recorder<StytchClient>(calls, ['getClient', 'rotateStart', 'rotateCancel']);
  const context = {
    table,
    clock,
    log: new RecordingLog(),
    terms: { expiresAt: clock.now().getTime() + 10_000, callAllowanceMs: 2_000 },
  };
  const subject = { clientId: CLIENT, secretArn: SECRET, actor: 'test' };
  return { clock, table, calls, surfaces: { store, stytch }, context, subject };
}

describe('withClientLease', () => {
  it('holds the lease while acting and releases it afterwards, also when the act fails', async () => {
    // Prepare
    const { table, context, subject, surfaces } = world();
    let heldWhileActing: string | undefined;

    // Act
    const outcome = await withClientLease(context, subject, surfaces, async ({ lease }) => {
      heldWhileActing = (await table.read(CLIENT))?.holder;
      return lease.holder;
    });
    const failed = await withClientLease(context, subject, surfaces, async () => {
      throw new Error('the act failed');
    }).catch((error: unknown) => error);

    // Assess
    expect(heldWhileActing).toBe(outcome);
    expect((failed as Error).message).toBe('the act failed');
    expect(await table.read(CLIENT)).toEqual({ clientId: CLIENT, secretArn: SECRET });
  });

  it('refuses every mutating call once too little of the lease is left, and still reads', async () => {
    // Prepare
    const { clock, calls, context, subject, surfaces } = world();

    // Act
    const refused = await withClientLease(context, subject, surfaces, async ({ store, stytch }) => {
      await store.putPending(SECRET, 'token', '{}');
      clock.advance(8_001); // 1,999 ms left, less than the 2,000 ms a call may take
      await store.describe(SECRET);
      await stytch.getClient(CLIENT, { deadline: 0 });
      const errors: unknown[] = [];
      for (const mutate of [
        () => store.promote(SECRET, 'token', 'current'),
        () => stytch.rotateStart(CLIENT, { deadline: 0 }),
        () => stytch.rotateCancel(CLIENT, { deadline: 0 }),
      ]) {
        errors.push(await mutate().catch((error: unknown) => error));
      }
      return errors;
    });

    // Assess
    expect(calls).toEqual(['putPending', 'describe', 'getClient']);
    for (const error of refused) {
      expect(error).toBeInstanceOf(LeaseLostError);
      expect(error).toMatchObject({ code: 'LEASE_LOST', clientId: CLIENT });
    }
  });

  it('refuses a mutating Stytch call for a client other than the one leased', async () => {
    // Prepare
    const { calls, context, subject, surfaces } = world();

    // Act
    const error = await withClientLease(context, subject, surfaces, ({ stytch }) =>
      stytch.rotateStart('m2m-client-test-someone-else', { deadline: 0 }),
    ).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(LeaseLostError);
    expect((error as Error).message).toContain('m2m-client-test-someone-else');
    expect(calls).toEqual([]);
  });
});
