/** Runs the reconcile cells one after another (each on a fresh local cloud). */
import type { ReconcileCell } from './reconcile-report.ts';
import { measureReconcilePass, type ReconcileRun } from './reconcile-scale.ts';

export async function measureReconcileSection(
  cells: readonly ReconcileCell[],
  log: (line: string) => void,
): Promise<ReconcileRun[]> {
  const runs: ReconcileRun[] = [];
  for (const cell of cells) {
    log(`reconcile: ${cell.secrets} secrets, ${cell.case}, ${cell.latencyMs} ms per call`);
    const run = await measureReconcilePass(cell.secrets, cell.case, cell.latencyMs);
    log(
      `reconcile:   ${(run.wallMs / 1000).toFixed(1)} s in ${run.invocations} invocation(s), ` +
        `${run.valuesRead} values read, ${run.overlapsCompleted}/${run.overlapsDue} overlaps completed`,
    );
    runs.push(run);
  }
  return runs;
}
