/**
 * The one Lambda function that runs the four rotation steps and the scheduled reconcile, with its
 * own role (no managed policies, so every permission is visible in the construct's statements) and
 * its own log group (so retention is a resource CloudFormation owns and deletes).
 */
import { type Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_HANDLER, functionBundleDirectory } from './function-bundle.ts';

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
  readonly function: lambda.Function;
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

    this.function = new lambda.Function(this, 'Function', {
      // Prebuilt by `npm run bundle`: the same bytes in this repository and in the npm package.
      code: lambda.Code.fromAsset(functionBundleDirectory()),
      handler: BUNDLE_HANDLER,
      // The bundle targets node22; runtime and target move together in one change.
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
    });
  }
}
