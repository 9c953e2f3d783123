/**
 * What tells an operator that rotation needs a person: an alarm on the function's errors and a rule
 * on Secrets Manager's `RotationFailed` events, both publishing to one SNS topic.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Beyond this many explicitly named secrets the event pattern would near EventBridge's 2,048 characters. */
export const MAX_SECRETS_NAMED_IN_EVENT_PATTERN = 10;

/** What {@link RotationAlerts} watches. */
export interface RotationAlertsProps {
  readonly rotationFunction: lambda.IFunction;
  /** ARN prefix of the created secrets. */
  readonly createdArnPrefix: string | undefined;
  /** ARNs of the other managed secrets. */
  readonly explicitArns: readonly string[];
  readonly alarmEmail?: string;
  readonly alarmTopic?: sns.ITopic;
}

/** The alarm topic, the errors alarm and the RotationFailed rule. */
export class RotationAlerts extends Construct {
  readonly topic: sns.ITopic;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly rotationFailedRule: events.Rule;

  constructor(scope: Construct, id: string, props: RotationAlertsProps) {
    super(scope, id);
    const ownTopic = props.alarmTopic === undefined ? this.createTopic() : undefined;
    this.topic = props.alarmTopic ?? (ownTopic as sns.Topic);
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }

    this.errorsAlarm = new cloudwatch.Alarm(this, 'FunctionErrors', {
      alarmDescription:
        'The Stytch secret rotation function failed: a rotation step or the reconcile threw. ' +
        'Read its log group; Secrets Manager retries the rotation.',
      metric: props.rotationFunction.metricErrors({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.errorsAlarm.addAlarmAction(new cloudwatchActions.SnsAction(this.topic));
    ownTopic?.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowErrorsAlarm',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [ownTopic.topicArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': this.errorsAlarm.alarmArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );

    const secretId = events.EventField.fromPath('$.detail.additionalEventData.SecretId');
    this.rotationFailedRule = new events.Rule(this, 'RotationFailed', {
      description: 'Secrets Manager could not rotate a Stytch client secret',
      eventPattern: {
        source: ['aws.secretsmanager'],
        // Rotation outcomes are service events that CloudTrail delivers, not API calls.
        detailType: ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationFailed'],
          ...secretFilter(props.createdArnPrefix, props.explicitArns),
        },
      },
      targets: [
        new targets.SnsTopic(this.topic, {
          message: events.RuleTargetInput.fromText(
            `Secrets Manager could not rotate ${secretId}. The current secret still works; read ` +
              'the rotation function log group, fix the cause, then rotate the secret again.',
          ),
        }),
      ],
    });
  }

  private createTopic(): sns.Topic {
    // CloudWatch and EventBridge cannot publish to a topic under the AWS-managed SNS key.
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the Stytch secret rotation alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      key.grant(new iam.ServicePrincipal(service), 'kms:Decrypt', 'kms:GenerateDataKey*');
    }
    return new sns.Topic(this, 'Topic', {
      displayName: 'Stytch secret rotation alarms',
      masterKey: key,
      enforceSSL: true,
    });
  }
}

/**
 * Narrows the pattern to this construct's secrets: a prefix for the created ones and the exact
 * ARNs of the rest. With too many exact ARNs the pattern would outgrow EventBridge's limit, so the
 * rule then matches every RotationFailed in the account and region; the message names the secret.
 */
function secretFilter(prefix: string | undefined, explicitArns: readonly string[]) {
  if (explicitArns.length > MAX_SECRETS_NAMED_IN_EVENT_PATTERN) return {};
  const matchers: unknown[] = [...(prefix === undefined ? [] : [{ prefix }]), ...explicitArns];
  return { additionalEventData: { SecretId: matchers } };
}
