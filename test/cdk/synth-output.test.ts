import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { afterAll, describe, expect, it } from 'vitest';
import { StytchSecretRotation } from '../../lib/stytch-secret-rotation.ts';
import { readSynthesizedFunction, SynthOutputError } from '../../local/synth-output.ts';
import { baseProps, testApp } from './fixtures.ts';

interface FunctionResource {
  Type: string;
  Metadata?: Record<string, string>;
  Properties: { Code: { S3Key: string }; Environment: { Variables: Record<string, unknown> } };
}

/** A real synth, bundling included, into a fresh directory. */
function synthesize(assetMetadata: boolean): string {
  const outdir = mkdtempSync(join(tmpdir(), 'synth-output-'));
  // The CLI turns asset metadata on; a plain App leaves it off.
  const app = testApp({
    bundle: true,
    outdir,
    context: { 'aws:cdk:enable-asset-metadata': assetMetadata },
  });
  const stack = new Stack(app, 'SynthOutputTest');
  const parameter = new ssm.StringParameter(stack, 'Credentials', { stringValue: '{}' });
  new StytchSecretRotation(stack, 'Rotation', baseProps({ credentialsParameter: parameter }));
  app.synth();
  return outdir;
}

// GIVEN two synths, with and without the asset metadata
const outdir = synthesize(true);
const outdirWithoutMetadata = synthesize(false);
afterAll(() => {
  for (const dir of [outdir, outdirWithoutMetadata]) rmSync(dir, { recursive: true, force: true });
});

const template = JSON.parse(readFileSync(join(outdir, 'SynthOutputTest.template.json'), 'utf8'));
const [functionId, fnResource] = Object.entries<FunctionResource>(template.Resources).find(
  ([, r]) => r.Type === 'AWS::Lambda::Function',
) as [string, FunctionResource];

describe('readSynthesizedFunction', () => {
  it('finds the bundled ES module, its handler and the literal environment of the template', () => {
    // WHEN
    const fn = readSynthesizedFunction(outdir, { stackName: 'SynthOutputTest' });

    // THEN
    expect(fn.logicalId).toBe(functionId);
    expect(fn.assetDirectory).toBe(join(outdir, String(fnResource.Metadata?.['aws:asset:path'])));
    expect(fn.bundlePath).toBe(join(fn.assetDirectory, 'index.mjs'));
    expect(fn.handlerExport).toBe('handler');
    expect(fn.timeoutSeconds).toBe(120);
    const {
      STYTCH_CREDENTIALS_PARAMETER: _fromRef,
      STYTCH_LEASE_TABLE: _tableRef,
      ...literal
    } = fnResource.Properties.Environment.Variables;
    expect(fn.environment).toEqual(literal);
    expect(fn.unresolvedVariables).toEqual(['STYTCH_CREDENTIALS_PARAMETER', 'STYTCH_LEASE_TABLE']);
  });

  it('finds the asset through the asset manifest when asset metadata is off', () => {
    // WHEN
    const fn = readSynthesizedFunction(outdirWithoutMetadata);
    const secondTemplate = JSON.parse(
      readFileSync(join(outdirWithoutMetadata, 'SynthOutputTest.template.json'), 'utf8'),
    );
    const [, resource] = Object.entries<FunctionResource>(secondTemplate.Resources).find(
      ([, r]) => r.Type === 'AWS::Lambda::Function',
    ) as [string, FunctionResource];
    const hash = resource.Properties.Code.S3Key.replace('.zip', '');
    const assets = JSON.parse(
      readFileSync(join(outdirWithoutMetadata, 'SynthOutputTest.assets.json'), 'utf8'),
    );

    // THEN
    expect(resource.Metadata?.['aws:asset:path']).toBeUndefined();
    expect(fn.assetDirectory).toBe(join(outdirWithoutMetadata, assets.files[hash].source.path));
    expect(existsSync(fn.bundlePath)).toBe(true);
  });

  it('hands over a bundle that loads as an ES module under plain node and exports the handler', () => {
    // GIVEN
    const fn = readSynthesizedFunction(outdir);

    // WHEN
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(`file://${fn.bundlePath}`)});` +
          `process.stdout.write(typeof m[${JSON.stringify(fn.handlerExport)}]);`,
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH, ...fn.environment } },
    );

    // THEN
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.stdout).toBe('function');
  });

  it('tells the caller to synthesize when there is no assembly', () => {
    // WHEN / THEN
    expect(() => readSynthesizedFunction(join(outdir, 'missing'))).toThrow(SynthOutputError);
    expect(() => readSynthesizedFunction(join(outdir, 'missing'))).toThrow(
      /manifest\.json: run `npx cdk synth` first/,
    );
  });

  it('names the stacks it has when asked for another', () => {
    // WHEN / THEN
    expect(() => readSynthesizedFunction(outdir, { stackName: 'Other' })).toThrow(
      `${outdir} holds no stack "Other" (stacks: SynthOutputTest)`,
    );
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(true);
  });
});
