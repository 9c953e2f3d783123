import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import {
  type BudgetProps,
  fixedResourceCount,
  RESOURCES_PER_CLIENT,
} from '../../lib/resource-budget.ts';
import { IAM_INLINE_POLICY_LIMIT } from '../../lib/rotation-policy.ts';
import {
  StytchSecretRotation,
  type StytchSecretRotationProps,
} from '../../lib/stytch-secret-rotation.ts';
import { logicalIdAt, testApp } from './fixtures.ts';

const clients = (count: number, kind = 'm2m-client-test') =>
  Array.from({ length: count }, (_, i) => ({
    clientId: `${kind}-${String(i).padStart(4, '0')}-6b5a-4c3d-9e2f-1a0b9c8d7e6f`,
  }));

/** Synthesizes like `cdk synth` does, with the stack's AWS::CDK::Metadata resource. */
function synth(props: (stack: Stack) => StytchSecretRotationProps) {
  const app = testApp({ analyticsReporting: true });
  const stack = new Stack(app, 'ScaleTest');
  const resolved = props(stack);
  new StytchSecretRotation(stack, 'Rotation', resolved);
  return { stack, props: resolved, template: Template.fromStack(stack) };
}

describe('a stack with 200 clients', () => {
  // GIVEN
  const { stack, template, props } = synth(() => ({
    clients: [...clients(100, 'connected-app-test'), ...clients(100)],
    credentialsParameter: '/stytch/credentials',
    alarmEmail: 'oncall@example.com',
  }));

  it("keeps the function's role policy under IAM's 10,240-character inline limit", () => {
    // WHEN
    const policy =
      template.findResources('AWS::IAM::Policy')[
        logicalIdAt(stack, 'Rotation/Handler/Role/DefaultPolicy')
      ];
    const size = JSON.stringify(policy?.Properties.PolicyDocument).length;

    // THEN the template's JSON over-counts: Fn::Join is longer than the ARN it becomes
    expect(size).toBeGreaterThan(500);
    expect(size).toBeLessThan(IAM_INLINE_POLICY_LIMIT);
    // and CDK did not spill statements into overflow managed policies
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    console.info(`function policy at 200 clients: ${size} characters`);
  });

  it('has as many resources as the budget counts', () => {
    // WHEN
    const count = Object.keys(template.toJSON().Resources).length;

    // THEN
    expect(count).toBe(fixedResourceCount(props) + RESOURCES_PER_CLIENT * 200);
    template.resourceCountIs('AWS::SecretsManager::Secret', 200);
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 200);
  });
});

describe('the resource budget', () => {
  it.each<[string, (stack: Stack) => Partial<StytchSecretRotationProps>]>([
    ['created secrets only', () => ({})],
    ['an email subscription', () => ({ alarmEmail: 'oncall@example.com' })],
    [
      'adopted secrets, a VPC and a given topic',
      (stack) => ({
        clients: [
          ...clients(2),
          {
            clientId: 'm2m-client-test-adopted',
            existingSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:old-Ab12Cd',
          },
        ],
        vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
          vpcId: 'vpc-0123456789abcdef0',
          availabilityZones: ['us-east-1a'],
          privateSubnetIds: ['subnet-0123456789abcdef0'],
        }),
        alarmTopic: sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:us-east-1:123456789012:t'),
      }),
    ],
  ])('matches the template with %s', (_, extra) => {
    // GIVEN / WHEN
    const { template, props } = synth((stack) => ({
      clients: clients(3),
      credentialsParameter: '/stytch/credentials',
      ...extra(stack),
    }));

    // THEN
    expect(Object.keys(template.toJSON().Resources).length).toBe(
      fixedResourceCount(props as BudgetProps) + RESOURCES_PER_CLIENT * props.clients.length,
    );
  });
});

describe('the policy size check', () => {
  it('fails the synth when adopted secrets would outgrow the inline policy limit', () => {
    // GIVEN 80 adopted secrets, each listed by ARN
    const app = testApp();
    const stack = new Stack(app, 'TooManyAdopted');
    new StytchSecretRotation(stack, 'Rotation', {
      clients: Array.from({ length: 80 }, (_, i) => ({
        clientId: `m2m-client-test-${i}`,
        existingSecretArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:legacy/client-${i}-Ab12Cd`,
      })),
      credentialsParameter: '/stytch/credentials',
    });

    // WHEN / THEN
    expect(() => app.synth()).toThrow(
      /the rotation function's policy needs \d{5} characters but IAM allows 10240/,
    );
  });
});
