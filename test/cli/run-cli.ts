/**
 * Runs the operator CLI against a LiveWorld: in-process through `main(argv, io)` with scripted
 * stdin and captured output, or as a real process (`npx tsx bin/cli.ts`) reaching the world through
 * the standard AWS_ENDPOINT_URL_* variables.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { expect } from 'vitest';
import type { CliIo } from '../../bin/cli/io.ts';
import { main } from '../../bin/cli/main.ts';
import { systemClock } from '../../lambda/clock.ts';
import type { LiveWorld } from './live-world.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliInput {
  /** What stdin holds; `undefined` is an empty, closed stdin. */
  readonly stdin?: string;
}

/** Runs `main` in this process. */
export async function runCli(
  world: LiveWorld,
  argv: readonly string[],
  input: CliInput = {},
): Promise<CliRun> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const lines = input.stdin === undefined ? [] : input.stdin.split('\n');
  const io: CliIo = {
    env: { ...process.env, ...world.cliEnv },
    clock: systemClock,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    progress: (line) => stdout.push(line),
    stdinIsTerminal: false,
    readAll: async () => input.stdin ?? '',
    readLine: async (prompt) => {
      stderr.push(prompt);
      return lines.shift();
    },
    readHidden: async () => lines.shift(),
    sleep: (ms) => sleepFor(Math.min(ms, 50)),
  };
  const code = await main(argv, io);
  const run = { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
  expectNoSecretsIn(world, run);
  return run;
}

/** Runs `npx tsx bin/cli.ts` as a child process. */
export function spawnCli(
  world: LiveWorld,
  argv: readonly string[],
  input: CliInput = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'bin/cli.ts', ...argv], {
      env: { ...process.env, ...world.cliEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const run = {
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      expectNoSecretsIn(world, run);
      resolve(run);
    });
    child.stdin.end(input.stdin ?? '');
  });
}

/** No secret this world has seen appears in the CLI's output (counted, never printed). */
export function expectNoSecretsIn(world: LiveWorld, run: Pick<CliRun, 'stdout' | 'stderr'>): void {
  const text = `${run.stdout}\n${run.stderr}`;
  const leaked = world.knownSecrets.filter((secret) => text.includes(secret)).length;
  expect(leaked, 'secrets found in the CLI output').toBe(0);
}

/** The last four characters, as the CLI shows a secret. */
export function lastFourOf(secret: string | undefined): string {
  return (secret ?? '').slice(-4);
}
