import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  deadlineFrom,
  mayRetry,
  parseRetryAfter,
  resolveRetryOptions,
} from '../../../lambda/stytch/retry.ts';
import { FakeTime } from '../helpers/fake-time.ts';

const NOW = new Date('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it.each([
    ['3', 3000],
    [' 0 ', 0],
    ['Thu, 01 Jan 2026 00:00:05 GMT', 5000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
  ])('reads %j as %i ms', (header, ms) => {
    expect(parseRetryAfter(header, NOW)).toBe(ms);
  });

  it.each([[undefined], [''], ['soon'], ['-1']])('ignores %j', (header) => {
    expect(parseRetryAfter(header, NOW)).toBeUndefined();
  });

  it('reads the first of repeated headers', () => {
    expect(parseRetryAfter(['2', '9'], NOW)).toBe(2000);
  });
});

describe('backoffMs', () => {
  const options = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 1000 });

  it('doubles the ceiling per retry up to the cap (full jitter at its top)', () => {
    const almostOne = () => 0.999_999;
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffMs(retry, options, almostOne))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
  });

  it('can wait nothing at all (full jitter at its bottom)', () => {
    expect(backoffMs(3, options, () => 0)).toBe(0);
  });
});

describe('mayRetry', () => {
  it.each([
    ['repeatable', { kind: 'status', status: 429 }, true],
    ['repeatable', { kind: 'status', status: 503 }, true],
    ['repeatable', { kind: 'status', status: 400 }, false],
    ['repeatable', { kind: 'unreadable', status: 502 }, true],
    ['repeatable', { kind: 'unreadable', status: 200 }, false],
    ['repeatable', { kind: 'transport', requestMayHaveArrived: true, deadline: false }, true],
    ['repeatable', { kind: 'transport', requestMayHaveArrived: false, deadline: true }, false],
    ['unless-applied', { kind: 'status', status: 429 }, true],
    ['unless-applied', { kind: 'status', status: 500 }, false],
    ['unless-applied', { kind: 'unreadable', status: 502 }, false],
    ['unless-applied', { kind: 'transport', requestMayHaveArrived: false, deadline: false }, true],
    ['unless-applied', { kind: 'transport', requestMayHaveArrived: true, deadline: false }, false],
  ] as const)('policy %s after %j: %s', (policy, failed, expected) => {
    expect(mayRetry(policy, failed)).toBe(expected);
  });
});

describe('resolveRetryOptions', () => {
  it('rejects zero attempts', () => {
    expect(() => resolveRetryOptions({ maxAttempts: 0 })).toThrow(/maxAttempts/);
  });

  it('rejects a negative delay', () => {
    expect(() => resolveRetryOptions({ baseDelayMs: -1 })).toThrow(/baseDelayMs/);
  });
});

describe('deadlineFrom', () => {
  it('is now plus the remaining time minus the margin', () => {
    const time = new FakeTime(1_000_000);
    expect(deadlineFrom(30_000, 5_000, time)).toBe(1_025_000);
  });
});
