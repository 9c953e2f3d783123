/**
 * Builds the rotation function's bundle once per test run: the construct deploys the prebuilt
 * `dist/function/` (as the npm package does), so every synth in the tests needs it, and the tests
 * that run the bundle must run the code of this checkout.
 */
import { buildFunctionBundle } from '../bin/bundle.ts';

export function setup(): void {
  buildFunctionBundle();
}
