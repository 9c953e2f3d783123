import type { Clock } from '../lambda/clock.ts';

/** A clock that only moves when told to, shared by the local cloud and the code under test. */
export class ManualClock implements Clock {
  #epochMs: number;

  constructor(start: Date = new Date('2026-01-01T00:00:00Z')) {
    this.#epochMs = start.getTime();
  }

  now(): Date {
    return new Date(this.#epochMs);
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError(`a clock only moves forward, got ${ms} ms`);
    this.#epochMs += ms;
  }
}
