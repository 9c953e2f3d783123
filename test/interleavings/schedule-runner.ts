/**
 * Runs two actors so that exactly one external call is in flight at any moment. Every external call
 * an actor makes passes a gate; once every actor is either waiting at a gate or finished, a
 * {@link Chooser} picks which waiting actor's call goes next. The picked call runs to its end
 * (retries included), the hooks observe the world right before and after it, and the actor then
 * runs on until its next gate. With the same choices, a run from the same starting state makes the
 * same calls in the same order, so a schedule can be replayed from a fresh world.
 */

/** Actors are numbered 0 and 1 and shown as A and B. */
export type ActorIndex = 0 | 1;

export const ACTOR_LETTERS = ['A', 'B'] as const;

/** An actor waiting at a gate, and the call it is about to make (`store.describe`, …). */
export interface WaitingCall {
  readonly actor: ActorIndex;
  readonly call: string;
}

/** Picks the next call among the waiting ones (at least one). */
export interface Chooser {
  choose(waiting: readonly WaitingCall[]): ActorIndex;
}

/** One call as it ran: its position in the run and in its actor's own sequence. */
export interface GatedCall {
  /** 1-based position among all calls of the run. */
  readonly index: number;
  readonly actor: ActorIndex;
  /** 1-based position among this actor's calls. */
  readonly ordinal: number;
  readonly call: string;
  /** The local server the call reaches, as named by the lane (`store`, `stytch`, …). */
  readonly server: string;
}

export interface RunHooks {
  /**
   * Right before the call leaves: where a lost response is armed. Returning true loses the
   * answer at the gate instead (the call takes effect, then the caller gets an error).
   */
  before(call: GatedCall): boolean;
  /** Right after the call settled, whatever its result: where the world is checked and faults cleared. */
  after(call: GatedCall): void;
}

/** How one actor ended: its own errors are outcomes, not harness failures. */
export interface ActorResult {
  readonly ok: boolean;
  readonly detail: string;
}

interface Waiter {
  readonly call: string;
  readonly proceed: () => void;
}

/** What the caller of a call sees when its answer is lost at the gate. */
export class LostAnswerError extends Error {
  override readonly name = 'LostAnswerError';
}

/** More calls than any two actors here make: a run past it is looping (e.g. polling a lease). */
const MAX_CALLS_PER_RUN = 400;

/** A run never needs this long; a longer one is stuck in the harness, not in the product. */
const RUN_TIMEOUT_MS = 60_000;

export class ScheduleRunner {
  readonly calls: GatedCall[] = [];
  /** Calls waiting at a gate, per actor, in arrival order (an actor may read in parallel). */
  readonly #waiting: Waiter[][] = [[], []];
  readonly #inFlight = [0, 0];
  readonly #finished = [false, false];
  readonly #ordinals = [0, 0];
  #wake: (() => void) | undefined;

  constructor(
    private readonly chooser: Chooser,
    private readonly hooks: RunHooks,
  ) {}

  /** The gate of `actor`: resolves with `run`'s result once the chooser lets the call go. */
  async gate<R>(
    actor: ActorIndex,
    call: string,
    server: string,
    run: () => Promise<R>,
  ): Promise<R> {
    await new Promise<void>((proceed) => {
      this.#waiting[actor]?.push({ call, proceed });
      this.#signal();
    });
    if (this.calls.length >= MAX_CALLS_PER_RUN) {
      throw new Error(
        `harness: more than ${MAX_CALLS_PER_RUN} calls in one run; an actor is looping`,
      );
    }
    this.#inFlight[actor] += 1;
    this.#ordinals[actor] += 1;
    const gated: GatedCall = {
      index: this.calls.length + 1,
      actor,
      ordinal: this.#ordinals[actor] ?? 0,
      call,
      server,
    };
    this.calls.push(gated);
    const loseAnswer = this.hooks.before(gated);
    try {
      const result = await run();
      if (loseAnswer) throw new LostAnswerError(`the answer of ${call} was lost (injected)`);
      return result;
    } finally {
      this.hooks.after(gated);
      this.#inFlight[actor] -= 1;
      this.#signal();
    }
  }

  /** Runs both actors to their end under the chooser; resolves with how each ended. */
  async run(
    actors: readonly [() => Promise<string>, () => Promise<string>],
  ): Promise<ActorResult[]> {
    const results: ActorResult[] = [];
    const started = actors.map((actor, i) =>
      actor()
        .then(
          (detail) => {
            results[i] = { ok: true, detail };
          },
          (error: unknown) => {
            results[i] = { ok: false, detail: describe(error) };
          },
        )
        .finally(() => {
          this.#finished[i] = true;
          this.#signal();
        }),
    );
    const deadline = performance.now() + RUN_TIMEOUT_MS;
    for (;;) {
      await this.#untilEveryActorWaitsOrFinished(deadline);
      const waiting = ([0, 1] as const).flatMap((actor) => {
        const waiter = this.#waiting[actor]?.[0];
        return waiter ? [{ actor, call: waiter.call }] : [];
      });
      if (waiting.length === 0) break;
      const actor = this.chooser.choose(waiting);
      const waiter = this.#waiting[actor]?.shift();
      if (!waiter)
        throw new Error(`harness: the chooser picked actor ${actor}, which is not waiting`);
      waiter.proceed();
    }
    await Promise.all(started);
    return results;
  }

  /** Every actor has finished, or has no call in flight and one waiting at a gate. */
  #settled(): boolean {
    return [0, 1].every(
      (i) => this.#finished[i] || (this.#inFlight[i] === 0 && (this.#waiting[i]?.length ?? 0) > 0),
    );
  }

  async #untilEveryActorWaitsOrFinished(deadline: number): Promise<void> {
    for (;;) {
      await this.#untilSettled(deadline);
      // An actor whose parallel reads are waiting may still be running the code after the call
      // that just ended; give it a turn of the event loop, and decide only if nothing moved.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#settled()) return;
    }
  }

  async #untilSettled(deadline: number): Promise<void> {
    while (!this.#settled()) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw new Error('harness: an actor neither reached a call nor finished');
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        timer = setTimeout(resolve, remaining);
      });
      clearTimeout(timer);
    }
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

/** An actor's error as one line: its code or name and message (the product never puts a secret there). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${typeof code === 'string' ? code : error.name}: ${error.message}`;
}
