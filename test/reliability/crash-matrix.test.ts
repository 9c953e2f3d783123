/**
 * The crash-point matrix: every external call a rotation makes (SSM, Secrets Manager, Stytch),
 * failed every way a call can fail (a 5xx, a timeout after the effect, a lost response, the process
 * dying right after it), in each starting state. Each cell is a fresh world; the invariants are
 * checked after every call and once the rotation has settled. The matrix is printed; any cell that
 * violates an invariant or does not converge fails the test.
 */
import { describe, expect, it } from 'vitest';
import { FAILURE_MODES } from './support/crash-cell.ts';
import { exploreScenario, failuresOf, formatMatrix } from './support/crash-matrix.ts';
import { SCENARIOS } from './support/scenarios.ts';

describe.each(SCENARIOS)('crash points of $name', (scenario) => {
  it('keeps every invariant whichever call fails and however it fails', {
    timeout: 240_000,
  }, async () => {
    // Prepare
    const concurrency = 6;

    // Act
    const matrix = await exploreScenario(scenario, { concurrency });
    console.log(formatMatrix(matrix));

    // Assess
    const servers = new Set(matrix.clean.points.map((point) => point.server));
    expect([...servers].sort()).toEqual(['lease', 'ssm', 'store', 'stytch']);
    expect(matrix.cells).toHaveLength(matrix.clean.points.length * FAILURE_MODES.length);
    // The faults bite: some cells needed Secrets Manager to retry the rotation.
    expect(matrix.cells.some((cell) => cell.rotationAttempts > 1)).toBe(true);
    expect(failuresOf(matrix)).toEqual([]);
  });
});
