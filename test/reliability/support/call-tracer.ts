/**
 * Numbers every external call the rotation function makes (SSM, Secrets Manager, Stytch) in one
 * sequence, and lets a test act around the k-th one: observe the world before and after it, and kill
 * the process right after it. Unlike test/e2e's CallInterceptor it also sees the SSM credentials
 * read (through SDK middleware) and it models death honestly: once a container has crashed, every
 * further call from that container fails without reaching its target, as a dead process makes none.
 */
import type { SSMClient } from '@aws-sdk/client-ssm';
import { interceptCalls } from '../../e2e/call-interceptor.ts';

/** The process died right after a call; thrown into the dead container's code. */
export class InjectedCrash extends Error {
  override readonly name = 'InjectedCrash';
}

/** One traced call: `ssm.getParameter`, `store.putPending`, `stytch.rotateStart`, … */
export interface TracedCall {
  /** 1-based position in the sequence since the last {@link CallTracer.reset}. */
  readonly index: number;
  readonly name: string;
}

export class CallTracer {
  #calls: string[] = [];
  #generation = 0;
  #crashAt: number | undefined;
  /** Runs before the call leaves: where a test arms a server-side fault for exactly this call. */
  onBefore: ((call: TracedCall) => void) | undefined;
  /**
   * Runs after the call settled, whether it succeeded or failed (a failed call may still have taken
   * effect). It must record, not throw: a throw would look like a failure of the call.
   */
  onAfter: ((call: TracedCall) => void) | undefined;
  /** Runs when a crash is injected: the owner replaces the container. */
  onCrash: (() => void) | undefined;

  /** The calls since the last reset, by name. */
  get calls(): readonly string[] {
    return this.#calls;
  }

  /** The container generation that wrappers made now belong to; bumped by every crash. */
  get generation(): number {
    return this.#generation;
  }

  /** Starts a new sequence; `crashAt` kills the process right after that call. */
  reset(crashAt?: number): void {
    this.#calls = [];
    this.#crashAt = crashAt;
  }

  /** Wraps every method of `target` (the store or the Stytch client) of the current container. */
  wrap<T extends object>(surface: string, target: T): T {
    const generation = this.#generation;
    return interceptCalls(surface, target, (name, run) => this.#around(generation, name, run));
  }

  /** Traces every command `ssm` sends (SDK retries included) as one call, e.g. `ssm.getParameter`. */
  traceSsm(ssm: SSMClient): SSMClient {
    const generation = this.#generation;
    ssm.middlewareStack.add(
      (next, context) => (args) => {
        const command = String(context.commandName ?? 'Command').replace(/Command$/, '');
        const name = `ssm.${command.charAt(0).toLowerCase()}${command.slice(1)}`;
        return this.#around(generation, name, () => next(args));
      },
      { step: 'initialize', name: 'reliabilityCallTracer' },
    );
    return ssm;
  }

  async #around<R>(generation: number, name: string, run: () => Promise<R>): Promise<R> {
    if (generation !== this.#generation) {
      throw new InjectedCrash(`the container died before ${name}; a dead process makes no calls`);
    }
    this.#calls.push(name);
    const call = { index: this.#calls.length, name };
    this.onBefore?.(call);
    try {
      const result = await run();
      if (this.#crashAt === call.index) {
        this.#generation += 1;
        this.onCrash?.();
        throw new InjectedCrash(`injected crash right after ${name} (call ${call.index})`);
      }
      return result;
    } finally {
      this.onAfter?.(call);
    }
  }
}
