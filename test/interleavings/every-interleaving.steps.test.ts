/**
 * Every interleaving of a rotation step with another actor on the same client: the same step run
 * twice, createSecret next to the reconcile, and a step next to a person's PutSecretValue. See
 * explorer-suite.ts for the settings and the replay variable; the other pairs run in
 * every-interleaving.moves.test.ts, in vitest's other worker.
 */
import { describe, vi } from 'vitest';
import { exploreEveryInterleaving } from './explorer-suite.ts';

// One actor's call proceeds at a time, so an actor waiting for the other (a lease held, a paced
// Stytch call) sees no progress however long it waits: here every such wait passes at once.
vi.mock('node:timers/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:timers/promises')>();
  return { ...original, setTimeout: <T>(_ms?: number, value?: T) => original.setImmediate(value) };
});

describe('every interleaving of two actors: rotation steps', () => {
  exploreEveryInterleaving(['same-step', 'create-reconcile', 'step-person']);
});
