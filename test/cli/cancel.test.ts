import { afterEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../local/faults.ts';
import { type LiveClient, LiveWorld } from './live-world.ts';
import { runCli } from './run-cli.ts';

const ALWAYS = { nth: 1, times: 1_000 } as const;
const FAIL_500 = { kind: 'status', status: 500 } as const;

/** Fault rules that make one rotation step fail on every attempt. */
const STUCK_IN: ReadonlyArray<{
  readonly step: string;
  readonly stytch: readonly FaultRule[];
  readonly secretsManager: readonly FaultRule[];
}> = [
  {
    // The new secret cannot be stored, nor cancelled: Stytch keeps a next secret nobody holds.
    step: 'createSecret',
    stytch: [{ operation: 'm2m.rotate_cancel', ...ALWAYS, action: FAIL_500 }],
    secretsManager: [{ operation: 'PutSecretValue', ...ALWAYS, action: FAIL_500 }],
  },
  {
    step: 'setSecret',
    stytch: [{ operation: 'm2m.get', ...ALWAYS, action: FAIL_500 }],
    secretsManager: [],
  },
  {
    step: 'testSecret',
    stytch: [{ operation: 'oauth2.token', ...ALWAYS, action: FAIL_500 }],
    secretsManager: [],
  },
  {
    step: 'finishSecret',
    stytch: [],
    secretsManager: [
      {
        operation: 'UpdateSecretVersionStage',
        ...ALWAYS,
        action: { kind: 'status', status: 400, errorType: 'InvalidRequestException' },
      },
    ],
  },
];

describe('stytch-rotation cancel', () => {
  let world: LiveWorld;

  afterEach(async () => {
    await world.close();
  });

  async function stuckRotation(step: (typeof STUCK_IN)[number]): Promise<LiveClient> {
    world = await LiveWorld.start({ completionDelaySeconds: 0 });
    const client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    for (const rule of step.stytch) world.cloud.stytch.faults.add(rule);
    for (const rule of step.secretsManager) world.cloud.secretsManager.faults.add(rule);
    expect((await world.rotate(client.secretArn)).outcome).toBe('failed');
    // The first attempt got as far as the step; later attempts may stop earlier on the same fault.
    const firstFailure = world.cloud.secretsManager.invocations.find((i) => !i.ok);
    expect(firstFailure?.step).toBe(step.step);
    world.cloud.clearFaults();
    return client;
  }

  for (const step of STUCK_IN) {
    it(`abandons a rotation stuck in ${step.step}, after which the next rotation succeeds`, async () => {
      // Prepare
      const client = await stuckRotation(step);
      const current = world.secretAt(client.secretArn, 'AWSCURRENT') ?? '';
      expect(world.hasPendingRotation(client.secretArn)).toBe(true);
      expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);

      // Act
      const run = await runCli(world, ['cancel', client.name, '--yes']);

      // Assess: nothing pending, Stytch holds only AWSCURRENT's secret, and rotation works again
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /^cancel: done: removed AWSPENDING from version .*; rotate_cancel at Stytch discarded the next secret/,
      );
      expect(world.hasPendingRotation(client.secretArn)).toBe(false);
      expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
      expect(world.cloud.stytch.isValidSecret(client.clientId, current)).toBe(true);
      expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    });
  }

  it('asks first, and aborts with 130 on no answer or anything but yes', async () => {
    // Prepare
    const client = await stuckRotation(STUCK_IN[2] as (typeof STUCK_IN)[number]);

    // Act
    const closed = await runCli(world, ['cancel', client.name]);
    const no = await runCli(world, ['cancel', client.name], { stdin: 'n\n' });
    const yes = await runCli(world, ['cancel', client.name], { stdin: 'y\n' });

    // Assess
    expect(closed.code).toBe(130);
    expect(closed.stderr).toMatch(
      /Abandon the rotation of .* and discard Stytch's next secret \(last four .{4}\)\? \[y\/N\]/,
    );
    expect(closed.stderr).toContain(
      'cancel: aborted: no answer on stdin (pass --yes to skip the question)',
    );
    expect(no.code).toBe(130);
    expect(yes.code).toBe(0);
    expect(world.hasPendingRotation(client.secretArn)).toBe(false);
  });

  it('says there is nothing to cancel when no rotation is in progress', async () => {
    // Prepare
    world = await LiveWorld.start({ completionDelaySeconds: 0 });
    const client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');

    // Act
    const run = await runCli(world, ['cancel', client.name, '--yes']);

    // Assess
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(
      `cancel: nothing to cancel: ${client.name} has no rotation in progress`,
    );
  });
});
