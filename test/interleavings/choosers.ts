/**
 * How schedules are enumerated. {@link DepthFirst} walks every interleaving by replay: each run
 * follows the choices of the previous one up to its last open branch, then takes the next
 * alternative there. Sleep sets prune interleavings that only swap two adjacent reads by different
 * actors: a read changes nothing, so both orders reach the same states, answer both actors the
 * same, and pass the same checks. {@link Seeded} draws schedules at random from a printed seed.
 */
import type { ActorIndex, Chooser, WaitingCall } from './schedule-runner.ts';

/** Calls that change nothing anywhere: two of them by different actors commute. */
const READ_ONLY =
  /^(store\.(describe|readValue|listVersions)|stytch\.(getClient|requestToken)|lease\.read)$/;

export function commute(a: string, b: string): boolean {
  return READ_ONLY.test(a) && READ_ONLY.test(b);
}

/** One scheduling point of a run: who was waiting, with which call, and what was explored there. */
interface ChoicePoint {
  readonly waiting: readonly WaitingCall[];
  /** Actors not to schedule here: their call commutes with what led here from an explored branch. */
  readonly sleep: ReadonlySet<ActorIndex>;
  /** Actors whose branch at this point is fully explored. */
  readonly done: Set<ActorIndex>;
  chosen: ActorIndex;
}

/** One run's chooser in a depth-first walk; `prefix` is the walk's stack of open points. */
class DepthFirstRun implements Chooser {
  readonly points: ChoicePoint[] = [];
  /** Every actor that could run was asleep at some point: this run repeats an explored one. */
  redundant = false;

  constructor(private readonly prefix: readonly ChoicePoint[]) {}

  choose(waiting: readonly WaitingCall[]): ActorIndex {
    const depth = this.points.length;
    const replayed = this.prefix[depth];
    if (replayed !== undefined) {
      if (signature(replayed.waiting) !== signature(waiting)) {
        throw new Error(
          `harness: the replay diverged at point ${depth + 1}: ${signature(waiting)} instead of ${signature(replayed.waiting)}`,
        );
      }
      this.points.push(replayed);
      return replayed.chosen;
    }
    const sleep = this.#inheritedSleep(waiting);
    const awake = waiting.filter((w) => !sleep.has(w.actor));
    const first = awake[0] ?? waiting[0];
    if (first === undefined) throw new Error('harness: nothing is waiting');
    if (awake.length === 0) this.redundant = true;
    this.points.push({ waiting, sleep, done: new Set(), chosen: first.actor });
    return first.actor;
  }

  #inheritedSleep(waiting: readonly WaitingCall[]): Set<ActorIndex> {
    const parent = this.points.at(-1);
    const sleep = new Set<ActorIndex>();
    if (parent === undefined) return sleep;
    const ran = parent.waiting.find((w) => w.actor === parent.chosen)?.call ?? '';
    for (const actor of [...parent.sleep, ...parent.done]) {
      if (actor === parent.chosen) continue;
      const call = parent.waiting.find((w) => w.actor === actor)?.call;
      const still = waiting.find((w) => w.actor === actor)?.call;
      if (call !== undefined && call === still && commute(call, ran)) sleep.add(actor);
    }
    return sleep;
  }
}

function signature(waiting: readonly WaitingCall[]): string {
  return waiting.map((w) => `${w.actor}:${w.call}`).join(',');
}

/** Enumerates every interleaving (up to commuting reads) of one pair with one lost response. */
export class DepthFirst {
  #stack: ChoicePoint[] = [];
  #finished = false;

  get finished(): boolean {
    return this.#finished;
  }

  /** The chooser for the next run. */
  next(): DepthFirstRun {
    return new DepthFirstRun(this.#stack);
  }

  /** Records a finished run and moves to the next unexplored branch. */
  advance(run: DepthFirstRun): void {
    const points = [...run.points];
    while (points.length > 0) {
      const top = points[points.length - 1] as ChoicePoint;
      top.done.add(top.chosen);
      const alternative = top.waiting.find(
        (w) => !top.sleep.has(w.actor) && !top.done.has(w.actor),
      );
      if (alternative !== undefined) {
        top.chosen = alternative.actor;
        this.#stack = points;
        return;
      }
      points.pop();
    }
    this.#stack = [];
    this.#finished = true;
  }
}

/** A schedule drawn at random: the seeded generator picks among the waiting actors. */
export class Seeded implements Chooser {
  readonly #random: () => number;

  constructor(seed: number) {
    this.#random = mulberry32(seed);
  }

  choose(waiting: readonly WaitingCall[]): ActorIndex {
    const pick = waiting[Math.floor(this.#random() * waiting.length)] ?? waiting[0];
    if (pick === undefined) throw new Error('harness: nothing is waiting');
    return pick.actor;
  }

  /** A number in [0, n). */
  below(n: number): number {
    return Math.floor(this.#random() * n);
  }
}

/** A small, well-known 32-bit PRNG: the same seed gives the same schedules on every machine. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Replays a schedule written as `AABBA`: the letters pick the actor at each point in turn. */
export class Scripted implements Chooser {
  #position = 0;

  constructor(private readonly order: string) {}

  choose(waiting: readonly WaitingCall[]): ActorIndex {
    const letter = this.order[this.#position++];
    const wanted: ActorIndex = letter === 'B' ? 1 : 0;
    const found = waiting.find((w) => w.actor === wanted) ?? waiting[0];
    if (found === undefined) throw new Error('harness: nothing is waiting');
    return found.actor;
  }
}
