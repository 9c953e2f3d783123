import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'aws-lambda';
import { createLambdaContext, lambdaTimeoutError, serializeContext } from './lambda-context.ts';

const WORKER_PATH = fileURLToPath(new URL('./lambda-worker.mjs', import.meta.url));

export interface ProcessInvokerOptions {
  /** The bundled handler module (CommonJS or ESM), as `cdk synth` or esbuild writes it. */
  readonly bundlePath: string;
  /** @default 'handler' */
  readonly handlerExport?: string;
  /**
   * The function's whole environment (plus PATH): like Lambda, the worker does not inherit this
   * process's variables, so the AWS endpoint, region and credentials must be given here.
   */
  readonly env: Readonly<Record<string, string>>;
  /** An invocation running longer is killed and fails; the context's remaining time caps it too. @default 30000 */
  readonly timeoutMs?: number;
  /** Receives the function's stdout/stderr (its logs). @default written to this process's stderr */
  readonly onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

/** Invokes a bundled handler in a warm child process, like Lambda; a RotationInvoker. */
export interface ProcessInvoker {
  (event: unknown, context?: Context): Promise<unknown>;
  /** How many worker processes were started so far (a crash or timeout costs a new one). */
  readonly spawnCount: number;
  /** Kills the workers; invocations still running fail. */
  close(): Promise<void>;
}

interface Pending {
  readonly id: number;
  readonly requestId: string;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface Worker {
  readonly child: ChildProcess;
  /** Settles when the worker has loaded the bundle (its init phase) or has died. */
  readonly ready: Promise<void>;
  current: Pending | undefined;
  dead: boolean;
}

interface WorkerReply {
  readonly type: 'ready' | 'result';
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
}

/**
 * Creates an invoker that keeps one warm `node` worker per concurrent invocation (usually one),
 * so module-level state survives between invocations as in a warm Lambda container. A worker that
 * crashes or times out is killed and replaced on the next invocation, as Lambda resets its runtime.
 * A handler error rejects with an Error carrying the handler's error name and message only.
 */
export function createProcessInvoker(options: ProcessInvokerOptions): ProcessInvoker {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const bundlePath = resolve(options.bundlePath);
  const handlerExport = options.handlerExport ?? 'handler';
  const onOutput = options.onOutput ?? ((text: string) => void process.stderr.write(text));
  const workers = new Set<Worker>();
  const idle: Worker[] = [];
  let spawnCount = 0;
  let sequence = 0;
  let closed = false;

  const retire = (worker: Worker, error: Error | undefined) => {
    worker.dead = true;
    workers.delete(worker);
    const index = idle.indexOf(worker);
    if (index >= 0) idle.splice(index, 1);
    const pending = worker.current;
    worker.current = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(error ?? new Error('the worker stopped'));
    }
  };

  const spawnWorker = (): Worker => {
    const child = fork(WORKER_PATH, [bundlePath, handlerExport], {
      env: { PATH: process.env.PATH ?? '', ...options.env },
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    spawnCount += 1;
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolvePromise) => {
      markReady = resolvePromise;
    });
    const worker: Worker = { child, ready, current: undefined, dead: false };
    child.once('exit', () => markReady());
    workers.add(worker);
    child.stdout?.setEncoding('utf8').on('data', (text: string) => onOutput(text, 'stdout'));
    child.stderr?.setEncoding('utf8').on('data', (text: string) => onOutput(text, 'stderr'));
    child.on('message', (message: WorkerReply) => {
      if (message?.type === 'ready') return markReady();
      const pending = worker.current;
      if (message?.type !== 'result' || pending?.id !== message.id) return;
      worker.current = undefined;
      clearTimeout(pending.timer);
      if (!closed && !worker.dead) idle.push(worker);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(named(message.error?.name ?? 'Error', message.error?.message ?? ''));
    });
    child.on('exit', (code, signal) => {
      const requestId = worker.current?.requestId ?? 'unknown';
      const status = code === null ? `signal: ${signal}` : `exit status ${code}`;
      retire(
        worker,
        named(
          'Runtime.ExitError',
          `RequestId: ${requestId} Error: Runtime exited with error: ${status}`,
        ),
      );
    });
    child.on('error', (error) => retire(worker, named('Runtime.ExitError', error.message)));
    return worker;
  };

  const invoke = async (event: unknown, context?: Context): Promise<unknown> => {
    if (closed) throw new Error('the process invoker is closed');
    const lambdaContext = context ?? createLambdaContext({ functionArn: 'local', timeoutMs });
    const worker = idle.pop() ?? spawnWorker();
    // Lambda's init phase has its own limit: a cold start does not eat the invocation's time.
    await worker.ready;
    if (worker.dead) {
      throw named('Runtime.ExitError', 'the worker exited before it could take the invocation');
    }
    const remainingMs = Math.min(timeoutMs, lambdaContext.getRemainingTimeInMillis());
    const id = ++sequence;
    return new Promise<unknown>((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        // Lambda stops a timed-out invocation by resetting the runtime: nothing of it survives.
        retire(worker, lambdaTimeoutError(remainingMs));
        worker.child.kill('SIGKILL');
      }, remainingMs);
      worker.current = {
        id,
        requestId: lambdaContext.awsRequestId,
        resolve: resolvePromise,
        reject,
        timer,
      };
      worker.child.send({
        type: 'invoke',
        id,
        event,
        context: serializeContext(lambdaContext),
        remainingMs,
      });
    });
  };

  const close = async () => {
    closed = true;
    const exits = [...workers].map(
      (worker) =>
        new Promise<void>((done) => {
          if (worker.child.exitCode !== null || worker.child.signalCode !== null) return done();
          worker.child.once('exit', () => done());
          worker.child.kill('SIGKILL');
        }),
    );
    await Promise.all(exits);
  };
  // A getter, not a copied value: Object.assign would freeze spawnCount at 0.
  return Object.defineProperties(invoke, {
    spawnCount: { get: () => spawnCount },
    close: { value: close },
  }) as ProcessInvoker;
}

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
