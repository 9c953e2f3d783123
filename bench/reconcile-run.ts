/**
 * `npx tsx bench/reconcile-run.ts [--reconcile quick|full] [--out FILE]`: the reconcile section of
 * the benchmark alone. Prints the table (markdown) and writes every figure as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseCommandLine,
  runEntryPoint,
  silenceSdkNodeVersionNotice,
  UsageError,
} from '../local/command-line.ts';
import { reconcileCells, renderReconcileTable } from './reconcile-report.ts';
import { measureReconcileSection } from './reconcile-section.ts';

const DEFAULT_OUT = join(fileURLToPath(new URL('.', import.meta.url)), 'results', 'reconcile.json');

const USAGE = `usage: npx tsx bench/reconcile-run.ts [options]

Measures the reconcile at 10 to 10,000 managed secrets on the local cloud (see
docs/reconcile-scale.md), prints the table and writes every figure as JSON.

options:
  --reconcile SET   quick (default, about two minutes) or full (about 20 minutes)
  --out FILE        where the JSON goes (default bench/results/reconcile.json)
`;

async function main(): Promise<number> {
  silenceSdkNodeVersionNotice();
  const values = parseCommandLine(
    process.argv.slice(2),
    {
      reconcile: { type: 'string', default: 'quick' },
      out: { type: 'string', default: DEFAULT_OUT },
    },
    USAGE,
  );
  const mode = values.reconcile;
  if (mode !== 'quick' && mode !== 'full') {
    throw new UsageError(`--reconcile must be quick or full, got ${mode}`);
  }
  const runs = await measureReconcileSection(reconcileCells(mode), (line) =>
    console.error(`bench: ${line}`),
  );
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, `${JSON.stringify(runs, null, 2)}\n`);
  console.log(renderReconcileTable(runs));
  return 0;
}

runEntryPoint('bench reconcile', main);
