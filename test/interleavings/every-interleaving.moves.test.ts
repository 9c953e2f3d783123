/**
 * Every interleaving of the moves that end a rotation or an overlap, and of two secrets naming one
 * client: finishSecret next to the reconcile's abandon and to the CLI's cancel, the reconcile next
 * to the CLI's complete, and createSecret of two secrets of one client. See explorer-suite.ts for
 * the settings and the replay variable.
 */
import { describe } from 'vitest';
import { exploreEveryInterleaving } from './explorer-suite.ts';

describe('every interleaving of two actors: abandoning, completing, a second secret', () => {
  exploreEveryInterleaving([
    'finish-abandon',
    'finish-cancel',
    'reconcile-complete',
    'two-secrets',
  ]);
});
