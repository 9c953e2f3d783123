/**
 * The explorer's table, in the crash matrix's manner: one row per pair, how many interleavings and
 * lost-response variants ran, how, and how many schedules broke an invariant; then each violating
 * schedule with what broke.
 */
import type { PairReport } from './explore-pair.ts';

const MAX_LISTED_PER_PAIR = 5;

export function formatTable(reports: readonly PairReport[]): string {
  const rows = reports.map((r) => [
    r.pair.id,
    `${r.pair.actorNames[0]} | ${r.pair.actorNames[1]}`,
    `${r.interleavings} ${r.interleavingCoverage === 'exhaustive' ? '(all)' : '(seeded)'}`,
    `${r.lostResponseVariants} ${r.lostResponseCoverage === 'exhaustive' ? '(all)' : '(seeded)'}`,
    String(r.violating.length),
    String(r.runs),
    `${(r.elapsedMs / 1000).toFixed(1)} s`,
  ]);
  const header = [
    'pair',
    'actors A | B',
    'interleavings',
    'lost-response variants',
    'violating',
    'runs',
    'time',
  ];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const total = (pick: (r: PairReport) => number) => reports.reduce((sum, r) => sum + pick(r), 0);
  const seeds = [...new Set(reports.flatMap((r) => (r.seed === undefined ? [] : [r.seed])))];
  const summary =
    `${reports.length} pairs: ${total((r) => r.interleavings)} interleavings, ` +
    `${total((r) => r.lostResponseVariants)} lost-response variants, ` +
    `${total((r) => r.violating.length)} violating schedules` +
    (seeds.length > 0 ? ` (seeded schedules: INTERLEAVING_SEED=${seeds.join(',')})` : '');
  return [summary, line(header), ...rows.map(line)].join('\n');
}

/** Each violating schedule (the first few per pair), with the broken invariants and the calls. */
export function formatViolations(reports: readonly PairReport[]): string {
  const blocks: string[] = [];
  for (const report of reports) {
    if (report.violating.length === 0) continue;
    const byKind = new Map<string, number>();
    for (const v of report.violating) {
      for (const text of v.violations) {
        const kind = text.replace(/\s*\((after|by) [^)]*\)/, '');
        byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
      }
    }
    blocks.push(
      `${report.pair.id}: ${report.violating.length} violating schedules; ` +
        [...byKind].map(([kind, n]) => `${n}x ${kind}`).join('; '),
    );
    for (const v of report.violating.slice(0, MAX_LISTED_PER_PAIR)) {
      blocks.push(`  INTERLEAVING_REPLAY='${report.pair.id}:${v.schedule}'`);
      blocks.push(`    broke: ${v.violations.join('; ')}`);
      blocks.push(`    calls: ${v.calls}`);
      blocks.push(`    actors: ${v.actors}`);
    }
  }
  return blocks.join('\n');
}
