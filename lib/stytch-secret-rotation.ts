/**
 * StytchSecretRotation: rotates the client secrets of Stytch Connected Apps and M2M clients stored in
 * AWS Secrets Manager, with one function for the four rotation steps and a scheduled reconcile.
 */
import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { MANAGED_TAG_KEY, type StytchClientSpec } from './clients.ts';
import { ManagedSecrets } from './managed-secrets.ts';
import { acknowledgeFindings, nagSecretPattern } from './nag-acknowledgements.ts';
import { RotationAlerts } from './rotation-alerts.ts';
import { RotationFunction, type RotationLogLevel } from './rotation-function.ts';
import { checkPolicySize, grantReaders, grantRotation } from './rotation-policy.ts';
import { checkRotationProps } from './validation.ts';

export type { StytchClientSpec } from './clients.ts';
export { StytchRotationConfigError } from './validation.ts';

/** Props of {@link StytchSecretRotation}. */
export interface StytchSecretRotationProps {
  /** The Stytch clients whose secrets rotate; at most about 240 fit in one stack. */
  readonly clients: readonly StytchClientSpec[];
  /** The SSM SecureString with the Stytch project's `{"project_id", "secret"}`: its name, or the parameter. */
  readonly credentialsParameter: string | ssm.IStringParameter;
  /** The customer-managed key of the credentials parameter. @default - the AWS-managed `aws/ssm` key */
  readonly credentialsKey?: kms.IKey;
  /** Rotate this long after the previous rotation. Exclusive with `scheduleExpression`. @default Duration.days(30) */
  readonly automaticallyAfter?: Duration;
  /** A Secrets Manager `rate(N hours|days)` or `cron(0 H DOM MON DOW *)` expression (UTC). @default - `automaticallyAfter` */
  readonly scheduleExpression?: string;
  /** How long after its scheduled start a rotation may begin, in whole hours. @default - Secrets Manager's: 1 hour for schedules in hours, the rest of the UTC day otherwise */
  readonly rotationWindow?: Duration;
  /** Rotate at once when the stack creates or changes a schedule; this bootstraps new secrets. @default true */
  readonly rotateImmediatelyOnUpdate?: boolean;
  /** How long the previous secret keeps working after a rotation, for consumers' caches. @default Duration.hours(1) */
  readonly completionDelay?: Duration;
  /** How often the reconcile runs: it completes delayed rotations and abandons stuck ones. @default Duration.minutes(15) */
  readonly reconcileInterval?: Duration;
  /** The reconcile abandons a pending rotation older than this. @default - the function's default, 24 hours */
  readonly stuckRotationAfter?: Duration;
  /** The Stytch API base URL. @default - https://test.stytch.com for project-test-*, https://api.stytch.com for project-live-* */
  readonly stytchApiBaseUrl?: string;
  /** The Stytch project domain (`login.example.com`); Connected Apps then use its `/v1/oauth2/token`, Stytch's documented endpoint. @default - none: the `/v1/public/{project_id}/oauth2/token` form */
  readonly stytchProjectDomain?: string;
  /** Created secrets are named `<prefix><client id>`; the function's policy covers the prefix with one pattern. Ends in "/". @default `stytch/<stack name>/` */
  readonly secretNamePrefix?: string;
  /** The customer-managed key that encrypts created secrets (and adopted ones using it). @default - the AWS-managed `aws/secretsmanager` key */
  readonly encryptionKey?: kms.IKey;
  /** Principals of this account granted read (and decrypt) on every managed secret, one statement each; use `secretFor` for a single secret. @default - none */
  readonly readers?: readonly iam.IGrantable[];
  /** Regions the created secrets are replicated to. @default - none */
  readonly replicaRegions?: secretsmanager.ReplicaRegion[];
  /** What happens to created secrets when they leave the stack. @default RemovalPolicy.RETAIN */
  readonly secretRemovalPolicy?: RemovalPolicy;
  /** Caps concurrent rotations, to stay within Stytch's rate limits. @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** The VPC the function runs in; it needs a route to Stytch and to Secrets Manager and SSM. @default - not in a VPC */
  readonly vpc?: ec2.IVpc;
  /** The subnets in `vpc`. @default - the VPC's private subnets */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The security groups in `vpc`. @default - a new group allowing all outbound traffic */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** How long the function's logs are kept. @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** The function's log level. @default 'INFO' */
  readonly logLevel?: RotationLogLevel;
  /** The function's memory, in MB. @default 256 */
  readonly memorySize?: number;
  /** The function's timeout, well above one Stytch call's 25 s deadline. @default Duration.minutes(2) */
  readonly timeout?: Duration;
  /** An email address subscribed to the alarm topic (it must confirm the subscription). @default - none */
  readonly alarmEmail?: string;
  /** The topic alarms publish to; its policy and key must admit CloudWatch and EventBridge. @default - a new KMS-encrypted topic */
  readonly alarmTopic?: sns.ITopic;
}

/** Rotates Stytch client secrets in Secrets Manager. */
export class StytchSecretRotation extends Construct {
  /** The function that runs the rotation steps and the reconcile. */
  readonly rotationFunction: lambda.IFunction;
  /** The topic alarms and failed rotations publish to. */
  readonly alarmTopic: sns.ITopic;
  /** The managed secret of each client, by client id. */
  readonly secrets: ReadonlyMap<string, secretsmanager.ISecret>;
  /** The tag on every managed secret; the function's `STYTCH_MANAGED_TAG`. */
  readonly managedTag: { readonly key: string; readonly value: string };

  constructor(scope: Construct, id: string, props: StytchSecretRotationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const secretNamePrefix =
      props.secretNamePrefix ??
      (Token.isUnresolved(stack.stackName) ? 'stytch/' : `stytch/${stack.stackName}/`);
    const completionDelay = props.completionDelay ?? Duration.hours(1);
    const reconcileInterval = props.reconcileInterval ?? Duration.minutes(15);
    const schedule = checkRotationProps(props, {
      secretNamePrefix,
      completionDelay,
      reconcileInterval,
    });
    const parameter =
      typeof props.credentialsParameter === 'string'
        ? ssm.StringParameter.fromSecureStringParameterAttributes(this, 'Credentials', {
            parameterName: props.credentialsParameter,
          })
        : props.credentialsParameter;
    this.managedTag = { key: MANAGED_TAG_KEY, value: Names.uniqueId(this) };

    const fn = new RotationFunction(this, 'Handler', {
      environment: {
        STYTCH_CREDENTIALS_PARAMETER: parameter.parameterName,
        STYTCH_COMPLETION_DELAY_SECONDS: String(completionDelay.toSeconds()),
        STYTCH_MANAGED_TAG: `${this.managedTag.key}=${this.managedTag.value}`,
        // The reconcile cuts its drift audit into one slice per scheduled pass.
        STYTCH_RECONCILE_INTERVAL_MINUTES: String(reconcileInterval.toMinutes({ integral: false })),
        POWERTOOLS_SERVICE_NAME: 'stytch-secret-rotation',
        ...(props.stytchApiBaseUrl === undefined
          ? {}
          : { STYTCH_API_BASE_URL: props.stytchApiBaseUrl }),
        ...(props.stytchProjectDomain === undefined
          ? {}
          : { STYTCH_PROJECT_DOMAIN: props.stytchProjectDomain }),
        ...(props.stuckRotationAfter === undefined
          ? {}
          : {
              STYTCH_STUCK_ROTATION_HOURS: String(
                props.stuckRotationAfter.toHours({ integral: false }),
              ),
            }),
      },
      logLevel: props.logLevel ?? 'INFO',
      logRetention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.minutes(2),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
    });
    this.rotationFunction = fn.function;

    const secrets = new ManagedSecrets(this, 'Secrets', {
      clients: props.clients,
      secretNamePrefix,
      managedTag: this.managedTag,
      encryptionKey: props.encryptionKey,
      replicaRegions: props.replicaRegions,
      removalPolicy: props.secretRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.secrets = secrets.byClientId;
    grantRotation(fn.role, {
      secretArns: secrets.iamResources,
      credentialsParameterArn: parameter.parameterArn,
      credentialsKey: props.credentialsKey,
      secretsKey: props.encryptionKey,
    });
    grantReaders(props.readers ?? [], secrets.iamResources, props.encryptionKey, this);

    // One permission for every secret, and only for secrets in this account (aws-cdk#28406).
    const invokePermission = new lambda.CfnPermission(this, 'SecretsManagerInvoke', {
      action: 'lambda:InvokeFunction',
      functionName: fn.function.functionArn,
      principal: 'secretsmanager.amazonaws.com',
      sourceAccount: stack.account,
    });
    secrets.scheduleRotation({
      rotationFunction: fn.function,
      rules: schedule.rules,
      rotateImmediatelyOnUpdate: props.rotateImmediatelyOnUpdate ?? true,
      dependsOn: [fn, invokePermission],
    });

    // A failed reconcile is retried by the next scheduled run, not by Lambda's async retries.
    fn.function.configureAsyncInvoke({ retryAttempts: 0 });
    new events.Rule(this, 'ReconcileSchedule', {
      description: 'Runs the Stytch secret rotation reconcile',
      schedule: events.Schedule.rate(reconcileInterval),
      targets: [new targets.LambdaFunction(fn.function)],
    });
    const alerts = new RotationAlerts(this, 'Alerts', {
      rotationFunction: fn.function,
      createdArnPrefix: secrets.createdArnPrefix,
      explicitArns: secrets.explicitArns,
      alarmEmail: props.alarmEmail,
      alarmTopic: props.alarmTopic,
    });
    this.alarmTopic = alerts.topic;

    this.node.addValidation({ validate: () => checkPolicySize(this, fn.role) });
    acknowledgeFindings({
      fn,
      createdSecretsPattern:
        secrets.createdArnPrefix === undefined ? undefined : nagSecretPattern(secretNamePrefix),
      inVpc: props.vpc !== undefined,
    });
  }

  /** The managed secret of a client. @throws Error when the client is not managed here */
  secretFor(clientId: string): secretsmanager.ISecret {
    const secret = this.secrets.get(clientId);
    if (secret === undefined) throw new Error(`no managed secret for client "${clientId}"`);
    return secret;
  }
}
