/**
 * How every fuzz property runs. fast-check rather than hand-rolled random input because it shrinks a
 * failure to a minimal counterexample and prints the seed and path that replay it exactly
 * (FC_SEED=<seed> npx vitest run test/reliability reruns the same cases); its arbitraries also
 * cover the awkward corners (lone surrogates, __proto__ keys, huge and empty values) on their own.
 */
import type { Parameters } from 'fast-check';

/** Generated cases per property; their sum is the suite's case count. */
export const FUZZ_RUNS = {
  event: 250,
  secretValue: 300,
  credentials: 200,
  configuration: 200,
  stytchAnswer: 400,
  handlerOverLocalCloud: 40,
} as const;

/** The fuzz suite's total number of generated cases. */
export const FUZZ_CASES = Object.values(FUZZ_RUNS).reduce((sum, runs) => sum + runs, 0);

const seed = process.env.FC_SEED === undefined ? undefined : Number(process.env.FC_SEED);

/**
 * Settings for a property of `numRuns` cases. `timeout` bounds each async case, so a hang fails
 * that case (and shrinks) instead of stalling the suite.
 */
export function fuzzParameters<T>(numRuns: number, timeoutMs = 5_000): Parameters<T> {
  return { numRuns, timeout: timeoutMs, ...(seed === undefined ? {} : { seed }) };
}
