/**
 * What the fault matrix asserts about one row, given the world after the rotation: the two allowed
 * outcomes, a correct retry and a fail-safe stop. Takes the test's own `expect`, as concurrent tests
 * must.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExpectStatic } from 'vitest';
import { RotationError } from '../../../lambda/errors.ts';
import type { RequestLogEntry, RunningServer } from '../../../local/http-server.ts';
import type { RotationOutcome } from '../../../local/secrets-manager/index.ts';
import type { ManagedClient } from '../../e2e/rotation-world.ts';
import type { FaultCase, FaultExpectation } from './fault-cases.ts';
import { currentAuthenticates } from './invariants.ts';
import type { ReliabilityWorld } from './reliability-world.ts';

/** What the rotation under test did, as the assertions need it. */
export interface RowRun {
  readonly world: ReliabilityWorld;
  readonly client: ManagedClient;
  readonly outcome: RotationOutcome;
  /** AWSCURRENT's secret before the rotation. */
  readonly previous: string;
  /** Request-log lengths of the faulted server and of Stytch before the rotation. */
  readonly mark: number;
  readonly stytchMark: number;
}

/**
 * The request log of `server` since `mark`, once every request of `operation` has been logged: a
 * held answer ('slow-headers', 'slow-body') is logged only when the server is done with it, after
 * the client gave up. Bounded, so a lost request shows as a missing entry, not a hang.
 */
export async function settledLog(server: RunningServer, operation: string, mark: number) {
  const ofOperation = () => server.requestLog.slice(mark).filter((e) => e.operation === operation);
  for (
    let waited = 0;
    waited < 5_000 && ofOperation().length < server.faults.callCount(operation);
    waited += 50
  ) {
    await sleep(50);
  }
  return { all: server.requestLog.slice(mark), ofOperation: ofOperation() };
}

/** A request that reached the operation and got an answer the client could use (not a 5xx/429). */
function answered(entry: RequestLogEntry): boolean {
  return (
    entry.fault === undefined && entry.status > 0 && entry.status < 500 && entry.status !== 429
  );
}

export function expectCorrectRetry(
  expect: ExpectStatic,
  run: RowRun,
  row: FaultCase,
  log: { all: RequestLogEntry[]; ofOperation: RequestLogEntry[] },
  expectation: Extract<FaultExpectation, { kind: 'retry' }>,
): void {
  const { world, client } = run;
  expect(run.outcome).toEqual({ outcome: 'succeeded', attempts: expectation.rotationAttempts });
  expect(world.currentSecret(client) === run.previous, 'AWSCURRENT rotated').toBe(false);
  // The fault hits the first `times` requests of the operation, so an answered one is a retry.
  // (The log is in completion order: a held answer is logged after the retry that replaced it.)
  const faulted = log.ofOperation.filter((entry) => entry.fault !== undefined).length;
  expect(faulted, `faulted requests of ${row.operation}`).toBe(row.times ?? 1);
  if (expectation.confirmedBy === undefined) {
    expect(log.ofOperation.some(answered), 'a retry got an answer').toBe(true);
  } else {
    // Every attempt of the faulted call was lost; later calls of the same operation (finishSecret
    // removing AWSPENDING after its promotion) meet a healthy server.
    const times = row.times ?? 1;
    expect(
      log.ofOperation.slice(0, times).map((e) => e.fault),
      'every attempt lost',
    ).toEqual(Array(times).fill('lost-response'));
    const lastLost = log.all.findLastIndex(
      (e) => e.operation === row.operation && e.fault !== undefined,
    );
    const confirmed = log.all
      .slice(lastLost + 1)
      .some((e) => e.operation === expectation.confirmedBy);
    expect(confirmed, `${expectation.confirmedBy} read back what was done`).toBe(true);
  }
  if (expectation.minRetryWaitMs !== undefined) {
    const waits = world.base.log.lines
      .filter((line) => line.attributes.outcome === 'retry' && line.attributes.status === 429)
      .map((line) => Number(line.attributes.retry_in_ms));
    expect(waits.length, 'a logged 429 retry').toBeGreaterThan(0);
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(expectation.minRetryWaitMs);
  }
}

export function expectFailSafeStop(
  expect: ExpectStatic,
  run: RowRun,
  row: FaultCase,
  expectation: Extract<FaultExpectation, { kind: 'stop' }>,
): void {
  const { world, client } = run;
  expect(run.outcome.outcome).toBe('failed');
  expect(world.currentSecret(client) === run.previous, 'AWSCURRENT unchanged').toBe(true);
  expect(currentAuthenticates(world, client), 'AWSCURRENT still works').toBe(true);
  const error = world.errors.at(-1);
  expect(error).toBeInstanceOf(RotationError);
  expect(error).toMatchObject({
    name: expectation.errorName,
    code: expectation.code,
    ...(expectation.awsErrorCode ? { awsErrorCode: expectation.awsErrorCode } : {}),
  });
  expect((error as Error).message).toMatch(expectation.advice);
  if (row.action !== undefined) {
    const hit = world
      .server(row.server)
      .requestLog.slice(run.mark)
      .some((e) => e.fault);
    expect(hit, `the fault hit ${row.operation}`).toBe(true);
  }
  if (expectation.beforeStytch) {
    expect(world.cloud.stytch.requestLog.slice(run.stytchMark), 'no Stytch call').toEqual([]);
  }
}
