// The rotation bundle with a meter around it, for the benchmark's rotations. local/process-invoker.ts
// loads this module in its Lambda-like worker instead of the bundle; it imports the bundle named by
// BENCH_BUNDLE_PATH (so the import is the worker's init phase, as in Lambda) and measures, inside
// the worker process:
// - the import's wall and CPU time;
// - the CPU time of every invocation (process.cpuUsage() around the handler's promise: waiting for
//   an answer costs no CPU, so this is the handler's own cost, SDK, undici, logging and GC included);
// - the process's peak resident set (getrusage's ru_maxrss, cross-checked with /proc's VmHWM).
// An event `{ benchStats: true }` answers those figures instead of invoking the handler.
// BENCH_V8_FLAGS (diagnostics only) sets V8 flags that NODE_OPTIONS refuses, before the import.
// Plain JavaScript on purpose: the worker runs under bare `node`, without a TypeScript loader.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

const bundlePath = process.env.BENCH_BUNDLE_PATH;
if (!bundlePath) throw new Error('BENCH_BUNDLE_PATH must name the bundle to measure');

if (process.env.BENCH_V8_FLAGS) setFlagsFromString(process.env.BENCH_V8_FLAGS);

const importCpu = process.cpuUsage();
const importStarted = performance.now();
const bundle = await import(pathToFileURL(bundlePath).href);
const importWallMs = performance.now() - importStarted;
const importCpuMs = cpuMs(process.cpuUsage(importCpu));
const inner = bundle.handler ?? bundle.default?.handler;
if (typeof inner !== 'function') throw new Error(`${bundlePath} does not export handler`);

/** CPU and wall ms of each invocation since the last stats request, in order. */
let invocationCpuMs = [];
let invocationWallMs = [];

export async function handler(event, context) {
  if (event?.benchStats === true) return stats();
  const before = process.cpuUsage();
  const started = performance.now();
  try {
    return await inner(event, context);
  } finally {
    invocationWallMs.push(performance.now() - started);
    invocationCpuMs.push(cpuMs(process.cpuUsage(before)));
  }
}

function stats() {
  const taken = { invocationCpuMs, invocationWallMs };
  invocationCpuMs = [];
  invocationWallMs = [];
  return {
    importWallMs,
    importCpuMs,
    ...taken,
    processCpuMs: cpuMs(process.cpuUsage()),
    // ru_maxrss is in KiB on Linux.
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    vmHwmBytes: vmHwmBytes(),
    rssBytes: process.memoryUsage.rss(),
    heapUsedBytes: process.memoryUsage().heapUsed,
  };
}

function cpuMs(usage) {
  return (usage.user + usage.system) / 1000;
}

/** VmHWM from /proc/self/status (Linux only); null elsewhere. */
function vmHwmBytes() {
  try {
    const match = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+) kB$/m);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
