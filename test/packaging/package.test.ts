/**
 * The npm package, end to end: pack it (prepack builds the library and the function bundle),
 * install the tarball offline into a scratch CDK app in a temporary directory, synthesize there with
 * plain node, and check that the function deploys the prebuilt bundle: the very bytes this
 * repository's own app deploys.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StytchSecretRotation } from '../../lib/stytch-secret-rotation.ts';
import { baseProps, testApp } from '../cdk/fixtures.ts';
import { writeScratchApp } from './scratch-app.ts';
import { APP_MJS, CONSUMER_TS, TSCONFIG_JSON } from './scratch-files.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MINUTES = 60_000;

/** Runs a command, failing with its output when it fails. */
function run(command: string, args: readonly string[], cwd: string): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', CDK_DISABLE_VERSION_CHECK: '1' },
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status ?? result.error?.message}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

interface FunctionResource {
  readonly Type: string;
  readonly Metadata?: Record<string, string>;
  readonly Properties: {
    readonly Code: { readonly S3Key: string };
    readonly Handler: string;
    readonly Environment: { readonly Variables: Record<string, unknown> };
  };
}

const work = mkdtempSync(join(tmpdir(), 'stytch-package-'));
const app = join(work, 'app');
let tarball = '';
let template: { Resources: Record<string, FunctionResource> };

beforeAll(() => {
  // WHEN the package is packed (prepack builds it) and installed offline into a scratch app
  run('mkdir', ['-p', app], work);
  const packed = run('npm', ['pack', '--silent', '--pack-destination', work], ROOT).trim();
  tarball = join(work, packed.split('\n').at(-1) ?? '');
  writeScratchApp({
    directory: app,
    repositoryLock: join(ROOT, 'package-lock.json'),
    tarball,
    files: { 'app.mjs': APP_MJS, 'consumer.ts': CONSUMER_TS, 'tsconfig.json': TSCONFIG_JSON },
  });
  run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
  run(process.execPath, ['app.mjs'], app);
  template = JSON.parse(readFileSync(join(app, 'cdk.out', 'ScratchStack.template.json'), 'utf8'));
}, 4 * MINUTES);

afterAll(() => rmSync(work, { recursive: true, force: true }));

const installed = () => join(app, 'node_modules', 'stytch-secret-rotation');
const rotationFunction = () =>
  Object.values(template.Resources).find(
    (r) =>
      r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.STYTCH_MANAGED_TAG,
  ) as FunctionResource;

describe('the npm package', () => {
  it('holds compiled JS, declarations, the exports map and the prebuilt bundle, and no sources', () => {
    // THEN
    const files = run('tar', ['-tzf', tarball], work).split('\n').filter(Boolean);
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/dist/lib/index.js',
        'package/dist/lib/index.d.ts',
        'package/dist/lib/stytch-secret-rotation.d.ts',
        'package/dist/cli.mjs',
        'package/dist/function/index.mjs',
        'package/dist/stytch-secret-rotation-function.zip',
      ]),
    );
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(installed(), 'package.json'), 'utf8'));
    expect(manifest.exports['.']).toEqual({
      types: './dist/lib/index.d.ts',
      default: './dist/lib/index.js',
    });
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
  });

  it('installs the operator CLI as a bin that runs on plain node', () => {
    // WHEN
    const usage = run(join(app, 'node_modules', '.bin', 'stytch-rotation'), ['--help'], app);

    // THEN
    expect(usage).toMatch(/^usage: stytch-rotation <command>/);
  });

  it('type-checks a TypeScript consumer against its declarations', () => {
    // WHEN / THEN (the consumer's @ts-expect-error fails the check if the types were `any`)
    run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], app);
  });
});

describe('a CDK app that installed the package', () => {
  it('deploys the prebuilt bundle: the bytes this repository builds and deploys', () => {
    // GIVEN this repository's own synth of the construct
    const ours = testApp({ bundle: true });
    const stack = new Stack(ours, 'Ours');
    new StytchSecretRotation(stack, 'Rotation', baseProps());
    const ourFunction = Object.values(Template.fromStack(stack).toJSON().Resources).find(
      (r) => (r as FunctionResource).Type === 'AWS::Lambda::Function',
    ) as FunctionResource;

    // WHEN
    const fn = rotationFunction();
    const assetDirectory = join(app, 'cdk.out', String(fn.Metadata?.['aws:asset:path']));
    const deployed = readFileSync(join(assetDirectory, 'index.mjs'));

    // THEN
    expect(fn.Properties.Handler).toBe('index.handler');
    expect(readdirSync(assetDirectory)).toEqual(['index.mjs']);
    expect(deployed.equals(readFileSync(join(installed(), 'dist', 'function', 'index.mjs')))).toBe(
      true,
    );
    expect(deployed.equals(readFileSync(join(ROOT, 'dist', 'function', 'index.mjs')))).toBe(true);
    expect(fn.Properties.Code.S3Key).toBe(ourFunction.Properties.Code.S3Key);
    const zipPath = fileURLToPath(readFileSync(join(app, 'function-zip-url.txt'), 'utf8'));
    expect(zipPath).toBe(join(installed(), 'dist', 'stytch-secret-rotation-function.zip'));
    const zipped = unzipSync(readFileSync(zipPath));
    expect(Object.keys(zipped)).toEqual(['index.mjs']);
    expect(Buffer.from(zipped['index.mjs'] as Uint8Array).equals(deployed)).toBe(true);
  });

  it('manages its own secrets: the one it adopted by name and its own new Secret, under its own key', () => {
    // THEN
    const resources = Object.entries(template.Resources);
    const tagCalls = resources
      .filter(([, r]) => r.Type === 'Custom::AWS')
      .map(([, r]) => JSON.stringify((r.Properties as unknown as { Create: unknown }).Create));
    expect(tagCalls).toHaveLength(2);
    expect(tagCalls.some((call) => call.includes('secret:team/legacy-connected-app'))).toBe(true);
    const ownSecret = resources.find(
      ([, r]) =>
        r.Type === 'AWS::SecretsManager::Secret' && JSON.stringify(r).includes('team/own-m2m'),
    )?.[0];
    expect(tagCalls.some((call) => call.includes(String(ownSecret)))).toBe(true);
    const key = resources.find(
      ([, r]) => r.Type === 'AWS::KMS::Key' && JSON.stringify(r).includes('EnableKeyRotation'),
    )?.[0];
    const policies = JSON.stringify(resources.filter(([, r]) => r.Type === 'AWS::IAM::Policy'));
    expect(policies).toContain(
      `"UseSecretsKey","Action":["kms:Decrypt","kms:GenerateDataKey"]`.replace(
        /^"UseSecretsKey",/,
        '',
      ),
    );
    expect(policies).toContain(String(key));
    expect(existsSync(join(app, 'node_modules', 'esbuild'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
  });
});
