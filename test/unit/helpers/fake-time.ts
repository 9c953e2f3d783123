import type { Clock } from '../../../lambda/clock.ts';

/**
 * A clock that moves only when the code under test sleeps: `sleep` records the wait and advances
 * the clock by it at once, so retry tests never wait for real.
 */
export class FakeTime implements Clock {
  readonly sleeps: number[] = [];
  #epochMs: number;

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.#epochMs = start;
  }

  now(): Date {
    return new Date(this.#epochMs);
  }

  nowMs(): number {
    return this.#epochMs;
  }

  advance(ms: number): void {
    this.#epochMs += ms;
  }

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.#epochMs += ms;
  };
}
