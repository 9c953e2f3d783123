/**
 * The reconcile section of the benchmark: which cases run, and the table and monthly projection
 * rendered from their measurements.
 */
import type { ReconcileCase, ReconcileRun } from './reconcile-scale.ts';

/** One measurement to make. */
export interface ReconcileCell {
  readonly secrets: number;
  readonly case: ReconcileCase;
  readonly latencyMs: number;
}

/**
 * What `npm run bench` measures (`quick`, about two minutes on a busy 2-core machine): every size
 * idle and 1 % due up to 1,000 secrets at both latencies, 10,000 idle without latency, and 100 % due
 * for 10 secrets. `full` adds the cases paced by Stytch's budget or the 10,000-secret seeding: 100 and
 * 1,000 × 100 % due (30 s and 300 s: 3 calls per overlap at 10 a second) and 10,000 idle and 1 % due
 * at both latencies. 10,000 × 100 % due (50 minutes of Stytch budget) is not run;
 * docs/reconcile-scale.md projects it.
 */
export function reconcileCells(mode: 'quick' | 'full'): ReconcileCell[] {
  const cells: ReconcileCell[] = [];
  for (const latencyMs of [0, 200]) {
    for (const secrets of [10, 100, 1_000, 10_000]) {
      for (const kase of ['idle', '1% due', '100% due'] as const) {
        if (kase === '100% due' && secrets === 10_000) continue;
        if (mode === 'quick' && !inQuickRun(secrets, kase, latencyMs)) continue;
        cells.push({ secrets, case: kase, latencyMs });
      }
    }
  }
  return cells;
}

function inQuickRun(secrets: number, kase: ReconcileCase, latencyMs: number): boolean {
  if (secrets === 10_000) return kase === 'idle' && latencyMs === 0;
  if (kase === '100% due') return secrets === 10;
  return secrets <= 1_000;
}

/** Passes in 30 days at the default 15-minute interval. */
export const PASSES_PER_MONTH = 30 * 24 * 4;
/** Secrets Manager list price, us-east-1: $0.05 per 10,000 API calls. */
export const SECRETS_MANAGER_USD_PER_CALL = 0.05 / 10_000;

const total = (calls: Readonly<Record<string, number>>) =>
  Object.values(calls).reduce((sum, n) => sum + n, 0);
/** `12 (DescribeSecret 4, GetSecretValue 8)`, or `0`. */
const withOperations = (calls: Readonly<Record<string, number>>) => {
  const parts = Object.entries(calls)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op} ${n}`);
  return parts.length === 0 ? '0' : `${total(calls)} (${parts.join(', ')})`;
};

/** The markdown table of the runs. */
export function renderReconcileTable(runs: readonly ReconcileRun[]): string {
  const lines = [
    '| secrets | case | latency | invocations | pass wall time | Secrets Manager calls | Stytch calls | values read | audited | overlaps completed (last at) | monthly SM calls (cost) | monthly Stytch calls |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const run of runs) {
    const sm = total(run.secretsManager);
    const stytch = total(run.stytch);
    const completed =
      run.overlapsDue === 0
        ? '—'
        : `${run.overlapsCompleted}/${run.overlapsDue} (${((run.lastCompletionMs ?? 0) / 1000).toFixed(1)} s)`;
    lines.push(
      `| ${run.secrets.toLocaleString('en-US')} | ${run.case} | ${run.latencyMs} ms | ${run.invocations} | ` +
        `${(run.wallMs / 1000).toFixed(1)} s | ${withOperations(run.secretsManager)} | ` +
        `${withOperations(run.stytch)} | ${run.valuesRead} | ${run.audited} | ${completed} | ` +
        `${(sm * PASSES_PER_MONTH).toLocaleString('en-US')} ($${(sm * PASSES_PER_MONTH * SECRETS_MANAGER_USD_PER_CALL).toFixed(2)}) | ` +
        `${(stytch * PASSES_PER_MONTH).toLocaleString('en-US')} |`,
    );
  }
  return lines.join('\n');
}

/** The reconcile interval the targets are stated for, ms. */
const INTERVAL_MS = 15 * 60_000;

/** The targets, checked against whichever runs were measured. */
export function reconcileTargets(
  runs: readonly ReconcileRun[],
): Array<{ readonly met: boolean; readonly text: string }> {
  const targets: Array<{ met: boolean; text: string }> = [];
  for (const run of runs.filter((r) => r.case === 'idle' && r.latencyMs === 0)) {
    const lists = run.secretsManager.ListSecrets ?? 0;
    const slice = Math.ceil(run.secrets / 96);
    // Values are read only in the audit slice: at most AWSCURRENT and AWSPREVIOUS of each audited.
    const ok =
      lists === Math.ceil(run.secrets / 100) &&
      run.audited <= slice &&
      run.valuesRead <= 2 * run.audited;
    targets.push({
      met: ok,
      text:
        `${run.secrets.toLocaleString('en-US')} idle: ${lists} ListSecrets (⌈N/100⌉ = ` +
        `${Math.ceil(run.secrets / 100)}), ${run.audited} audited (≤ ⌈N/96⌉ = ${slice}), ` +
        `${run.valuesRead} values read (≤ 2 per audited secret)`,
    });
  }
  for (const run of runs.filter((r) => r.case === 'idle' && r.secrets === 10_000)) {
    targets.push({
      met: run.invocations === 1,
      text: `10,000 idle secrets at ${run.latencyMs} ms per call: ${run.invocations} invocation(s), ${(run.wallMs / 1000).toFixed(1)} s`,
    });
  }
  for (const run of runs.filter((r) => r.case === '100% due' && r.secrets === 1_000)) {
    // Worst case: the first pass starts one interval after the due time (it just missed it).
    const lateMs = INTERVAL_MS + (run.lastCompletionMs ?? Number.POSITIVE_INFINITY);
    targets.push({
      met: run.overlapsCompleted === run.overlapsDue && lateMs <= 2 * INTERVAL_MS,
      text:
        `1,000 overlaps due together at ${run.latencyMs} ms per call: ${run.overlapsCompleted} ` +
        `completed in ${run.invocations} invocation(s), the last ${((run.lastCompletionMs ?? 0) / 1000).toFixed(0)} s ` +
        `after the pass started: at worst D + ${(lateMs / 60_000).toFixed(1)} min (target D + 30 min)`,
    });
  }
  return targets;
}
