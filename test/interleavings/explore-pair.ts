/**
 * Explores one pair: every interleaving of the two actors' calls, first with every answer
 * delivered, then with the answer of each call in turn lost.
 * - Interleavings: depth-first over all of them (up to commuting reads) when there are at most
 *   `exhaustiveInterleavings`; otherwise {@link MIN_SEEDED_SCHEDULES} or more seeded random
 *   schedules, each with a lost response drawn among the calls, or none.
 * - Lost responses: for every call of either actor, every interleaving again with that call's
 *   answer lost, when that fits `exhaustiveBudget` runs; otherwise seeded random schedules, each
 *   with a lost response drawn among the calls.
 */
import { DepthFirst, Seeded } from './choosers.ts';
import { InterleavingLane } from './interleaving-lane.ts';
import type { Pair } from './pairs.ts';
import {
  buildTemplate,
  type LostResponse,
  runSchedule,
  type ScheduleResult,
  scheduleText,
  type Template,
} from './run-schedule.ts';
import type { Chooser } from './schedule-runner.ts';

export const MIN_SEEDED_SCHEDULES = 1_000;

export interface ExploreOptions {
  /** Interleavings a pair may have for them to be enumerated rather than sampled. */
  readonly exhaustiveInterleavings: number;
  /** Runs the lost-response variants may take for them to be enumerated rather than sampled. */
  readonly exhaustiveBudget: number;
  /** Seeded schedules when a space is too large. @default MIN_SEEDED_SCHEDULES */
  readonly seededSchedules?: number;
  /** The seed of the seeded schedules (schedule i uses seed + i). */
  readonly seed: number;
}

/** One schedule that broke an invariant. */
export interface Violation {
  /** The replay key's schedule part: `AABBA` or `AABBA lost=B2`. */
  readonly schedule: string;
  readonly violations: readonly string[];
  readonly calls: string;
  readonly actors: string;
}

export type Coverage = 'exhaustive' | 'seeded';

export interface PairReport {
  readonly pair: Pair;
  readonly interleavingCoverage: Coverage;
  readonly lostResponseCoverage: Coverage;
  /** The seed, when anything was sampled. */
  readonly seed: number | undefined;
  /** Distinct interleavings run with every answer delivered. */
  readonly interleavings: number;
  /** Distinct schedules run with one answer lost (the lost call was reached). */
  readonly lostResponseVariants: number;
  readonly runs: number;
  readonly violating: readonly Violation[];
  readonly elapsedMs: number;
}

export async function explorePair(pair: Pair, options: ExploreOptions): Promise<PairReport> {
  const started = performance.now();
  const lane = await InterleavingLane.start(pair.completionDelaySeconds);
  try {
    const explorer = new PairExplorer(lane, pair, await buildTemplate(lane, pair));
    const seeded = options.seededSchedules ?? MIN_SEEDED_SCHEDULES;
    const allInterleavings = await explorer.depthFirst(undefined, options.exhaustiveInterleavings);
    const targets = explorer.lostResponseTargets();
    const lostFits =
      allInterleavings && explorer.interleavings * targets.length <= options.exhaustiveBudget;
    if (!allInterleavings) await explorer.seeded(seeded, options.seed, 'any');
    else if (!lostFits) await explorer.seeded(seeded, options.seed, 'always-lost');
    else for (const target of targets) await explorer.depthFirst(target, Number.POSITIVE_INFINITY);
    return {
      pair,
      interleavingCoverage: allInterleavings ? 'exhaustive' : 'seeded',
      lostResponseCoverage: lostFits ? 'exhaustive' : 'seeded',
      seed: lostFits ? undefined : options.seed,
      interleavings: explorer.interleavings,
      lostResponseVariants: explorer.lostResponseVariants,
      runs: explorer.runs,
      violating: explorer.violating,
      elapsedMs: performance.now() - started,
    };
  } finally {
    await lane.close();
  }
}

/** Runs schedules of one pair and tallies them, each distinct schedule once. */
class PairExplorer {
  interleavings = 0;
  lostResponseVariants = 0;
  runs = 0;
  readonly violating: Violation[] = [];
  readonly #seen = new Set<string>();
  readonly #callsPerActor = [0, 0];

  constructor(
    private readonly lane: InterleavingLane,
    private readonly pair: Pair,
    private readonly template: Template,
  ) {}

  /** Every interleaving with `lost`; false when there were more than `limit`. */
  async depthFirst(lost: LostResponse | undefined, limit: number): Promise<boolean> {
    const walker = new DepthFirst();
    let count = 0;
    while (!walker.finished) {
      if (count >= limit) return false;
      const chooser = walker.next();
      const result = await this.#run(chooser, lost, () => !chooser.redundant);
      walker.advance(chooser);
      if (!chooser.redundant) count += 1;
      this.#tally(result, lost);
    }
    return true;
  }

  /** Every call either actor made in some interleaving, as a lost-response target. */
  lostResponseTargets(): LostResponse[] {
    return ([0, 1] as const).flatMap((actor) =>
      Array.from({ length: this.#callsPerActor[actor] ?? 0 }, (_, i) => ({
        actor,
        ordinal: i + 1,
      })),
    );
  }

  /** `schedules` seeded random schedules; each draws a lost response (or, with 'any', none). */
  async seeded(schedules: number, seed: number, lost: 'any' | 'always-lost'): Promise<void> {
    for (let i = 0; i < schedules; i++) {
      const chooser = new Seeded(seed + i);
      const targets = this.lostResponseTargets();
      const draw =
        lost === 'any' ? chooser.below(targets.length + 1) - 1 : chooser.below(targets.length);
      const target = draw < 0 ? undefined : targets[draw];
      this.#tally(await this.#run(chooser, target), target);
    }
  }

  async #run(chooser: Chooser, lost: LostResponse | undefined, checked?: () => boolean) {
    this.runs += 1;
    const options = checked ? { checked } : {};
    return runSchedule(this.lane, this.pair, this.template, chooser, lost, options);
  }

  #tally(result: ScheduleResult, lost: LostResponse | undefined): void {
    for (const actor of [0, 1] as const) {
      const made = result.calls.filter((call) => call.actor === actor).length;
      this.#callsPerActor[actor] = Math.max(this.#callsPerActor[actor] ?? 0, made);
    }
    if (!result.checked) return;
    const effective = result.lostResponseInjected ? lost : undefined;
    const schedule = scheduleText(result.calls, effective);
    if (this.#seen.has(schedule)) return;
    this.#seen.add(schedule);
    if (effective === undefined) this.interleavings += 1;
    else this.lostResponseVariants += 1;
    if (result.violations.length === 0) return;
    this.violating.push({
      schedule,
      violations: result.violations,
      calls: result.calls
        .map((call) => `${call.index}.${'AB'[call.actor]} ${call.call}`)
        .join(', '),
      actors: result.results
        .map((r, i) => `${this.pair.actorNames[i]}: ${r.ok ? 'ok' : r.detail.slice(0, 200)}`)
        .join('; '),
    });
  }
}
