/**
 * Every interleaving of the moves that end a rotation or an overlap with another actor: finishSecret
 * next to the reconcile's abandon and to the CLI's cancel, and the reconcile next to the CLI's
 * complete. See explorer-suite.ts for the settings and the replay variable.
 */
import { describe } from 'vitest';
import { exploreEveryInterleaving } from './explorer-suite.ts';

describe('every interleaving of two actors: abandoning and completing', () => {
  exploreEveryInterleaving(['finish-abandon', 'finish-cancel', 'reconcile-complete']);
});
