import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateSecretCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaContext } from '../../local/lambda-context.ts';
import { createProcessInvoker, type ProcessInvoker } from '../../local/process-invoker.ts';
import { startHarness } from './secrets-manager.harness.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
let dir: string;
let esmBundle: string;
let cjsBundle: string;
let rotationBundle: string;
const opened: ProcessInvoker[] = [];

async function bundle(entry: string, outfile: string, format: 'esm' | 'cjs'): Promise<string> {
  await build({
    entryPoints: [fixture(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format,
    logLevel: 'silent',
  });
  return outfile;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'process-invoker-'));
  [esmBundle, cjsBundle, rotationBundle] = await Promise.all([
    bundle('process-handler.ts', join(dir, 'handler.mjs'), 'esm'),
    bundle('process-handler.ts', join(dir, 'handler.cjs'), 'cjs'),
    bundle('process-handler-rotation.ts', join(dir, 'rotation.cjs'), 'cjs'),
  ]);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((invoker) => invoker.close()));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function invoker(
  options: { bundlePath?: string; timeoutMs?: number; env?: Record<string, string> } = {},
) {
  const created = createProcessInvoker({
    bundlePath: options.bundlePath ?? esmBundle,
    env: options.env ?? { FIXTURE_GREETING: 'hello' },
    timeoutMs: options.timeoutMs,
    onOutput: () => {},
  });
  opened.push(created);
  return created;
}

interface Described {
  pid: number;
  invocations: number;
  remainingMs: number;
  functionName: string;
  greeting: string | null;
  parentOnly: string | null;
}

const describeEvent = { action: 'describe' };

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the invocation to fail, but it succeeded');
}

describe('createProcessInvoker', () => {
  it('returns the handler result and keeps the worker warm between invocations', async () => {
    // Prepare
    const invoke = invoker();
    // Act
    const first = (await invoke(describeEvent)) as Described;
    const second = (await invoke(describeEvent)) as Described;
    // Assess
    expect(second.pid).toBe(first.pid);
    expect([first.invocations, second.invocations]).toEqual([1, 2]);
    expect(invoke.spawnCount).toBe(1);
  });

  it('gives the handler exactly the environment it was configured with', async () => {
    // Prepare
    process.env.PARENT_ONLY = 'must-not-leak';
    const invoke = invoker();
    // Act
    const described = (await invoke(describeEvent)) as Described;
    // Assess
    expect(described.greeting).toBe('hello');
    expect(described.parentOnly).toBeNull();
    delete process.env.PARENT_ONLY;
  });

  it("rejects with the handler's error name and message when it throws", async () => {
    // Prepare
    const invoke = invoker();
    // Act
    const error = await failureOf(invoke({ action: 'throw' }));
    // Assess
    expect(error.name).toBe('FixtureRejectedError');
    expect(error.message).toBe('the fixture refused this event');
    expect(invoke.spawnCount).toBe(1);
  });

  it('rejects with Runtime.ExitError when the worker crashes and starts a new one next time', async () => {
    // Prepare
    const invoke = invoker();
    const before = (await invoke(describeEvent)) as Described;
    // Act
    const error = await failureOf(invoke({ action: 'crash' }));
    const after = (await invoke(describeEvent)) as Described;
    // Assess
    expect(error.name).toBe('Runtime.ExitError');
    expect(error.message).toMatch(/exit status 7/);
    expect(after.pid).not.toBe(before.pid);
    expect(after.invocations).toBe(1);
    expect(invoke.spawnCount).toBe(2);
  });

  it('kills an invocation that outlives the timeout, fails it like Lambda and starts a new worker', async () => {
    // Prepare
    const invoke = invoker({ timeoutMs: 300 });
    const before = (await invoke(describeEvent)) as Described;
    // Act
    const error = await failureOf(invoke({ action: 'hang' }));
    const after = (await invoke(describeEvent)) as Described;
    // Assess
    expect(error.name).toBe('Sandbox.Timedout');
    expect(error.message).toBe('Task timed out after 0.30 seconds');
    expect(after.pid).not.toBe(before.pid);
  });

  it("counts getRemainingTimeInMillis down from the caller's context", async () => {
    // Prepare
    const invoke = invoker({ timeoutMs: 30_000 });
    const context = createLambdaContext({
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fixture',
      timeoutMs: 5_000,
    });
    // Act
    const described = (await invoke(describeEvent, context)) as Described;
    const waited = (await invoke({ action: 'wait', ms: 50 }, context)) as {
      before: number;
      after: number;
    };
    // Assess
    expect(described.functionName).toBe('fixture');
    expect(described.remainingMs).toBeGreaterThan(0);
    expect(described.remainingMs).toBeLessThanOrEqual(5_000);
    expect(waited.after).toBeLessThan(waited.before);
  });

  it('runs a CommonJS bundle as well as an ES module', async () => {
    // Prepare
    const invoke = invoker({ bundlePath: cjsBundle });
    // Act
    const described = (await invoke(describeEvent)) as Described;
    // Assess
    expect(described.invocations).toBe(1);
    expect(described.greeting).toBe('hello');
  });

  it('lets the local Secrets Manager rotate a secret through a bundled handler in a child process', async () => {
    // Prepare
    const h = await startHarness({ rotation: { timeoutMs: 10_000 } });
    const fn = 'arn:aws:lambda:us-east-1:000000000000:function:bundled-rotation';
    h.sm.registerFunction(
      fn,
      invoker({
        bundlePath: rotationBundle,
        env: {
          AWS_ENDPOINT_URL_SECRETS_MANAGER: h.sm.url,
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
      }),
    );
    try {
      await h.client.send(new CreateSecretCommand({ Name: 'bundled', SecretString: 'original' }));
      // Act
      const { VersionId } = await h.client.send(
        new RotateSecretCommand({
          SecretId: 'bundled',
          RotationLambdaARN: fn,
          RotationRules: { AutomaticallyAfterDays: 1 },
        }),
      );
      const outcome = await h.sm.waitForRotation('bundled', VersionId);
      // Assess
      expect(outcome).toEqual({ outcome: 'succeeded', attempts: 1 });
      const rotated = h.sm.inspect('bundled').versions.find((v) => v.versionId === VersionId);
      expect(rotated?.stages).toContain('AWSCURRENT');
      expect(rotated?.rotationToken).toBeDefined();
    } finally {
      await h.close();
    }
  });
});
