/**
 * The explorer as a vitest suite over some of the pairs: each pair explored in turn, the table and
 * every violating schedule printed, and the test failing on any violation. The pairs are split
 * over two test files so that vitest's two workers explore them side by side.
 *
 * Environment:
 * - INTERLEAVING_SEED: the seed of the seeded schedules (printed with the table). @default 20261201
 * - INTERLEAVING_REPLAY: `<pair>:<schedule>` as printed for a violating schedule (e.g.
 *   `finish-cancel:AABBBA lost=B2`): runs that one schedule and prints its calls.
 */
import { expect, it } from 'vitest';
import { Scripted } from './choosers.ts';
import { explorePair, MIN_SEEDED_SCHEDULES, type PairReport } from './explore-pair.ts';
import { InterleavingLane } from './interleaving-lane.ts';
import { PAIRS } from './pairs.ts';
import { formatTable, formatViolations } from './report.ts';
import { buildTemplate, type LostResponse, runSchedule } from './run-schedule.ts';

/** A pair with at most this many interleavings is enumerated; a larger one is sampled. */
const EXHAUSTIVE_INTERLEAVINGS = 150;
/** Lost-response runs a pair may take to be enumerated; more are sampled. */
const EXHAUSTIVE_LOST_RESPONSE_RUNS = 1_500;

const seed = Number(process.env.INTERLEAVING_SEED ?? 20261201);
const replay = process.env.INTERLEAVING_REPLAY;

export function exploreEveryInterleaving(pairIds: readonly string[]): void {
  const pairs = PAIRS.filter((pair) => pairIds.includes(pair.id));
  if (replay !== undefined) {
    const id = replay.slice(0, replay.indexOf(':'));
    if (pairIds.includes(id)) it(`replays ${replay}`, { timeout: 60_000 }, () => replayOne(replay));
    return;
  }
  it(`keeps every invariant in every explored schedule of ${pairIds.join(', ')}`, {
    timeout: 900_000,
  }, async () => {
    // Act
    const reports: PairReport[] = [];
    for (const pair of pairs) {
      const report = await explorePair(pair, {
        exhaustiveInterleavings: EXHAUSTIVE_INTERLEAVINGS,
        exhaustiveBudget: EXHAUSTIVE_LOST_RESPONSE_RUNS,
        seededSchedules: MIN_SEEDED_SCHEDULES,
        seed,
      });
      // One line per pair as it ends, so a slow machine shows progress before the table.
      console.log(formatTable([report]).split('\n').at(-1));
      reports.push(report);
    }
    console.log(formatTable(reports));
    const violations = formatViolations(reports);
    if (violations !== '') console.log(violations);

    // Assess: the exploration reached both actors' interleavings and faults, and nothing broke.
    for (const report of reports) {
      expect(report.interleavings, `${report.pair.id}: interleavings`).toBeGreaterThan(1);
      expect(report.lostResponseVariants, `${report.pair.id}: lost responses`).toBeGreaterThan(0);
    }
    expect(reports.flatMap((r) => r.violating.map((v) => `${r.pair.id}:${v.schedule}`))).toEqual(
      [],
    );
  });
}

/** Runs one printed schedule again from a fresh lane, printing every call and what broke. */
async function replayOne(key: string): Promise<void> {
  const match = /^([\w-]+):([AB]+)(?: lost=([AB])(\d+))?$/.exec(key.trim());
  if (match === null)
    throw new Error(`INTERLEAVING_REPLAY must look like pair:AABB lost=B2, got ${key}`);
  const [, id, order = '', lostActor, lostOrdinal] = match;
  const pair = PAIRS.find((p) => p.id === id);
  if (pair === undefined) throw new Error(`no pair ${id}`);
  const lost: LostResponse | undefined =
    lostActor === undefined
      ? undefined
      : { actor: lostActor === 'B' ? 1 : 0, ordinal: Number(lostOrdinal) };
  const lane = await InterleavingLane.start(pair.completionDelaySeconds);
  try {
    const result = await runSchedule(
      lane,
      pair,
      await buildTemplate(lane, pair),
      new Scripted(order),
      lost,
    );
    console.log(
      result.calls.map((call) => `${call.index}. ${'AB'[call.actor]} ${call.call}`).join('\n'),
    );
    console.log(
      result.results.map((r, i) => `${pair.actorNames[i]}: ${r.ok ? 'ok' : r.detail}`).join('\n'),
    );
    expect(result.violations).toEqual([]);
  } finally {
    await lane.close();
  }
}
