/**
 * The crash-point matrix of one scenario: the clean run fixes the rows (every call the rotation
 * makes), the failure modes are the columns, and each cell runs in its own world. Cells run a few at
 * a time: each world has its own servers, clock and containers, so they share nothing.
 */
import {
  type CellResult,
  type CellStatus,
  FAILURE_MODES,
  type FailureMode,
  runCell,
} from './crash-cell.ts';
import type { BrokenVariant } from './reliability-world.ts';
import { runLimited } from './run-limited.ts';
import { type CallPoint, type CleanRun, recordCleanRun, type Scenario } from './scenarios.ts';

export interface Matrix {
  readonly scenario: Scenario;
  readonly clean: CleanRun;
  readonly cells: readonly CellResult[];
}

export interface ExploreOptions {
  readonly variant?: BrokenVariant;
  /** Only these cells (e.g. to prove one cell catches a broken variant). @default every cell */
  readonly only?: (point: CallPoint, mode: FailureMode) => boolean;
  /** Cells in flight at once. @default 4 */
  readonly concurrency?: number;
}

export async function exploreScenario(
  scenario: Scenario,
  options: ExploreOptions = {},
): Promise<Matrix> {
  const clean = await recordCleanRun(scenario, options.variant);
  const work = clean.points.flatMap((point) =>
    FAILURE_MODES.filter((mode) => options.only?.(point, mode) ?? true).map(
      (mode) => () => runCell(scenario, point, mode, options.variant),
    ),
  );
  const cells = await runLimited(work, options.concurrency ?? 4);
  return { scenario, clean, cells };
}

/** Every cell that is not `converged` or `recovered-by-reconcile`, and the clean run's own violations. */
export function failuresOf(matrix: Matrix): string[] {
  const clean = matrix.clean.violations.map((v) => `clean run: ${v}`);
  const cells = matrix.cells
    .filter((cell) => cell.status === 'violated' || cell.convergence === 'not-converged')
    .map(
      (cell) =>
        `${cell.point.index}. ${cell.point.name} x ${cell.mode}: ${cell.convergence}` +
        (cell.violations.length > 0 ? `, ${cell.violations.join('; ')}` : ''),
    );
  return [...clean, ...cells];
}

const CELL_TEXT: Readonly<Record<CellStatus, string>> = {
  converged: 'converged',
  'recovered-by-reconcile': 'reconciled',
  'not-converged': 'NOT CONVERGED',
  violated: 'VIOLATED',
};

/** The matrix as a text table: rows `k. call (operation)`, one column per failure mode. */
export function formatMatrix(matrix: Matrix): string {
  const { clean, cells, scenario } = matrix;
  const label = (p: CallPoint) => `${String(p.index).padStart(2)}. ${p.name} (${p.operation})`;
  const width = Math.max(...clean.points.map((p) => label(p).length), 10);
  const cellWidth =
    Math.max(
      ...Object.values(CELL_TEXT).map((t) => t.length),
      ...FAILURE_MODES.map((m) => m.length),
    ) + 2;
  const header = `${'crash point'.padEnd(width)}  ${FAILURE_MODES.map((m) => m.padEnd(cellWidth)).join('')}`;
  const rows = clean.points.map((point) => {
    const texts = FAILURE_MODES.map((mode) => {
      const cell = cells.find((c) => c.point.index === point.index && c.mode === mode);
      return (cell ? CELL_TEXT[cell.status] : '-').padEnd(cellWidth);
    });
    return `${label(point).padEnd(width)}  ${texts.join('')}`;
  });
  const counts = countStatuses(cells);
  const summary = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const cleanLine =
    clean.violations.length === 0 ? 'clean run: ok' : `clean run: ${clean.violations.join('; ')}`;
  return [
    `crash points of ${scenario.name}: ${clean.points.length} calls x ${FAILURE_MODES.length} failure modes = ${cells.length} cells (${summary})`,
    cleanLine,
    header,
    ...rows,
  ].join('\n');
}

function countStatuses(cells: readonly CellResult[]): Record<CellStatus, number> {
  const counts: Record<CellStatus, number> = {
    converged: 0,
    'recovered-by-reconcile': 0,
    'not-converged': 0,
    violated: 0,
  };
  for (const cell of cells) counts[cell.status] += 1;
  return counts;
}
