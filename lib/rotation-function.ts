/**
 * The one Lambda function that runs the four rotation steps and the scheduled reconcile, with its
 * own role (no managed policies, so every permission is visible in the construct's statements) and
 * its own log group (so retention is a resource CloudFormation owns and deletes).
 */
import { fileURLToPath } from 'node:url';
import { type Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The handler module and its export, relative to this file: lib → (asset path of) lambda. */
export const ROTATION_HANDLER_ENTRY = fileURLToPath(
  new URL('../lambda/rotation/handler.ts', import.meta.url),
);
const LOCK_FILE = fileURLToPath(new URL('../package-lock.json', import.meta.url));

/** Log levels the function and Powertools agree on. */
export type RotationLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** What {@link RotationFunction} needs; the parent construct validated every value. */
export interface RotationFunctionProps {
  readonly environment: Readonly<Record<string, string>>;
  readonly logLevel: RotationLogLevel;
  readonly logRetention: logs.RetentionDays;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly reservedConcurrentExecutions?: number;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** The rotation function, its role and its log group. */
export class RotationFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RotationFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Rotates Stytch client secrets for ${Stack.of(this).stackName}`,
    });
    // The log group ARN already ends in ":*", which covers its streams.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    if (props.vpc !== undefined) {
      // ENI management has no resource-level permissions; AWS's managed policy is the narrow form.
      this.role.addManagedPolicy(
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'),
      );
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: ROTATION_HANDLER_ENTRY,
      handler: 'handler',
      depsLockFilePath: LOCK_FILE,
      // Without the runtime the NodejsFunction default depends on a feature flag; pin it.
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel[props.logLevel],
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: { ...props.environment, POWERTOOLS_LOG_LEVEL: props.logLevel },
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      description: 'Rotates Stytch client secrets and reconciles open rotations',
      bundling: {
        minify: true,
        // Error and class names survive minification, so stack traces and logs stay readable.
        keepNames: true,
        target: 'node22',
        // ESM: index.mjs is an ES module wherever it runs, including the local sandbox inside this
        // "type": "module" package (an index.js there would not load as CommonJS), and esbuild
        // prefers the SDK's ES builds (`module` field), which tree-shake better.
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        // Some bundled CommonJS dependencies call require() for Node built-ins.
        banner:
          "import { createRequire as __stytchCreateRequire } from 'node:module'; " +
          'const require = __stytchCreateRequire(import.meta.url);',
        // Source maps would need --enable-source-maps, which slows every cold start; keepNames
        // keeps traces legible instead.
        sourceMap: false,
        // Bundle @aws-sdk instead of using the runtime's copy: the version is the one tested here.
        externalModules: [],
        forceDockerBundling: false,
      },
    });
  }
}
