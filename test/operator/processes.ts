/**
 * Runs the project's entry points as real processes, the way a person does: `npm run <script>`
 * and the commands the scripts name. The child's environment is given whole (plus PATH and HOME),
 * so a test proves which variables a command needs; the AWS SDK's Node-version notice is not
 * silenced from outside, so a test also sees whether the entry point silences it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The bare environment a fresh shell would have: PATH and HOME, plus `env`. */
export function shellEnv(env: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    ...env,
  };
}

/** Runs `command args` in the project and collects its output. */
export function run(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>> = shellEnv(),
  timeoutMs = 60_000,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The stack-trace marker Node prints for an uncaught error. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** A long-running child started in its own process group, so it and its children stop together. */
export interface Served {
  readonly child: ChildProcess;
  /** Everything printed on stdout so far. */
  output(): string;
  /** Resolves with stdout once `pattern` appears in it; rejects if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  stop(): Promise<void>;
}

export function serve(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
): Served {
  const child = spawn(command, args, {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    output: () => stdout,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(stdout)) {
            cleanup();
            resolve(stdout);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no ${pattern} within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`,
            ),
          );
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(
            new Error(
              `exited (${child.exitCode}) before ${pattern}; stdout:\n${stdout}\nstderr:\n${stderr}`,
            ),
          );
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      }),
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        process.kill(-child.pid, 'SIGINT');
        const killer = setTimeout(() => {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        }, 10_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}
