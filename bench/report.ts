/**
 * bench/results/report.md: the figures as tables, the targets, why a missed one is missed, and the
 * memory advice. Everything comes from the results object that is also written as report.json.
 */
import { memorySection, minimumTableSection, missesSection } from './analysis.ts';
import { kb, mb, ms, pct, table } from './format.ts';
import type { TimedRotation } from './latency.ts';
import { reconcileTargets, renderReconcileTable } from './reconcile-report.ts';
import type { ReconcileRun } from './reconcile-scale.ts';
import type { BenchResults } from './results.ts';
import { round } from './stats.ts';
import { shippedRuns } from './targets.ts';

export function renderReport(r: BenchResults): string {
  return [
    header(r),
    targetsSection(r),
    bundleSection(r),
    coldStartSection(r),
    footprintSection(r),
    callsSection(r),
    minimumTableSection(r),
    latencySection(r),
    missesSection(r),
    memorySection(r),
    ...(r.reconcile === undefined ? [] : [reconcileSection(r.reconcile)]),
  ].join('\n\n');
}

function header(r: BenchResults): string {
  const m = r.machine;
  const f = r.function;
  return [
    '# Benchmark: bundle, cold start, calls and cost per rotation',
    `Generated ${r.generatedAt} by \`${r.command}\` in ${r.durationSeconds.toFixed(0)} s. Regenerate with the same command.`,
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${mb(m.memoryBytes)}, ${m.platform}, Node ${m.nodeVersion}. 1-minute load average ${m.loadAverageAtStart.toFixed(2)} at the start and ${m.loadAverageAtEnd.toFixed(2)} at the end (other work on the machine inflates wall times; CPU times move less).`,
    `- Function as synthesized: ${f.runtime} on ${f.architecture}, ${f.memorySizeMb} MB, timeout ${f.timeoutSeconds} s (${f.stackName}/${f.logicalId}). The figures come from this machine's Node and CPU, not from Lambda's nodejs22.x on Graviton: treat them as relative, and absolute only to within that difference.`,
    '- Everything runs on 127.0.0.1: the local Secrets Manager, SSM and Stytch, and the synthesized bundle in a Lambda-like worker process (local/process-invoker.ts).',
  ].join('\n');
}

function targetsSection(r: BenchResults): string {
  const rows = r.targets.map((t) => [
    t.name,
    t.goal,
    // A ratio near its limit needs its decimals: 1.11 is not 1.1.
    `${t.unit.startsWith('×') ? t.value.toFixed(3) : round(t.value)} ${t.unit}`,
    t.met ? 'met' : '**missed**',
    t.basis,
  ]);
  return [
    '## Targets',
    table(['target', 'goal', 'figure', 'verdict', 'measured as'], rows),
    `Recommended memory: **${r.memory.recommendedMb} MB** (the stack sets ${r.memory.configuredMb} MB); see the last section.`,
  ].join('\n\n');
}

function bundleSection(r: BenchResults): string {
  const b = r.bundle;
  const shipped = b.builds.find((x) => x.name === 'shipped');
  const drift =
    b.rebuildDriftBytes === 0
      ? "The esbuild rebuild with the stack's options is exactly as large as the asset, so the breakdown below is the asset's."
      : `**The rebuild differs from the asset by ${b.rebuildDriftBytes} bytes**: either lambda/ changed since \`cdk synth\` ran (\`npm run bench\` synthesizes first), or the bundle in dist/function is stale (\`npm run bundle\`). The breakdown below is the rebuild's.`;
  const shares = (list: readonly { name: string; bytes: number; share: number }[]) =>
    table(
      ['', 'bytes in output', 'share'],
      list.map((x) => [`\`${x.name}\``, kb(x.bytes), pct(x.share)]),
    );
  return [
    '## Bundle',
    `The asset's entry file: **${kb(b.synthesized.bytes)}** raw, **${kb(b.synthesized.gzipBytes)}** gzipped (-9, about its share of the deployment zip). ${drift}`,
    '### What takes the bytes, by package (esbuild metafile)',
    shipped ? shares(shipped.topPackages) : '',
    '### Largest input files',
    shipped ? shares(shipped.topFiles) : '',
    '### Variants (same entry and options, one thing changed)',
    table(
      ['variant', 'raw', 'gzipped'],
      [
        ['asset from `cdk synth`', kb(b.synthesized.bytes), kb(b.synthesized.gzipBytes)],
        ...b.builds.map((x) => [`${x.name}: ${x.description}`, kb(x.bytes), kb(x.gzipBytes)]),
      ],
    ),
    "`sdk-external` is what the nodejs22.x runtime would run with its own copy of AWS SDK v3: the zip shrinks by the SDK's share, but the SDK version becomes whatever AWS ships in the runtime at the time (it changes without a deploy, and is not the version the tests ran against). The stack bundles the SDK: the version is pinned by package-lock.json, and the cold start is cheaper (next section).",
  ].join('\n\n');
}

function coldStartSection(r: BenchResults): string {
  const c = r.coldStart;
  const rows = c.imports.map((i) => [
    i.name,
    ms(i.processWallMs),
    `**${ms(i.overheadMs)}**`,
    ms(i.importWallMs),
    ms(i.importCpuMs),
    mb(i.maxRssBytes),
  ]);
  return [
    '## Cold start: importing the bundle in a fresh process',
    `Median of ${c.runs} runs per bundle, interleaved with bare runs. \`node -e 0\` takes ${ms(c.bareProcessWallMs)} (${ms(c.bareModuleProcessWallMs)} in module mode, which any ESM handler pays) and peaks at ${mb(c.bareMaxRssBytes)}.`,
    table(
      [
        'bundle',
        'process wall',
        'over bare `node -e 0`',
        'import() wall',
        'import() CPU',
        'peak RSS after import',
      ],
      rows,
    ),
    'The import is measured three ways: the whole process from spawn to exit (the headline, minus the bare process), the `import()` alone inside the process, and its CPU time (least disturbed by other load). Variants other than the asset and `sdk-external` are ablations that leave a dependency out (they import but cannot rotate), and one what-if (`node-http`) that can rotate.',
  ].join('\n\n');
}

function footprintSection(r: BenchResults): string {
  const rows = r.footprint.map((f) => [
    f.bundle,
    f.setting,
    f.kind,
    ms(f.importCpuMs),
    ms(f.coldRotationCpuMs),
    `${ms(f.warmRotationCpuMs)} (p90 ${ms(f.warmRotationCpuP90Ms)})`,
    f.warmStepCpuMs.map((x) => round(x)).join(' / '),
    mb(f.peakRssAfterFirstBytes),
    mb(f.peakRssAfterAllBytes),
    mb(f.rssAfterAllBytes),
  ]);
  const warm = shippedRuns(r.footprint).map((f) => f.warmRotationCpuMs);
  return [
    '## Handler overhead and peak memory, zero latency',
    `Each row is a fresh worker: it imports the bundle, runs one rotation (cold), reports, runs ${r.settings.footprintRotations} more (warm) and reports again. CPU is process.cpuUsage() inside the worker around each invocation's promise, so waiting on a socket costs nothing and what is counted is the function's own work: the steps, the SDK, undici, logging and garbage collection. It counts all of the process's threads, V8's background compilers and GC helpers included, which on Lambda share the function's CPU allotment; so it can exceed the wall time the function spends outside its calls. Peak RSS is the worker's getrusage ru_maxrss (the same figure as VmHWM in /proc/self/status, which the JSON also records), i.e. the most memory the process ever held, the figure Lambda reports as Max Memory Used (plus the runtime client, which the local worker stands in for). "Lambda N MB heap limits" starts the worker with the V8 flags Lambda's Node.js bootstrap derives from the memory size (semi space memory/20 MB, old space 90 %).`,
    table(
      [
        'bundle',
        'worker settings',
        'client',
        'import CPU',
        'cold rotation CPU',
        'warm rotation CPU, median',
        'warm CPU per step (create / set / test / finish)',
        'peak RSS after first rotation',
        `peak RSS after ${r.settings.footprintRotations + 1}`,
        'RSS at the end',
      ],
      rows,
    ),
    `The handler's own cost per warm rotation is ${ms(Math.min(...warm))}–${ms(Math.max(...warm))} of CPU on this machine.`,
  ].join('\n\n');
}

function callsSection(r: BenchResults): string {
  const rows = r.calls.scenarios.map((s) => [
    s.kind,
    `${s.completionDelaySeconds} s`,
    s.rotation,
    String(s.byService['Secrets Manager']),
    String(s.byService.SSM),
    String(s.byService.Stytch),
    String(s.byService.DynamoDB),
    `**${s.total}**`,
    String(s.minimum),
    s.extra.length === 0 ? '—' : s.extra.join('; '),
  ]);
  const reconcile = r.calls.reconcile.map((o) => {
    const list = o.calls.map((c) => `${c.service} ${c.operation}`).join(', ');
    return `- ${o.kind}: ${o.calls.length} calls (${list})${o.completedOverlap ? '' : '; it did **not** complete the overlap, the bench completed it at the local Stytch'}.`;
  });
  return [
    '## Calls per rotation',
    "Counted from the local servers' request logs, per invocation. A bootstrap rotation starts from a secret holding only `client_id`; a cold container is a fresh worker (it reads the credentials from SSM and, for a Connected App, calibrates the token-endpoint probe once); a warm one has both cached. With a completion delay above 0, finishSecret tags the overlap's start instead of completing Stytch's rotation, and the scheduled reconcile completes it later.",
    table(
      [
        'client',
        'delay',
        'rotation',
        'Secrets Manager',
        'SSM',
        'Stytch',
        'DynamoDB',
        'total',
        'minimum',
        'beyond the minimum',
      ],
      rows,
    ),
    leaseSection(r),
    reconcile.length === 0
      ? ''
      : `The reconcile run that completed each overlap (once the delay had passed), not part of the rotation:\n${reconcile.join('\n')}`,
  ].join('\n\n');
}

/** What the per-client lease costs each rotation: calls and server time. */
function leaseSection(r: BenchResults): string {
  const rows = r.calls.scenarios.map((s) => [
    s.kind,
    `${s.completionDelaySeconds} s`,
    s.rotation,
    Object.entries(s.lease.dynamoDbCallsPerStep)
      .map(([step, n]) => `${step} ${n}`)
      .join(', '),
    `**${s.lease.dynamoDbCalls}**`,
    String(s.lease.rereads),
    ms(s.lease.serverMs),
  ]);
  return [
    '### What the per-client lease costs',
    "Each step takes the client's lease (DynamoDB PutItem), re-reads the labels under it (DescribeSecret) and gives it back (UpdateItem): 2 DynamoDB calls and 1 Secrets Manager call per step. The time is the servers' own time for those calls on the local cloud (no latency injected); against AWS each adds one round trip, so with the end-to-end section's latency per call they add 3 × that latency per step.",
    table(
      [
        'client',
        'delay',
        'rotation',
        'DynamoDB calls by step',
        'per rotation',
        're-reads',
        'server time',
      ],
      rows,
    ),
  ].join('\n\n');
}

function latencySection(r: BenchResults): string {
  const row = (kind: string, label: string, t: TimedRotation) => [
    kind,
    label,
    String(t.calls),
    ms(t.floorMs),
    ms(t.wallMs),
    `**${t.ratio.toFixed(3)}**`,
    ms(t.serverExtraMs),
    `${ms(t.functionExtraMs)} (CPU ${ms(t.functionCpuMs)})`,
    ms(t.dispatchMs),
  ];
  const rows = r.latency.flatMap((run) => [
    row(run.kind, 'warm, median', run.warmMedian),
    row(run.kind, 'cold container', run.cold),
  ]);
  return [
    `## End-to-end rotation time with ${r.settings.latencyMs} ms per call`,
    `Every call to the three servers is delayed by ${r.settings.latencyMs} ms. Wall time runs from RotationStarted to RotationSucceeded; the floor is calls × ${r.settings.latencyMs} ms, since the calls are sequential. The excess is split three ways: inside the servers beyond the injected delay (late timers and the emulators' work: the local cloud's cost), inside the function but outside its calls (its CPU, the SDK and undici, the loopback; from the worker's timing of each invocation), and the dispatch of the four invocations from the local Secrets Manager to the worker process. Warm: median of ${r.settings.latencyRotations} rotations after one untimed warm-up; cold: the first invocation also starts the worker and imports the bundle.`,
    table(
      [
        'client',
        'container',
        'calls',
        'floor',
        'wall',
        '× floor',
        'servers, beyond the delay',
        'function, beyond its calls',
        'dispatch',
      ],
      rows,
    ),
  ].join('\n\n');
}

function reconcileSection(runs: readonly ReconcileRun[]): string {
  return [
    '## The reconcile at fleet scale',
    "One scheduled pass of the handler (and the continuations it starts) per row, on a fresh local cloud, with the stack's 120 s invocation time and the default pacing (4 secrets at once, 10 Stytch calls a second, a 24 h audit period over a 15-minute interval). Monthly figures assume every pass of 30 days at a 15-minute interval looks like the row; cost at $0.05 per 10,000 Secrets Manager calls. See docs/reconcile-scale.md.",
    renderReconcileTable(runs),
    reconcileTargets(runs)
      .map((t) => `- ${t.met ? 'met' : '**missed**'}: ${t.text}`)
      .join('\n'),
  ].join('\n\n');
}
