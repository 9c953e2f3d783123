/**
 * The function's real log output (Powertools' JSON lines on stdout and stderr), captured across
 * rotations of both kinds, a failing rotation, a lost answer and bad input: every line is JSON with
 * the keys operators search by, and no secret value appears anywhere in it — not a client secret
 * (old, new, or discarded), not the project secret, not an access token. What Stytch sent is tapped
 * from undici's diagnostics channel, so even secrets the store never held are checked.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROTATION_STEPS } from '../../lambda/rotation/event.ts';
import { LAMBDA_CONTEXT, RotationWorld } from './rotation-world.ts';

const BODY_CHANNEL = 'undici:request:bodyChunkReceived';

/** Everything written to stdout and stderr while installed; nothing reaches the terminal. */
class OutputCapture {
  readonly chunks: string[] = [];
  readonly #restore: (() => void)[] = [];

  install(): void {
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      stream.write = ((chunk: unknown) => {
        this.chunks.push(
          typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(),
        );
        return true;
      }) as typeof stream.write;
      this.#restore.push(() => {
        stream.write = original;
      });
    }
  }

  uninstall(): void {
    for (const restore of this.#restore.splice(0)) restore();
  }

  lines(): string[] {
    return this.chunks
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '');
  }
}

/** Collects every Stytch response body the function received, to find the secrets in them. */
class ResponseTap {
  readonly #bodies = new Map<object, Buffer[]>();
  readonly #listener = (message: unknown) => {
    const { request, chunk } = message as { request: object; chunk: Buffer };
    this.#bodies.set(request, [...(this.#bodies.get(request) ?? []), chunk]);
  };

  install(): void {
    subscribe(BODY_CHANNEL, this.#listener);
  }

  uninstall(): void {
    unsubscribe(BODY_CHANNEL, this.#listener);
  }

  /** Every value Stytch sent under `key` (e.g. `next_client_secret`, `access_token`). */
  valuesOf(key: string): string[] {
    const found: string[] = [];
    const visit = (value: unknown): void => {
      if (typeof value !== 'object' || value === null) return;
      for (const [k, v] of Object.entries(value)) {
        if (k === key && typeof v === 'string') found.push(v);
        else visit(v);
      }
    };
    for (const chunks of this.#bodies.values()) {
      try {
        visit(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        // Not JSON (or cut off): it cannot hold a field we look for.
      }
    }
    return found;
  }
}

type JsonLine = Record<string, unknown> & { message: string };

/** Long enough that no random run repeats by chance, short enough to catch a cut-off secret. */
const FRAGMENT = 16;

/**
 * How many of `secrets` appear in `text`, whole or as any run of FRAGMENT characters (a secret
 * sliced, truncated or wrapped in a message is still a leak; last-four digits are not).
 */
function countLeaks(text: string, secrets: readonly string[]): number {
  const runs = new Set<string>();
  for (let i = 0; i + FRAGMENT <= text.length; i++) runs.add(text.slice(i, i + FRAGMENT));
  return secrets.filter((secret) => {
    if (secret.length <= FRAGMENT) return text.includes(secret);
    for (let i = 0; i + FRAGMENT <= secret.length; i++) {
      if (runs.has(secret.slice(i, i + FRAGMENT))) return true;
    }
    return false;
  }).length;
}

describe('the function’s own log output', () => {
  let world: RotationWorld;
  let output: OutputCapture;
  let tap: ResponseTap;

  beforeEach(async () => {
    output = new OutputCapture();
    tap = new ResponseTap();
    world = await RotationWorld.start({
      completionDelaySeconds: 0,
      maxAttempts: 2,
      realLogger: true,
    });
    tap.install();
  });

  afterEach(async () => {
    output.uninstall();
    tap.uninstall();
    world.expectNoSecretsLogged();
    await world.close();
  });

  /** Runs everything a deployment logs, with the output captured. */
  async function exerciseTheFunction(): Promise<void> {
    const app = await world.addClient('connected_app', { owner: 'payments' });
    const m2m = await world.addClient('m2m');
    output.install();
    try {
      for (const client of [app, m2m, app, m2m]) {
        expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
      }
      // A rotate_start answer that never arrives: the retry logs the recovery (cancel, restart).
      world.cloud.stytch.faults.add({
        operation: 'connected_apps.rotate_start',
        nth: world.cloud.stytch.faults.callCount('connected_apps.rotate_start') + 1,
        action: { kind: 'lost-response' },
      });
      expect((await world.rotate(app.secretArn)).outcome).toBe('succeeded');
      // A rotation that fails for good: the token endpoint keeps failing.
      world.cloud.stytch.faults.add({
        operation: 'oauth2.token',
        nth: world.cloud.stytch.faults.callCount('oauth2.token') + 1,
        times: 1000,
        action: { kind: 'status', status: 503 },
      });
      expect((await world.rotate(m2m.secretArn)).outcome).toBe('failed');
      world.cloud.clearFaults();
      // Bad input: a secret value that is not JSON, and an event with an unknown step.
      const broken = await world.addRawSecret('log-broken', '{"client_id": ');
      const started = await world.recordRotationEvent(broken);
      await expect(world.handler(started, LAMBDA_CONTEXT)).rejects.toMatchObject({
        name: 'SecretValueError',
      });
      await expect(
        world.handler({ ...started, Step: 'dropSecret' }, LAMBDA_CONTEXT),
      ).rejects.toMatchObject({ name: 'EventError' });
    } finally {
      output.uninstall();
    }
  }

  it('is JSON lines with step, secret, outcome and Stytch request ids', async () => {
    // Prepare and act: rotations of both kinds, a lost answer, a failure and bad input
    await exerciseTheFunction();

    // Assess
    const lines = output.lines();
    expect(lines.length).toBeGreaterThan(50);
    const parsed = lines.map((line, index) => {
      try {
        return JSON.parse(line) as JsonLine;
      } catch {
        throw new Error(`output line ${index + 1} is not JSON (${line.length} characters)`);
      }
    });
    for (const line of parsed) {
      expect(line).toMatchObject({
        level: expect.any(String),
        message: expect.any(String),
        service: 'stytch-secret-rotation',
        timestamp: expect.any(String),
      });
    }
    const stepLines = parsed.filter((line) =>
      ROTATION_STEPS.some((step) => line.message.startsWith(`${step}: `)),
    );
    const outcomes = stepLines.filter((line) => line.outcome !== undefined);
    expect(outcomes.length).toBeGreaterThan(20);
    for (const line of outcomes) {
      expect(line).toMatchObject({
        step: line.message.split(':')[0],
        secret_id: expect.stringMatching(/^arn:aws:secretsmanager:/),
        client_request_token: expect.any(String),
        outcome: expect.stringMatching(/^(succeeded|skipped|failed)$/),
        duration_ms: expect.any(Number),
      });
    }
    const failed = outcomes.filter((line) => line.outcome === 'failed');
    expect(failed.map((line) => (line.error as { name?: string } | undefined)?.name)).toEqual(
      expect.arrayContaining(['StytchNetworkError', 'StytchApiError', 'SecretValueError']),
    );
    for (const line of failed) expect(line.level).toBe('ERROR');
    const stytchLines = parsed.filter((line) => line.message.startsWith('stytch '));
    expect(stytchLines.length).toBeGreaterThan(20);
    for (const line of stytchLines) {
      expect(line).toMatchObject({
        operation: expect.stringMatching(/^(get|rotate_start|rotate|rotate_cancel|token)$/),
        client_id: expect.stringMatching(/^(connected-app|m2m-client)-test-/),
        outcome: expect.stringMatching(/^(ok|retry|failed)$/),
        duration_ms: expect.any(Number),
      });
      // Every answer carries Stytch's request id; only a lost answer has none to log.
      if (typeof line.status === 'number') {
        expect(line.request_id).toMatch(/^request-id-test-/);
      } else {
        expect(line.error_code).toEqual(expect.any(String));
      }
    }
  });

  it('never contains a secret value', async () => {
    // Prepare and act: rotations of both kinds, a lost answer, a failure and bad input
    await exerciseTheFunction();

    // Assess
    const text = output.chunks.join('');
    const issuedSecrets = tap.valuesOf('next_client_secret');
    const accessTokens = tap.valuesOf('access_token');
    // The tap saw the new secret of every rotate_start that was answered, and the M2M tokens.
    expect(issuedSecrets.length).toBeGreaterThanOrEqual(5);
    expect(accessTokens.length).toBeGreaterThanOrEqual(2);
    const basicAuth = world.knownSecrets.map((secret) =>
      Buffer.from(`${world.projectId}:${secret}`).toString('base64'),
    );
    const secrets = [...world.knownSecrets, ...issuedSecrets, ...accessTokens, ...basicAuth];
    expect(countLeaks(text, secrets), 'secrets (or parts of them) in the log output').toBe(0);
    // Whatever token it may be, nothing shaped like a JWT belongs in a log.
    expect(/eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(text), 'a JWT in the log output').toBe(false);
  });
});
