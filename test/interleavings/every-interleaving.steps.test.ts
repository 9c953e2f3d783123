/**
 * Every interleaving of a rotation step with another actor on the same client: the same step run
 * twice, createSecret next to the reconcile, and a step next to a person's PutSecretValue. See
 * explorer-suite.ts for the settings and the replay variable; the other pairs run in
 * every-interleaving.moves.test.ts, in vitest's other worker.
 */
import { describe } from 'vitest';
import { exploreEveryInterleaving } from './explorer-suite.ts';

describe('every interleaving of two actors: rotation steps', () => {
  exploreEveryInterleaving(['same-step', 'create-reconcile', 'step-person']);
});
