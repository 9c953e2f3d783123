import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import {
  type BudgetProps,
  CLOUDFORMATION_RESOURCE_LIMIT,
  maxClients,
  totalResourceCount,
} from '../../lib/resource-budget.ts';
import { IAM_INLINE_POLICY_LIMIT } from '../../lib/rotation-policy.ts';
import {
  StytchSecretRotation,
  type StytchSecretRotationProps,
} from '../../lib/stytch-secret-rotation.ts';
import { allStatements, logicalIdAt, testApp } from './fixtures.ts';

const PREFIX = 'stytch/ScaleTest/Rotation/';

const clientId = (i: number, kind = 'm2m-client-test') =>
  `${kind}-${String(i).padStart(4, '0')}-6b5a-4c3d-9e2f-1a0b9c8d7e6f`;
const clients = (count: number, kind = 'm2m-client-test') =>
  Array.from({ length: count }, (_, i) => ({ clientId: clientId(i, kind) }));
/** Adopted secrets, half by complete ARN and half by name, as apps give them. */
const adopted = (stack: Stack, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    clientId: clientId(i),
    existingSecret:
      i % 2 === 0
        ? secretsmanager.Secret.fromSecretCompleteArn(
            stack,
            `Adopted${i}`,
            `arn:aws:secretsmanager:us-east-1:123456789012:secret:legacy/billing-client-${i}-Ab12Cd`,
          )
        : secretsmanager.Secret.fromSecretNameV2(
            stack,
            `Adopted${i}`,
            `legacy/billing-client-${i}`,
          ),
  }));

/** Synthesizes like `cdk synth` does, with the stack's AWS::CDK::Metadata resource. */
function synth(props: (stack: Stack) => StytchSecretRotationProps) {
  const app = testApp({ analyticsReporting: true });
  const stack = new Stack(app, 'ScaleTest');
  const resolved = props(stack);
  new StytchSecretRotation(stack, 'Rotation', resolved);
  return { stack, props: resolved, template: Template.fromStack(stack) };
}

/** The size of every policy statement of the rotation function's role, as the template holds it. */
function functionPolicySize(stack: Stack, template: Template): number {
  const role = logicalIdAt(stack, 'Rotation/Handler/Role');
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role))
    .reduce((sum, policy) => sum + JSON.stringify(policy.Properties.PolicyDocument).length, 0);
}

describe('a stack with 200 created clients', () => {
  // GIVEN
  const { stack, template, props } = synth(() => ({
    clients: [...clients(100, 'connected-app-test'), ...clients(100)],
    credentialsParameter: '/stytch/credentials',
    alarmEmail: 'oncall@example.com',
  }));

  it("keeps the function's role policy under IAM's 10,240-character inline limit", () => {
    // WHEN
    const size = functionPolicySize(stack, template);

    // THEN the template's JSON over-counts: Fn::Join is longer than the ARN it becomes
    expect(size).toBeGreaterThan(500);
    expect(size).toBeLessThan(IAM_INLINE_POLICY_LIMIT);
    // and CDK did not spill statements into overflow managed policies
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  it('has as many resources as the budget counts', () => {
    // WHEN
    const count = Object.keys(template.toJSON().Resources).length;

    // THEN
    expect(count).toBe(totalResourceCount(props as BudgetProps, PREFIX));
    template.resourceCountIs('AWS::SecretsManager::Secret', 200);
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 200);
  });
});

describe('adoption at scale', () => {
  // GIVEN one adopted secret, and 200
  const one = synth((stack) => ({
    clients: adopted(stack, 1),
    credentialsParameter: '/stytch/credentials',
  }));
  const many = synth((stack) => ({
    clients: adopted(stack, 200),
    credentialsParameter: '/stytch/credentials',
  }));

  it("keeps the function's policy within 1.5 times its size for one adopted secret", () => {
    // WHEN
    const sizeForOne = functionPolicySize(one.stack, one.template);
    const sizeForMany = functionPolicySize(many.stack, many.template);
    console.info(
      `function policy: ${sizeForOne} characters for 1 adopted secret, ${sizeForMany} for 200`,
    );

    // THEN
    expect(sizeForMany).toBeLessThanOrEqual(1.5 * sizeForOne);
    expect(sizeForMany).toBeLessThan(IAM_INLINE_POLICY_LIMIT);
    many.template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
  });

  it('keeps every policy of the stack one size, the tagging provider included', () => {
    // WHEN: no statement names an adopted secret
    const named = allStatements(many.template).filter(({ statement }) =>
      JSON.stringify(statement.Resource ?? '').includes('legacy/billing-client'),
    );

    // THEN
    expect(named).toEqual([]);
  });

  it('has as many resources as the budget counts, one RotationFailed rule per 10 secrets', () => {
    // WHEN
    const count = Object.keys(many.template.toJSON().Resources).length;

    // THEN
    expect(count).toBe(totalResourceCount(many.props as BudgetProps, PREFIX));
    many.template.resourceCountIs('AWS::Events::Rule', 1 + 20);
    many.template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 200);
  });
});

describe('the resource budget', () => {
  it.each<[string, (stack: Stack) => Partial<StytchSecretRotationProps>]>([
    ['created secrets only', () => ({})],
    ['an email subscription', () => ({ alarmEmail: 'oncall@example.com' })],
    [
      'secrets with their own names outside the prefix',
      () => ({ clients: clients(12).map((c, i) => ({ ...c, secretName: `apps/own-${i}` })) }),
    ],
    [
      'adopted secrets, a VPC and a given topic',
      (stack) => ({
        clients: [
          ...clients(2),
          ...adopted(stack, 1).map((c) => ({ ...c, clientId: clientId(99) })),
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
      totalResourceCount(props as BudgetProps, PREFIX),
    );
  });

  it('fits 237 created or 224 adopted secrets in one stack', () => {
    // GIVEN the defaults: the construct's own topic, no email, no VPC
    const created = { clients: clients(1) };
    const adoptedOnes = {
      clients: [{ clientId: clientId(0), existingSecret: { secretArn: 'x' } }],
    };

    // WHEN
    const maxCreated = maxClients(created, PREFIX);
    const maxAdopted = maxClients(adoptedOnes, PREFIX);
    console.info(`one stack holds ${maxCreated} created or ${maxAdopted} adopted secrets`);

    // THEN each is the last count that fits
    expect(maxCreated).toBe(237);
    expect(maxAdopted).toBe(224);
    for (const [props, max] of [
      [created, maxCreated],
      [adoptedOnes, maxAdopted],
    ] as const) {
      const at = (n: number) =>
        totalResourceCount({ clients: Array(n).fill(props.clients[0]) }, PREFIX);
      expect(at(max)).toBeLessThanOrEqual(CLOUDFORMATION_RESOURCE_LIMIT);
      expect(at(max + 1)).toBeGreaterThan(CLOUDFORMATION_RESOURCE_LIMIT);
    }
  });
});
