/**
 * Wraps the function's two external-call surfaces (the secret store and the Stytch client) to count
 * their calls and to inject one fault at a chosen call: an error before the call (no effect), a lost
 * answer after it (effect applied, caller sees an error), or a crash right after it (effect applied,
 * the container dies and the next invocation starts cold).
 */
export type CallFault = 'error-before' | 'lost-after' | 'crash-after';

export const CALL_FAULTS: readonly CallFault[] = ['error-before', 'lost-after', 'crash-after'];

/** What an injected fault throws. */
export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

export class CallInterceptor {
  /** Every call so far, as `store.putPending`, `stytch.rotateStart`, … */
  readonly calls: string[] = [];
  /**
   * Runs after every call that reached its target (also when a lost answer or a crash follows), to
   * observe the state at that point. It must record, not throw: a throw would look like a failed
   * step to the rotation.
   */
  afterEachCall: ((call: string) => void) | undefined;
  /** Runs when a crash is injected: the owner replaces the container. */
  onCrash: (() => void) | undefined;
  #armed: { readonly at: number; readonly fault: CallFault } | undefined;

  /** Injects `fault` at the `at`-th call (1-based) from now on. */
  arm(at: number, fault: CallFault): void {
    this.#armed = { at, fault };
  }

  wrap<T extends object>(surface: string, target: T): T {
    return interceptCalls(surface, target, (name, run) => this.#intercept(name, run));
  }

  async #intercept<R>(name: string, run: () => Promise<R>): Promise<R> {
    this.calls.push(name);
    const index = this.calls.length;
    const fault = this.#armed?.at === index ? this.#armed.fault : undefined;
    if (fault === 'error-before') {
      throw new InjectedFault(`injected error before ${name} (call ${index})`);
    }
    const result = await run();
    this.afterEachCall?.(name);
    if (fault === 'lost-after')
      throw new InjectedFault(`injected lost answer of ${name} (call ${index})`);
    if (fault === 'crash-after') {
      this.onCrash?.();
      throw new InjectedFault(`injected crash after ${name} (call ${index})`);
    }
    return result;
  }
}

/**
 * A proxy of `target` whose methods run through `around(name, run)`, named `<surface>.<method>`:
 * where the fault and trace tests attach to the store and the Stytch client. Paged listings (async
 * generators) pass through untouched.
 */
export function interceptCalls<T extends object>(
  surface: string,
  target: T,
  around: (name: string, run: () => Promise<unknown>) => Promise<unknown>,
): T {
  return new Proxy(target, {
    get: (object, property, receiver) => {
      const value = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      if (value.constructor.name === 'AsyncGeneratorFunction') return value.bind(object);
      return (...args: unknown[]) =>
        around(`${surface}.${property}`, () => value.apply(object, args));
    },
  });
}
