/**
 * StytchSecretRotation: rotates the client secrets of Stytch Connected Apps and M2M clients stored in
 * AWS Secrets Manager, with one function for the four rotation steps and a scheduled reconcile.
 */
import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { MANAGED_TAG_KEY } from './clients.ts';
import { HealthAlarms } from './health-alarms.ts';
import { LeaseTable } from './lease-table.ts';
import { ManagedSecrets } from './managed-secrets.ts';
import { acknowledgeFindings } from './nag-acknowledgements.ts';
import { RotationAlerts } from './rotation-alerts.ts';
import { RotationDashboard } from './rotation-dashboard.ts';
import { RotationFunction } from './rotation-function.ts';
import { METRICS_SERVICE_NAME, RotationMetrics } from './rotation-metrics.ts';
import {
  checkPolicySize,
  grantInvokeSelf,
  grantReaders,
  grantRotation,
} from './rotation-policy.ts';
import type { StytchSecretRotationProps } from './stytch-secret-rotation-props.ts';
import { checkRotationProps } from './validation.ts';

export type { StytchClientSpec } from './clients.ts';
export type { StytchSecretRotationProps } from './stytch-secret-rotation-props.ts';
export { StytchRotationConfigError } from './validation.ts';

/** The default reserved concurrency (see the prop). */
export const DEFAULT_RESERVED_CONCURRENCY = 25;
const OVERDUE_MARGIN = Duration.hours(2);

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
  /** The namespace of the construct's metrics. */
  readonly metricsNamespace: string;
  /** The dashboard. */
  readonly dashboard: cloudwatch.Dashboard;
  /** The alarms: function errors, reconcile not running, secret overdue, reconcile needs attention. */
  readonly alarms: HealthAlarms;
  /** The per-client lease table; the function's `STYTCH_LEASE_TABLE` and the CLI's `--lease-table`. */
  readonly leaseTable: dynamodb.ITable;

  constructor(scope: Construct, id: string, props: StytchSecretRotationProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const secretNamePrefix = props.secretNamePrefix ?? defaultPrefix(this);
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
            // A name known only at deploy is taken to be a path ("/…"); pass the parameter
            // itself for a simple name.
            ...(Token.isUnresolved(props.credentialsParameter) ? { simpleName: false } : {}),
          })
        : props.credentialsParameter;
    this.managedTag = { key: MANAGED_TAG_KEY, value: Names.uniqueId(this) };
    this.metricsNamespace =
      props.metricsNamespace ?? `StytchSecretRotation/${this.managedTag.value}`;
    const leases = new LeaseTable(this, 'Leases');
    this.leaseTable = leases.table;

    const fn = new RotationFunction(this, 'Handler', {
      environment: {
        STYTCH_CREDENTIALS_PARAMETER: parameter.parameterName,
        STYTCH_COMPLETION_DELAY_SECONDS: String(completionDelay.toSeconds()),
        STYTCH_MANAGED_TAG: `${this.managedTag.key}=${this.managedTag.value}`,
        STYTCH_LEASE_TABLE: leases.table.tableName,
        // The reconcile cuts its drift audit into one slice per scheduled pass.
        STYTCH_RECONCILE_INTERVAL_MINUTES: String(reconcileInterval.toMinutes({ integral: false })),
        POWERTOOLS_SERVICE_NAME: METRICS_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: this.metricsNamespace,
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
      reservedConcurrentExecutions:
        props.reservedConcurrentExecutions ?? DEFAULT_RESERVED_CONCURRENCY,
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
    const secretGrants = {
      secretsArn: secrets.taggedSecretsArn,
      managedTag: this.managedTag,
      secretsKeys: secrets.encryptionKeys,
    };
    grantRotation(fn.role, {
      ...secretGrants,
      credentialsParameterArn: parameter.parameterArn,
      credentialsKey: props.credentialsKey,
    });
    leases.grantLeases(fn.role);
    const invokeSelf = grantInvokeSelf(this, fn.role, fn.function);
    grantReaders(props.readers ?? [], secretGrants, this);

    // One permission for every secret: Secrets Manager of this account and region, for its secrets
    // (Lambda compares SourceArn with StringLike, so the pattern is honoured; aws-cdk#28406).
    const invokePermission = new lambda.CfnPermission(this, 'SecretsManagerInvoke', {
      action: 'lambda:InvokeFunction',
      functionName: fn.function.functionArn,
      principal: 'secretsmanager.amazonaws.com',
      sourceAccount: stack.account,
      sourceArn: secrets.taggedSecretsArn,
    });
    secrets.scheduleRotation({
      rotationFunction: fn.function,
      rules: schedule.rules,
      rotateImmediatelyOnUpdate: props.rotateImmediatelyOnUpdate ?? false,
      dependsOn: [fn, invokePermission, invokeSelf],
    });

    // A failed reconcile is retried by the next scheduled run, not by Lambda's async retries.
    fn.function.configureAsyncInvoke({ retryAttempts: 0 });
    new events.Rule(this, 'ReconcileSchedule', {
      description: 'Runs the Stytch secret rotation reconcile',
      schedule: events.Schedule.rate(reconcileInterval),
      targets: [new targets.LambdaFunction(fn.function)],
    });

    const metrics = new RotationMetrics(this, 'Metrics', {
      namespace: this.metricsNamespace,
      logGroup: fn.logGroup,
    });
    const overdueAfter =
      props.overdueAfter ??
      Duration.hours(schedule.maxHoursBetweenRotations + schedule.windowHours).plus(OVERDUE_MARGIN);
    this.alarms = new HealthAlarms(this, 'Alarms', {
      metrics,
      rotationFunction: fn.function,
      reconcileInterval,
      overdueAfter,
    });
    const alerts = new RotationAlerts(this, 'Alerts', {
      secretMatchers: secrets.arnMatchers,
      alarmEmail: props.alarmEmail,
      alarmTopic: props.alarmTopic,
    });
    for (const alarm of this.alarms.all) alerts.notify(alarm);
    alerts.admitAlarms();
    this.alarmTopic = alerts.topic;
    this.dashboard = new RotationDashboard(this, 'Dashboard', {
      metrics,
      alarms: this.alarms,
      rotationFunction: fn.function,
      rotationFailedRules: alerts.rotationFailedRules,
      overdueAfter,
    }).dashboard;

    this.node.addValidation({ validate: () => checkPolicySize(this, fn.role, [invokeSelf]) });
    acknowledgeFindings({ fn, inVpc: props.vpc !== undefined });
  }

  /** The managed secret of a client. @throws Error when the client is not managed here */
  secretFor(clientId: string): secretsmanager.ISecret {
    const secret = this.secrets.get(clientId);
    if (secret === undefined) throw new Error(`no managed secret for client "${clientId}"`);
    return secret;
  }
}

/**
 * `stytch/<stack name>/<path of the construct in its stack>/`: construct paths are unique, so two
 * constructs share it only if their ids differ in nothing but characters a secret name cannot hold
 * (those become "-"), and then Secrets Manager refuses the second name at deploy.
 */
function defaultPrefix(construct: Construct): string {
  const stack = Stack.of(construct);
  const path = construct.node.scopes
    .slice(construct.node.scopes.indexOf(stack) + 1)
    .map((scope) => scope.node.id.replace(/[^A-Za-z0-9_+=.@-]/g, '-'))
    .join('/');
  return Token.isUnresolved(stack.stackName)
    ? `stytch/${path}/`
    : `stytch/${stack.stackName}/${path}/`;
}
