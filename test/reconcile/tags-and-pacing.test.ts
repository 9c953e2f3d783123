import { describe, expect, it } from 'vitest';
import {
  createRateLimiter,
  forEachConcurrently,
  type PacingTime,
} from '../../lambda/reconcile/pacing.ts';
import {
  formatLastError,
  formatOverlapSince,
  parseLastError,
  parseOverlapSince,
} from '../../lambda/reconcile/tags.ts';

describe('the bookkeeping tags', () => {
  it('round-trip the overlap start', () => {
    // Prepare
    const since = new Date('2026-01-01T01:02:03.004Z');

    // Act
    const parsed = parseOverlapSince(
      formatOverlapSince('a1b2c3d4-0000-4000-8000-000000000000', since),
    );

    // Assess
    expect(parsed).toEqual({ versionId: 'a1b2c3d4-0000-4000-8000-000000000000', since });
    expect(parseOverlapSince('no-time-here')).toBeUndefined();
    expect(parseOverlapSince('v@not-a-date')).toBeUndefined();
  });

  it("keep a last error within Secrets Manager's tag alphabet and 256 characters", () => {
    // Prepare
    const message = `Stytch "rotate" failed (HTTP 500); see {request}, ${'x'.repeat(400)}`;

    // Act
    const value = formatLastError({ token: 'tok', step: 'setSecret', code: 'STYTCH_API', message });

    // Assess
    expect(value.length).toBeLessThanOrEqual(256);
    expect(value).toMatch(/^[\p{L}\p{N}\s_.:/=+\-@]*$/u);
    expect(parseLastError(value)).toMatchObject({
      token: 'tok',
      step: 'setSecret',
      code: 'STYTCH_API',
    });
    expect(parseLastError(value)?.message).toMatch(
      /^Stytch rotate failed HTTP 500 see request x+\.\.\.$/,
    );
  });
});

describe('pacing', () => {
  it('spaces Stytch calls at the configured rate', async () => {
    // Prepare: a clock that moves only when the limiter sleeps
    let now = 0;
    const starts: number[] = [];
    const time: PacingTime = {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    };
    const limiter = createRateLimiter(4, time);

    // Act
    for (let i = 0; i < 5; i++) {
      await limiter.acquire();
      starts.push(now);
    }

    // Assess
    expect(starts).toEqual([0, 250, 500, 750, 1000]);
  });

  it('keeps at most the configured number of secrets in flight, and visits each once', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    const seen: number[] = [];

    // Act
    await forEachConcurrently([...Array(20).keys()], 3, async (item) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(item);
      inFlight -= 1;
    });

    // Assess
    expect(most).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
  });
});
