/**
 * The fault matrix: every class of fault Stytch, Secrets Manager and SSM can produce, injected into
 * a normal rotation over the local cloud. Each row (support/fault-cases.ts) gets either a correct
 * retry (the rotation succeeds and the request log shows the faulted request followed by a good one)
 * or a fail-safe stop (the rotation fails, AWSCURRENT is unchanged and still works, the error is
 * typed and its message says what to do). Rows run a few at a time, each in its own world.
 */
import { DeleteParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, it } from 'vitest';
import { CREDENTIALS_PARAMETER } from '../e2e/rotation-world.ts';
import { expectCorrectRetry, expectFailSafeStop, settledLog } from './support/fault-assertions.ts';
import { FAULT_CASES, type FaultCase } from './support/fault-cases.ts';
import { leakViolations, orphanViolations } from './support/invariants.ts';
import type { ReliabilityWorld } from './support/reliability-world.ts';
import { prepare, SCENARIOS } from './support/scenarios.ts';

const NORMAL_ROTATION = SCENARIOS[1];

const ROWS = FAULT_CASES.map((row) => ({
  ...row,
  gets: row.expect.kind === 'retry' ? 'a correct retry' : 'a fail-safe stop with a typed error',
}));

async function breakResource(world: ReliabilityWorld, row: FaultCase): Promise<void> {
  if (row.breakage === 'disable-credentials-key') world.cloud.ssm.breakKey(CREDENTIALS_PARAMETER);
  if (row.breakage === 'delete-credentials') {
    const ssm = new SSMClient({
      endpoint: world.cloud.ssm.url,
      region: world.cloud.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ssm.send(new DeleteParameterCommand({ Name: CREDENTIALS_PARAMETER }));
    ssm.destroy();
  }
}

describe('the fault matrix of a normal rotation', () => {
  it.concurrent.for(ROWS)('$fault gets $gets', { timeout: 60_000 }, async (row, { expect }) => {
    // Prepare
    if (NORMAL_ROTATION === undefined) throw new Error('missing scenario');
    const { world, client } = await prepare(NORMAL_ROTATION);
    try {
      world.cloud.clearFaults();
      const server = world.server(row.server);
      const mark = server.requestLog.length;
      const stytchMark = world.cloud.stytch.requestLog.length;
      if (row.action) {
        server.faults.add({ operation: row.operation, times: row.times ?? 1, action: row.action });
      }
      await breakResource(world, row);
      const previous = world.currentSecret(client);

      // Act
      const outcome = await world.rotate(client.secretArn);

      // Assess
      const run = { world, client, outcome, previous, mark, stytchMark };
      if (row.expect.kind === 'retry') {
        const log = await settledLog(server, row.operation, mark);
        expectCorrectRetry(expect, run, row, log, row.expect);
      } else {
        expectFailSafeStop(expect, run, row, row.expect);
      }
      expect(orphanViolations(world, client)).toEqual([]);
      expect(leakViolations(world, [client])).toEqual([]);
    } finally {
      await world.close();
    }
  });
});
