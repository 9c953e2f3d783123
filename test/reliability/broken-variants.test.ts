/**
 * Proof that the crash matrix can fail: each deliberately broken rotation below makes a plausible
 * mistake, and the matrix must report it, naming the invariant it breaks. Together they make every
 * failure mode column and every invariant fail at least once.
 */
import { describe, expect, it } from 'vitest';
import {
  blindRotateStartRetry,
  cancelAfterFailedRotate,
  logIssuedSecret,
  rotateBeforePromote,
  skipCancelOfUnheldSecret,
} from './support/broken-variants.ts';
import type { FailureMode } from './support/crash-cell.ts';
import { exploreScenario, failuresOf, formatMatrix } from './support/crash-matrix.ts';
import type { BrokenVariant } from './support/reliability-world.ts';
import { SCENARIOS } from './support/scenarios.ts';

const [, normal, overlap] = SCENARIOS;

interface BrokenCase {
  readonly title: string;
  readonly variant: BrokenVariant;
  readonly scenario: (typeof SCENARIOS)[number] | undefined;
  /** The cells to run besides the clean run: calls by name, failed in these modes. */
  readonly call?: string;
  readonly modes?: readonly FailureMode[];
  /** Each must match one reported failure. */
  readonly reported: readonly RegExp[];
}

const CASES: readonly BrokenCase[] = [
  {
    title:
      'reports invariant 1 broken, for good after a crash, when rotate runs before AWSCURRENT moves',
    variant: rotateBeforePromote,
    scenario: normal,
    call: 'stytch.rotate',
    modes: ['crash-after'],
    reported: [
      /^clean run: 1: AWSCURRENT stopped authenticating after call \d+ stytch\.rotate$/,
      /stytch\.rotate x crash-after: not-converged, .*1: AWSCURRENT does not authenticate once settled/,
    ],
  },
  {
    title: 'reports invariant 1 broken when rotate_start is retried blindly during an open overlap',
    variant: blindRotateStartRetry,
    scenario: overlap,
    reported: [
      /^clean run: 1: AWSCURRENT stopped authenticating after call \d+ stytch\.rotateCancel$/,
    ],
  },
  {
    title: 'reports invariant 1 broken when a failed rotate is cleaned up with rotate_cancel',
    variant: cancelAfterFailedRotate,
    scenario: normal,
    call: 'stytch.rotate',
    modes: ['error'],
    reported: [
      /stytch\.rotate x error: .*1: AWSCURRENT stopped authenticating after call \d+ stytch\.rotateCancel/,
    ],
  },
  {
    title:
      'reports an orphan secret and no convergence when an unheld next secret is never cancelled',
    variant: skipCancelOfUnheldSecret,
    scenario: normal,
    call: 'stytch.rotateStart',
    modes: ['timeout', 'lost-response', 'crash-after'],
    reported: ['timeout', 'lost-response', 'crash-after'].map(
      (mode) =>
        new RegExp(
          `stytch\\.rotateStart x ${mode}: not-converged, .*2: Stytch accepts 1 secret\\(s\\) the store does not hold`,
        ),
    ),
  },
  {
    title: 'reports invariant 4 broken when the new secret is logged',
    variant: logIssuedSecret,
    scenario: normal,
    reported: [/^clean run: 4: \d+ secret value\(s\) appear in logs, errors, events or tags$/],
  },
];

describe('the crash matrix against deliberately broken rotations', () => {
  it.each(CASES)('$title', { timeout: 120_000 }, async (broken) => {
    // Prepare
    if (broken.scenario === undefined) throw new Error('missing scenario');
    const only = (point: { name: string }, mode: FailureMode) =>
      point.name === broken.call && (broken.modes ?? []).includes(mode);

    // Act
    const matrix = await exploreScenario(broken.scenario, { variant: broken.variant, only });
    console.log(`${broken.variant.name}:\n${formatMatrix(matrix)}`);

    // Assess
    const failures = failuresOf(matrix);
    for (const pattern of broken.reported) {
      expect(
        failures.some((failure) => pattern.test(failure)),
        `${pattern} in ${failures.join(' | ')}`,
      ).toBe(true);
    }
  });
});
