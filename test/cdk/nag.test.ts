import { readFileSync } from 'node:fs';
import { type App, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../lib/app-config.ts';
import { StytchSecretRotation } from '../../lib/stytch-secret-rotation.ts';
import { StytchSecretRotationStack } from '../../lib/stytch-secret-rotation-stack.ts';
import {
  ADOPTED_SECRET_ARN,
  baseProps,
  CONNECTED_APP_ID,
  synthRotation,
  testApp,
} from './fixtures.ts';

const CDK_JSON = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));

/** The AwsSolutions findings left after acknowledgements, as `rule at path`. */
function unacknowledgedFindings(app: App): string[] {
  app.synth();
  const report = new AwsSolutionsChecks().validateScope(app);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((r) => `${violation.ruleName} at ${r.constructPath}`),
  );
}

/** Every acknowledgement recorded in the tree: rule id → reason. */
function acknowledgements(root: IConstruct): [string, string][] {
  return root.node
    .findAll()
    .flatMap((c) => c.node.metadata)
    .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((entry) => Object.entries(entry.data as Record<string, string>))
    .map(([id, reason]): [string, string] => [id.replace(/^annotation::/i, ''), reason]);
}

describe('cdk-nag AwsSolutions', () => {
  it('finds nothing unacknowledged in the stack cdk.json configures', () => {
    // GIVEN
    const app = testApp();
    const config = loadAppConfig((key) => CDK_JSON.context[key]);
    new StytchSecretRotationStack(app, config.stackName, { config });

    // WHEN / THEN
    expect(unacknowledgedFindings(app)).toEqual([]);
    expect(acknowledgements(app).length).toBeGreaterThan(0);
  });

  it('finds nothing unacknowledged with every option: VPC, keys, adopted secret, email', () => {
    // GIVEN
    const synth = synthRotation((stack) =>
      baseProps({
        clients: [
          { clientId: CONNECTED_APP_ID },
          {
            clientId: 'm2m-client-test-adopted',
            existingSecret: secretsmanager.Secret.fromSecretCompleteArn(
              stack,
              'Adopted',
              ADOPTED_SECRET_ARN,
            ),
          },
        ],
        credentialsKey: new kms.Key(stack, 'CredentialsKey', { enableKeyRotation: true }),
        encryptionKey: new kms.Key(stack, 'SecretsKey', { enableKeyRotation: true }),
        vpc: new ec2.Vpc(stack, 'Vpc', {
          maxAzs: 1,
          natGateways: 0,
          subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
        }),
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
        alarmEmail: 'oncall@example.com',
        timeout: Duration.minutes(3),
      }),
    );

    // WHEN
    const findings = unacknowledgedFindings(synth.app).filter(
      (finding) => !finding.includes('/Vpc/'), // the test's own VPC is not the construct's
    );

    // THEN
    expect(findings).toEqual([]);
  });

  it('gives every acknowledgement a reason that explains it', () => {
    // GIVEN
    const { app } = synthRotation(baseProps({ vpc: undefined }));

    // WHEN
    const reasons = acknowledgements(app);

    // THEN
    expect(reasons.map(([id]) => id).sort()).toEqual([
      'AwsSolutions-DDB3',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:*]',
      'AwsSolutions-L1',
    ]);
    for (const [, reason] of reasons) expect(reason.length).toBeGreaterThan(60);
  });

  it('still reports the same finding outside the construct', () => {
    // GIVEN a wildcard statement on another role in the same stack
    const app = testApp();
    const stack = new Stack(app, 'RotationTest');
    new StytchSecretRotation(stack, 'Rotation', baseProps());
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.AccountRootPrincipal() });
    other.addToPolicy(
      new iam.PolicyStatement({ actions: ['secretsmanager:ListSecrets'], resources: ['*'] }),
    );

    // WHEN / THEN
    expect(unacknowledgedFindings(app)).toEqual([
      'AwsSolutions-IAM5[Resource::*] at RotationTest/Other/DefaultPolicy/Resource',
    ]);
  });
});
