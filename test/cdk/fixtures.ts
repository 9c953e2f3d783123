/**
 * Shared builders for the CDK tests. Synths skip bundling (`aws:cdk:bundling-stacks: []`) unless a
 * test needs the real asset: esbuild per synth would dominate the run time.
 */
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import {
  StytchSecretRotation,
  type StytchSecretRotationProps,
} from '../../lib/stytch-secret-rotation.ts';

export const CONNECTED_APP_ID = 'connected-app-test-d731954d-dab3-4a2b-bdee-07f3ad1be885';
export const M2M_CLIENT_ID = 'm2m-client-test-1b2c3d4e-aaaa-4bbb-8ccc-123456789abc';
export const ADOPTED_CLIENT_ID = 'm2m-client-test-0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f';
export const ADOPTED_SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:legacy/billing-Ab12Cd';
export const STACK_NAME = 'RotationTest';

/** Props with the two required fields and two created secrets. */
export function baseProps(
  overrides: Partial<StytchSecretRotationProps> = {},
): StytchSecretRotationProps {
  return {
    clients: [{ clientId: CONNECTED_APP_ID }, { clientId: M2M_CLIENT_ID }],
    credentialsParameter: '/stytch/credentials',
    ...overrides,
  };
}

/** Options of {@link testApp}. */
export interface TestAppOptions {
  /** Run esbuild for the function's asset. @default false */
  readonly bundle?: boolean;
  readonly outdir?: string;
  readonly analyticsReporting?: boolean;
  readonly context?: Record<string, unknown>;
}

/**
 * An app for tests: no bundling unless asked, and without CDK's built-in template schema check,
 * whose first run costs ~10 s per test file (`cdk synth` in CI still runs it).
 */
export function testApp(options: TestAppOptions = {}): App {
  return new App({
    outdir: options.outdir,
    analyticsReporting: options.analyticsReporting,
    builtinCloudFormationValidation: false,
    context: {
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      ...options.context,
    },
  });
}

/** A synthesized stack holding one construct. */
export interface Synthesized {
  readonly app: App;
  readonly stack: Stack;
  readonly rotation: StytchSecretRotation;
  readonly template: Template;
}

/** Builds a stack around the construct; `extend` may add principals or keys first. */
export function synthRotation(
  props: StytchSecretRotationProps | ((stack: Stack) => StytchSecretRotationProps),
  options: TestAppOptions = {},
): Synthesized {
  const app = testApp(options);
  const stack = new Stack(app, STACK_NAME);
  const rotation = new StytchSecretRotation(
    stack,
    'Rotation',
    typeof props === 'function' ? props(stack) : props,
  );
  return { app, stack, rotation, template: Template.fromStack(stack) };
}

/** Every statement of every IAM policy in the template, with the policy's logical id. */
export function allStatements(template: Template) {
  const statements: { policy: string; statement: Record<string, unknown> }[] = [];
  for (const [policy, resource] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    for (const statement of resource.Properties.PolicyDocument.Statement) {
      statements.push({ policy, statement });
    }
  }
  return statements;
}

/** The `Fn::Join` CloudFormation renders for `arn:${Partition}:service:${Region}:${Account}:<rest>`. */
export function pseudoArn(service: string, rest: string) {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:${service}:`,
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:${rest}`,
      ],
    ],
  };
}

/** The logical id of the CloudFormation resource at a construct path below the stack. */
export function logicalIdAt(stack: Stack, path: string): string {
  let construct: IConstruct = stack;
  for (const id of path.split('/')) construct = construct.node.findChild(id);
  const element = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (element === undefined || !CfnElement.isCfnElement(element)) {
    throw new Error(`no CloudFormation resource at ${path}`);
  }
  return stack.getLogicalId(element);
}
