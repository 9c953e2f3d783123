/**
 * Where the figures come from: the machine the bench ran on, and the function as synthesized (its
 * memory, architecture and runtime, read from the template next to the asset).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import type { SynthesizedFunction } from '../local/synth-output.ts';

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly nodeVersion: string;
  readonly platform: string;
  /** 1-minute load average when the bench started and ended: other work skews wall times. */
  readonly loadAverageAtStart: number;
  loadAverageAtEnd: number;
}

export interface FunctionConfig {
  readonly stackName: string;
  readonly logicalId: string;
  readonly runtime: string;
  readonly architecture: string;
  readonly memorySizeMb: number;
  readonly timeoutSeconds: number;
}

/** The CPU model from /proc/cpuinfo (Linux), else what Node reports. */
function cpuModel(): string {
  try {
    const match = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m);
    if (match?.[1]) return match[1].trim();
  } catch {
    // Not Linux: fall through.
  }
  return 'unknown';
}

export function describeMachine(): Machine {
  return {
    cpuModel: cpuModel(),
    cores: availableParallelism(),
    memoryBytes: totalmem(),
    nodeVersion: process.version,
    platform: `${process.platform}-${process.arch}`,
    loadAverageAtStart: loadavg()[0] ?? 0,
    loadAverageAtEnd: Number.NaN,
  };
}

interface TemplateFunction {
  readonly Properties?: {
    readonly Runtime?: string;
    readonly Architectures?: readonly string[];
    readonly MemorySize?: number;
  };
}

/** The function's settings from the synthesized template (Lambda's defaults where unset). */
export function describeFunction(fn: SynthesizedFunction, cdkOut: string): FunctionConfig {
  const manifest = JSON.parse(readFileSync(join(cdkOut, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, { properties?: { templateFile?: string } }>;
  };
  const templateFile = manifest.artifacts?.[fn.stackName]?.properties?.templateFile;
  if (templateFile === undefined) throw new Error(`no template for ${fn.stackName} in ${cdkOut}`);
  const template = JSON.parse(readFileSync(resolve(cdkOut, templateFile), 'utf8')) as {
    Resources?: Record<string, TemplateFunction>;
  };
  const properties = template.Resources?.[fn.logicalId]?.Properties ?? {};
  return {
    stackName: fn.stackName,
    logicalId: fn.logicalId,
    runtime: properties.Runtime ?? 'unknown',
    architecture: properties.Architectures?.[0] ?? 'x86_64',
    memorySizeMb: properties.MemorySize ?? 128,
    timeoutSeconds: fn.timeoutSeconds,
  };
}
