/**
 * The report's reasoning: the design's minimum call by call; for each missed target, where the
 * figure comes from and what would change it, quoted from the measurements (ablations, the
 * node-http what-if and the V8 diagnostic run); and the memory setting the figures point to.
 */
import { kb, mb, ms, pct, table } from './format.ts';
import type { BenchResults } from './results.ts';
import { SYNTHESIZED } from './results.ts';
import { shippedRuns } from './targets.ts';

export function minimumTableSection(r: BenchResults): string {
  const base = r.calls.minimumTables.find(
    (t) => t.kind === 'm2m' && t.completionDelaySeconds === 0 && !t.coldContainer,
  );
  const totals = r.calls.minimumTables.map((t) => [
    t.kind,
    `${t.completionDelaySeconds} s`,
    t.coldContainer ? 'cold' : 'warm',
    String(t.calls.length),
  ]);
  return [
    '### The minimum the design needs, call by call',
    'Each step is its own invocation that Secrets Manager may repeat, so each reads what it works on, and the design adds two Stytch checks: store the new secret before anything relies on it, and promote only what Stytch accepts now. For an M2M client, no completion delay, warm container:',
    base
      ? table(
          ['#', 'step', 'call', 'why'],
          base.calls.map((c, i) => [String(i + 1), c.step, `${c.service} ${c.operation}`, c.why]),
        )
      : '',
    'Differences: a cold container adds SSM GetParameter (the credentials, then cached) and, for a Connected App, one token call that calibrates the probe with a deliberately wrong secret; a Connected App probes with a bogus refresh token instead of client_credentials; a completion delay replaces Stytch `rotate` with Secrets Manager TagResource (the overlap start), and the reconcile completes Stytch later. A bootstrap rotation needs the same calls as a normal one.',
    table(['client', 'delay', 'container', 'minimum calls'], totals),
  ].join('\n\n');
}

export function missesSection(r: BenchResults): string {
  const missed = r.targets.filter((t) => !t.met);
  const parts = ['## Missed targets: why, and what would fix them'];
  if (missed.length === 0) parts.push('All four targets are met.');
  for (const target of missed) {
    if (target.name === 'Import overhead') parts.push(importAnalysis(r));
    else if (target.name === 'Peak RSS') parts.push(rssAnalysis(r));
    else if (target.name === 'Calls per normal rotation') parts.push(callsAnalysis(r));
    else if (target.name === 'End-to-end time') parts.push(latencyAnalysis(r));
  }
  return parts.join('\n\n');
}

function importAnalysis(r: BenchResults): string {
  const cold = r.coldStart;
  const cpu = (name: string) =>
    cold.imports.find((i) => i.name === name)?.importCpuMs ?? Number.NaN;
  const overhead = (name: string) =>
    cold.imports.find((i) => i.name === name)?.overheadMs ?? Number.NaN;
  const total = cpu(SYNTHESIZED);
  const size = (name: string) => r.bundle.builds.find((b) => b.name === name)?.bytes ?? 0;
  return [
    `### Import overhead: ${ms(overhead(SYNTHESIZED))} over bare Node, target 20 ms`,
    `Importing the asset costs ${ms(total)} of CPU. Leaving one dependency out at a time shows where it goes: undici ${ms(total - cpu('no-undici'))} (${kb(size('shipped') - size('no-undici'))} of the bundle: only its Agent and request API are imported, by lambda/stytch/undici-lean.ts, but they carry two base64 WebAssembly builds of its HTTP parser), the AWS SDK clients ${ms(total - cpu('no-aws-sdk'))}, \`keepNames\` ${ms(total - cpu('no-keep-names'))} (ablations overlap, so these do not add up exactly). With both undici and the SDK left out, the rest (this project's code, Powertools and the Node built-ins it loads) still costs ${ms(cpu('no-undici-no-aws-sdk'))} of CPU and ${ms(overhead('no-undici-no-aws-sdk'))} over bare Node. So 20 ms over bare Node is out of reach with AWS SDK v3 in the bundle; what can be had:`,
    [
      `- **Replace undici with node:http/node:https** in lambda/stytch/undici-lean.ts (the only file importing it at runtime). The what-if bundle (\`node-http\`, bench/what-if) imports in ${ms(cpu('node-http'))} of CPU instead of ${ms(total)}, ${ms(overhead('node-http'))} over bare Node instead of ${ms(overhead(SYNTHESIZED))}, and the bundle is ${kb(size('node-http'))} instead of ${kb(size('shipped'))}. The timeouts, keep-alive pool and error classification would be rebuilt on Node's http Agent and AbortSignal, and the unit tests that use undici's MockAgent would move to a local server. It also fixes the memory peak below.`,
      `- Dropping \`keepNames\` saves ${ms(total - cpu('no-keep-names'))} but minified class names would then reach logs and \`error.name\` wherever a class does not set its name itself; not worth it alone.`,
      `- Leaving \`@aws-sdk/*\` to the runtime makes it worse: ${ms(overhead('sdk-external'))} over bare Node, because the runtime's SDK is loaded file by file from node_modules.`,
      '- Realistic target for this design: the import overhead of the `node-http` variant. No change to lib/rotation-function.ts bundling options helps enough to justify one.',
    ].join('\n'),
  ].join('\n\n');
}

function rssAnalysis(r: BenchResults): string {
  const shipped = shippedRuns(r.footprint);
  const peaks = shipped.map((f) => f.peakRssAfterAllBytes);
  const settled = shipped.map((f) => f.rssAfterAllBytes);
  const diagnostic = r.footprint.filter((f) => f.setting.includes('diagnostic'));
  const nodeHttp = r.footprint.filter((f) => f.bundle === 'node-http');
  const peakOf = (runs: typeof shipped) => Math.max(...runs.map((f) => f.peakRssAfterAllBytes));
  return [
    `### Peak RSS: ${mb(Math.max(...peaks))}, target 100 MB`,
    `Over a worker's life the peak is ${mb(Math.min(...peaks))}–${mb(Math.max(...peaks))}, while the RSS it settles at after its rotations is ${mb(Math.min(...settled))}–${mb(Math.max(...settled))}: the peak is transient, and it is not the JavaScript heap (the heap limits Lambda sets for 128 MB do not lower it). It is undici's HTTP parser, llhttp, which undici runs as WebAssembly: V8 first compiles it with its baseline tier (Liftoff), and once the parser is hot, usually during a container's second rotation, recompiles it with its optimizing tier, whose compilation holds about 30 MB for a moment. Evidence: the same bundle in a worker where V8 may use only the baseline tier (\`--liftoff-only\`, a diagnostic, not a Lambda setting) peaks at ${diagnostic.length ? mb(peakOf(diagnostic)) : 'n/a'}; with undici replaced by node:http (native parser, the \`node-http\` what-if) the peak is ${nodeHttp.length ? mb(peakOf(nodeHttp)) : 'n/a'}, and import and cold-rotation CPU drop too (table above).`,
    "What would fix it: replace undici with node:http/node:https in lambda/stytch/undici-lean.ts (as above). Without that, the function fits a 128 MB setting only with little headroom (Lambda's runtime client adds a few MB on top), hence the memory advice. No V8 flag that avoids the recompilation is accepted in NODE_OPTIONS, and setting one from code at run time is unsupported.",
  ].join('\n\n');
}

function callsAnalysis(r: BenchResults): string {
  const extra = r.calls.scenarios.filter((s) => s.total - s.minimum > 1);
  return [
    '### Calls per normal rotation',
    extra
      .map(
        (s) => `- ${s.kind}, ${s.completionDelaySeconds} s, ${s.rotation}: ${s.extra.join('; ')}`,
      )
      .join('\n'),
  ].join('\n\n');
}

function latencyAnalysis(r: BenchResults): string {
  const worst = [...r.latency].sort((a, b) => b.warmMedian.ratio - a.warmMedian.ratio)[0];
  if (worst === undefined) return '';
  const t = worst.warmMedian;
  const budget = t.floorMs * 0.1;
  const share = t.functionExtraMs / t.floorMs;
  const perCall = t.functionExtraMs / t.calls;
  return [
    `### End-to-end time: ${t.ratio.toFixed(3)} × floor, target 1.1`,
    `For ${worst.kind}, a warm rotation took ${ms(t.wallMs)} against a floor of ${ms(t.floorMs)}, ${ms(t.wallMs - t.floorMs)} over it where the target allows ${ms(budget)}. Of the excess, ${ms(t.serverExtraMs)} is spent inside the local servers beyond the injected delay (the emulators' cost, not the function's), ${ms(t.dispatchMs)} in dispatching the four invocations to the worker process (in AWS, Lambda's invoke path, which costs more), and ${ms(t.functionExtraMs)} in the function outside its calls, of which ${ms(t.functionCpuMs)} is its CPU (all its threads), on a 2-core machine that also runs the three servers.`,
    share <= 0.1
      ? `What would change it: the function's own share is ${share.toFixed(3)} × floor, inside the 10 % budget, so the target is missed on the local cloud's overhead and the machine's load, not on the function. A fairer gauge of the function alone is its per-call overhead against the latency it waits for: ${ms(perCall)} per ${r.settings.latencyMs} ms call.`
      : `What would change it: even the function's own share is ${share.toFixed(3)} × floor on this machine, over the 10 % budget: ${ms(perCall)} per call of CPU and client work (the SDK's middleware and signing, undici, JSON), inflated by the machine's load (see the load average above). Less CPU per call would lower it (the \`node-http\` what-if's figures are above); no call can be dropped without giving up a guard or a Stytch check (see the minimum).`,
  ].join('\n\n');
}

export function memorySection(r: BenchResults): string {
  const m = r.memory;
  const rows = m.options.map((o) => [
    `${o.memoryMb} MB`,
    o.vcpuShare.toFixed(3),
    pct(o.peakRssShare),
    `${o.importSeconds.toFixed(2)} s`,
    `${o.coldStartCpuSeconds.toFixed(2)} s`,
    `${o.warmRotationSeconds.toFixed(2)} s`,
    `$${o.usdPerThousandRotations.toFixed(4)}`,
    o.fits ? 'yes' : 'no',
  ]);
  return [
    `## Memory setting: ${m.recommendedMb} MB`,
    `Rules, applied to the figures above:\n${m.rules.map((rule) => `- ${rule}`).join('\n')}`,
    table(
      [
        'memory',
        'vCPU share',
        'peak RSS / memory',
        'import at that CPU share',
        'import + first rotation CPU at that share',
        `warm rotation (CPU + calls × ${m.assumedCallLatencyMs} ms)`,
        'per 1,000 rotations (arm64, us-east-1 list price)',
        'passes',
      ],
      rows,
    ),
    `${m.recommendedMb === m.configuredMb ? `The stack's default, ${m.configuredMb} MB, is the recommended setting.` : `The stack sets ${m.configuredMb} MB; the figures point to ${m.recommendedMb} MB.`} CPU seconds are this machine's, scaled by the share; Graviton's per-core speed differs. The reconcile runs every few minutes and mostly lists and reads; its cost is of the same order as a rotation's and also negligible.`,
  ].join('\n\n');
}
