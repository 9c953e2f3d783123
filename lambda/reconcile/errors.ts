/**
 * The reconcile's own failure: a pass that abandoned a rotation, found drift, could not inspect a
 * secret or ran out of time fails its invocation, after processing every secret, so the function's
 * Errors alarm fires and a person looks.
 */

/** What needs a person, per secret. */
export interface ReconcileFinding {
  /** The secret's name. */
  readonly secret: string;
  readonly kind: 'abandoned' | 'drift' | 'error' | 'deferred';
  /** What happened and, for drift, what to do. Never holds a secret. */
  readonly detail: string;
}

/** How many findings the message lists before "and N more". */
const LISTED_IN_MESSAGE = 20;

/** A pass that needs attention (code `RECONCILE_NEEDS_ATTENTION`); lists every finding. */
export class ReconcileAttentionError extends Error {
  override readonly name = 'ReconcileAttentionError';
  readonly code = 'RECONCILE_NEEDS_ATTENTION';
  readonly findings: readonly ReconcileFinding[];

  constructor(findings: readonly ReconcileFinding[]) {
    const listed = findings
      .slice(0, LISTED_IN_MESSAGE)
      .map((f) => `${f.secret}: ${f.kind}: ${f.detail}`);
    const more = findings.length - listed.length;
    super(
      `reconcile: ${findings.length} secret${findings.length === 1 ? '' : 's'} need attention: ` +
        `${listed.join(' | ')}${more > 0 ? ` | and ${more} more (see the log lines of this pass)` : ''}`,
    );
    this.findings = [...findings];
  }
}
