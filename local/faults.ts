/**
 * Fault injection shared by every local server. A rule names an operation (or '*'), which call of it
 * to hit (1-based, counting every call of that operation), how many calls in a row, and what to do.
 */
export type FaultAction =
  /** Answer with this status and the server's own error body; the operation has no effect. */
  | { kind: 'status'; status: number; errorType?: string; retryAfterSeconds?: number }
  /** Wait before handling; the call then proceeds normally. */
  | { kind: 'latency'; ms: number }
  /** Apply the operation's effect, then destroy the socket without answering. */
  | { kind: 'lost-response' }
  /** Destroy the socket before the operation runs: no effect, no answer. */
  | { kind: 'reset' }
  /** Apply the effect and send the headers at once, the body only after `ms`. */
  | { kind: 'slow-body'; ms: number }
  /**
   * Apply the effect at once, then hold the whole answer for `ms`: a client whose timeout is shorter
   * sees a timeout although the call took effect. Unlike `latency` (which delays the effect too), the
   * effect's moment is fixed, so a test that races it against the client's next call stays
   * deterministic.
   */
  | { kind: 'slow-headers'; ms: number }
  /** Answer with exactly this status, content type and body; the operation has no effect. */
  | { kind: 'raw'; status: number; contentType: string; body: string };

export interface FaultRule {
  /** The operation name the server uses in its request log, or '*' for every operation. */
  readonly operation: string;
  /** The first call (1-based, per operation) the rule hits. @default 1 */
  readonly nth?: number;
  /** How many calls in a row, from `nth`, the rule hits. @default 1 */
  readonly times?: number;
  readonly action: FaultAction;
}

interface ArmedRule extends Required<Omit<FaultRule, 'action'>> {
  readonly action: FaultAction;
}

/** Token bucket: `perSecond` tokens a second, at most `burst` saved up. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst?: number;
}

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | FaultAction;

export class FaultPlan {
  #rules: ArmedRule[] = [];
  #calls = new Map<string, number>();
  #latencyMs = 0;
  #bucket: { limit: Required<RateLimit>; tokens: number; refilledAt: number } | undefined;

  add(rule: FaultRule): this {
    const nth = rule.nth ?? 1;
    const times = rule.times ?? 1;
    if (!Number.isInteger(nth) || nth < 1)
      throw new RangeError(`nth must be at least 1, got ${nth}`);
    if (!(times >= 1)) throw new RangeError(`times must be at least 1, got ${times}`);
    this.#rules.push({ operation: rule.operation, nth, times, action: rule.action });
    return this;
  }

  /** Delay every call by `ms`, on top of any rule. */
  setLatency(ms: number): this {
    this.#latencyMs = ms;
    return this;
  }

  get latencyMs(): number {
    return this.#latencyMs;
  }

  setRateLimit(limit: RateLimit | undefined): this {
    this.#bucket = limit && {
      limit: { perSecond: limit.perSecond, burst: limit.burst ?? limit.perSecond },
      tokens: limit.burst ?? limit.perSecond,
      refilledAt: performance.now(),
    };
    return this;
  }

  /** Forget every rule, the latency, the rate limit and the call counts. */
  clear(): void {
    this.#rules = [];
    this.#calls.clear();
    this.#latencyMs = 0;
    this.#bucket = undefined;
  }

  /** How many calls of `operation` the server has seen. */
  callCount(operation: string): number {
    return this.#calls.get(operation) ?? 0;
  }

  /** Counts the call and says what fault, if any, it meets. Called once per request. */
  decide(operation: string): FaultDecision {
    const n = (this.#calls.get(operation) ?? 0) + 1;
    this.#calls.set(operation, n);
    const rule = this.#rules.find(
      (r) =>
        (r.operation === operation || r.operation === '*') && n >= r.nth && n < r.nth + r.times,
    );
    if (rule) return rule.action;
    return this.#takeToken() ?? { kind: 'none' };
  }

  #takeToken(): FaultDecision | undefined {
    const bucket = this.#bucket;
    if (!bucket) return undefined;
    const now = performance.now();
    const { perSecond, burst } = bucket.limit;
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * perSecond);
    bucket.refilledAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    const waitSeconds = (1 - bucket.tokens) / perSecond;
    return { kind: 'rate-limited', retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
  }
}
