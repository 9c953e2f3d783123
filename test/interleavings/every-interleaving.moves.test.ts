/**
 * Every interleaving of the moves that end a rotation or an overlap, and of two secrets naming one
 * client: finishSecret next to the reconcile's abandon and to the CLI's cancel, the reconcile next
 * to the CLI's complete, and createSecret of two secrets of one client. See explorer-suite.ts for
 * the settings and the replay variable.
 */
import { describe, vi } from 'vitest';
import { exploreEveryInterleaving } from './explorer-suite.ts';

// One actor's call proceeds at a time, so an actor waiting for the other (a lease held, a paced
// Stytch call) sees no progress however long it waits: here every such wait passes at once.
vi.mock('node:timers/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:timers/promises')>();
  return { ...original, setTimeout: <T>(_ms?: number, value?: T) => original.setImmediate(value) };
});

describe('every interleaving of two actors: abandoning, completing, a second secret', () => {
  exploreEveryInterleaving([
    'finish-abandon',
    'finish-cancel',
    'reconcile-complete',
    'two-secrets',
  ]);
});
