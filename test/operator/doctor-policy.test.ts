/**
 * The doctor's `function-policy` check reads a synthesized assembly: the rotation function's role
 * must allow DescribeSecret, GetSecretValue, PutSecretValue and UpdateSecretVersionStage on every
 * secret the stack creates or adopts. Without an assembly it says it cannot tell.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { functionPolicyFinding } from '../../bin/cli/doctor/policy-check.ts';
import {
  ADOPTED_CLIENT_ID,
  ADOPTED_SECRET_ARN,
  baseProps,
  CONNECTED_APP_ID,
  M2M_CLIENT_ID,
  synthRotation,
} from '../cdk/fixtures.ts';

/** Synthesizes a stack with two created secrets and one adopted one into a fresh directory. */
function synthesizedAssembly(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'doctor-policy-'));
  const { app } = synthRotation(
    (stack) =>
      baseProps({
        clients: [
          { clientId: CONNECTED_APP_ID },
          { clientId: M2M_CLIENT_ID },
          {
            clientId: ADOPTED_CLIENT_ID,
            existingSecret: secretsmanager.Secret.fromSecretCompleteArn(
              stack,
              'Adopted',
              ADOPTED_SECRET_ARN,
            ),
          },
        ],
      }),
    { outdir },
  );
  app.synth();
  return outdir;
}

/** Rewrites the assembly's template, dropping the statements `drop` picks. */
function dropStatements(
  outdir: string,
  drop: (statement: { Sid?: string; Resource?: unknown }) => boolean,
): void {
  const file = join(
    outdir,
    readdirSync(outdir).find((name) => name.endsWith('.template.json')) ?? '',
  );
  const template = JSON.parse(readFileSync(file, 'utf8'));
  type Policy = { Type: string; Properties: { PolicyDocument: { Statement: object[] } } };
  for (const resource of Object.values(template.Resources) as Policy[]) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const document = resource.Properties.PolicyDocument;
    document.Statement = document.Statement.filter((s) => !drop(s));
  }
  writeFileSync(file, JSON.stringify(template));
}

describe('the function-policy check', () => {
  it('passes on the policy the construct synthesizes, for created and adopted secrets', () => {
    // GIVEN
    const outdir = synthesizedAssembly();

    // WHEN
    const finding = functionPolicyFinding(outdir);

    // THEN
    expect(finding.verdict).toBe('ok');
    expect(finding.detail).toContain('read and write all 3 managed secrets');
    expect(finding.detail).toContain('the deployed role is not inspected');
  });

  it('fails, naming the actions and secrets, when the secrets are not covered', () => {
    // GIVEN
    const outdir = synthesizedAssembly();
    dropStatements(outdir, (s) => s.Sid === 'RotateManagedSecrets');

    // WHEN
    const finding = functionPolicyFinding(outdir);

    // THEN
    expect(finding.verdict).toBe('fail');
    expect(finding.detail).toContain(
      `does not allow secretsmanager:DescribeSecret, secretsmanager:GetSecretValue, secretsmanager:PutSecretValue, secretsmanager:UpdateSecretVersionStage on arn:aws:secretsmanager:us-east-1:123456789012:secret:stytch/RotationTest/Rotation/${CONNECTED_APP_ID}`,
    );
    expect(finding.advice).toContain('npx cdk synth');
  });

  it('fails when the function may not read the credentials parameter', () => {
    // GIVEN
    const outdir = synthesizedAssembly();
    dropStatements(outdir, (s) => s.Sid === 'ReadStytchCredentials');

    // WHEN
    const finding = functionPolicyFinding(outdir);

    // THEN
    expect(finding.verdict).toBe('fail');
    expect(finding.detail).toContain(
      'ssm:GetParameter on the credentials parameter /stytch/credentials',
    );
  });

  it('says it cannot tell without a synthesized assembly', () => {
    // WHEN
    const finding = functionPolicyFinding(join(tmpdir(), 'no-such-cdk-out'));

    // THEN
    expect(finding.verdict).toBe('skip');
    expect(finding.detail).toMatch(/^cannot tell: no synthesized stack/);
  });
});
