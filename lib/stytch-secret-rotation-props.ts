/**
 * The props of `StytchSecretRotation`, each with its default. Strings, numbers and secrets may be
 * CDK tokens (checked by CloudFormation at deploy); durations must be literal.
 */
import type { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import type { StytchClientSpec } from './clients.ts';
import type { RotationLogLevel } from './rotation-function.ts';

/** Props of `StytchSecretRotation`. */
export interface StytchSecretRotationProps {
  /** The Stytch clients whose secrets rotate; at most about 240 fit in one stack. */
  readonly clients: readonly StytchClientSpec[];
  /** The SSM SecureString with the Stytch project's `{"project_id", "secret"}`: its name (a token must be a path starting with "/"), or the parameter. */
  readonly credentialsParameter: string | ssm.IStringParameter;
  /** The customer-managed key of the credentials parameter. @default - the AWS-managed `aws/ssm` key */
  readonly credentialsKey?: kms.IKey;
  /** Rotate this long after the previous rotation. Exclusive with `scheduleExpression`. @default Duration.days(30) */
  readonly automaticallyAfter?: Duration;
  /** A Secrets Manager `rate(N hours|days)` or `cron(0 H DOM MON DOW *)` expression (UTC). @default - `automaticallyAfter` */
  readonly scheduleExpression?: string;
  /** How long after its scheduled start a rotation may begin, in whole hours. @default - Secrets Manager's: 1 hour for schedules in hours, the rest of the UTC day otherwise */
  readonly rotationWindow?: Duration;
  /**
   * Rotate at once when the stack creates or changes a schedule. Off, a deploy that changes the
   * schedule or the window rotates nothing; a new secret is bootstrapped by the reconcile within one
   * interval instead. On, a schedule change rotates every secret at once. @default false
   */
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
  /** Created secrets are named `<prefix><client id>`. Ends in "/". @default `stytch/<stack name>/<construct path in the stack>/`, unique per construct */
  readonly secretNamePrefix?: string;
  /** The customer-managed key that encrypts created secrets (and adopted ones using it). @default - the AWS-managed `aws/secretsmanager` key */
  readonly encryptionKey?: kms.IKey;
  /** Principals of this account granted read (and decrypt) on every managed secret, one statement each; use `secretFor` for a single secret. @default - none */
  readonly readers?: readonly iam.IGrantable[];
  /** Regions the created secrets are replicated to. @default - none */
  readonly replicaRegions?: secretsmanager.ReplicaRegion[];
  /** What happens to created secrets when they leave the stack. @default RemovalPolicy.RETAIN */
  readonly secretRemovalPolicy?: RemovalPolicy;
  /**
   * Caps concurrent invocations (rotation steps and the reconcile), to stay within Stytch's rate
   * limits: 25 kept a full window of 1,000 rotations free of 429 failures at 60 Stytch requests a
   * second (docs/production-cdk.md). @default 25
   */
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
  /** The CloudWatch namespace of the construct's metrics. @default `StytchSecretRotation/<managed tag value>`, unique per construct */
  readonly metricsNamespace?: string;
  /** A secret whose last rotation is older than this is overdue (alarm). @default - the longest time between scheduled rotations, plus the window, plus 2 hours */
  readonly overdueAfter?: Duration;
}
