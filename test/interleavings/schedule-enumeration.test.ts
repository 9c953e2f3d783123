/**
 * The explorer's enumeration, on actors that make no real calls: the depth-first walk visits every
 * interleaving of calls that do not commute, exactly once, and folds those that only swap adjacent
 * reads of different actors; seeded schedules repeat for a seed.
 */
import { describe, expect, it } from 'vitest';
import { DepthFirst, Seeded } from './choosers.ts';
import { type ActorIndex, type Chooser, ScheduleRunner } from './schedule-runner.ts';

const READ = 'store.describe';
const WRITE = 'store.promote';

/** Runs two scripted actors under `chooser`; returns the order of calls, as `A:promote B:describe …`. */
async function runScripted(
  chooser: Chooser,
  calls: readonly [string[], string[]],
): Promise<string> {
  const runner = new ScheduleRunner(chooser, { before: () => false, after: () => {} });
  const actor = (index: ActorIndex) => async () => {
    for (const call of calls[index] ?? []) {
      await runner.gate(index, call, 'store', async () => undefined);
    }
    return 'done';
  };
  await runner.run([actor(0), actor(1)]);
  return runner.calls.map((call) => `${'AB'[call.actor]}:${call.call.slice(6)}`).join(' ');
}

async function explored(calls: readonly [string[], string[]]): Promise<string[]> {
  const walker = new DepthFirst();
  const schedules: string[] = [];
  while (!walker.finished) {
    const chooser = walker.next();
    const schedule = await runScripted(chooser, calls);
    walker.advance(chooser);
    if (!chooser.redundant) schedules.push(schedule);
  }
  return schedules;
}

describe('the depth-first enumeration', () => {
  it('visits all C(5, 2) = 10 interleavings of writes, each once', async () => {
    // Act
    const schedules = await explored([
      [WRITE, WRITE, WRITE],
      [WRITE, WRITE],
    ]);
    // Assess
    expect(schedules).toHaveLength(10);
    expect(new Set(schedules).size).toBe(10);
  });

  it('folds interleavings that only reorder reads of different actors into one', async () => {
    // Act
    const schedules = await explored([[READ, READ], [READ]]);
    // Assess
    expect(schedules).toHaveLength(1);
  });

  it('keeps apart the orders of a read and a write', async () => {
    // Act: A reads; B reads then writes. A's read before or after B's write differs; its order
    // relative to B's read does not.
    const schedules = await explored([[READ], [READ, WRITE]]);
    // Assess
    expect(schedules).toHaveLength(2);
    expect(schedules.some((s) => s.endsWith('A:describe'))).toBe(true);
  });
});

describe('seeded schedules', () => {
  it('repeat for the same seed', async () => {
    // Prepare
    const calls: [string[], string[]] = [
      [WRITE, WRITE, WRITE],
      [WRITE, WRITE, WRITE],
    ];
    // Act
    const first = await runScripted(new Seeded(42), calls);
    const again = await runScripted(new Seeded(42), calls);
    // Assess
    expect(again).toBe(first);
  });
});
