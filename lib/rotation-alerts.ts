/**
 * Where alerts go: one SNS topic that the construct's alarms publish to, and rules on Secrets
 * Manager's `RotationFailed` events for exactly the construct's secrets. Every grant to a service
 * principal is limited to this account (and, where the service says which resource acts, to it).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { SecretArnMatcher } from './managed-secrets.ts';

/** Secrets named in one rule's pattern; more would near EventBridge's 2,048-character pattern limit. */
export const MAX_SECRETS_PER_RULE = 10;

/** What {@link RotationAlerts} watches. */
export interface RotationAlertsProps {
  /** Matchers that cover exactly the managed secrets. */
  readonly secretMatchers: readonly SecretArnMatcher[];
  readonly alarmEmail?: string;
  readonly alarmTopic?: sns.ITopic;
}

/** The alarm topic and the RotationFailed rules; alarms are added with {@link notify}. */
export class RotationAlerts extends Construct {
  readonly topic: sns.ITopic;
  readonly rotationFailedRules: readonly events.Rule[];
  private readonly ownTopic: sns.Topic | undefined;
  private readonly alarms: cloudwatch.IAlarm[] = [];

  constructor(scope: Construct, id: string, props: RotationAlertsProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    this.ownTopic = props.alarmTopic === undefined ? this.createTopic(account) : undefined;
    this.topic = props.alarmTopic ?? (this.ownTopic as sns.Topic);
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }

    // EventBridge publishes through a role that only its rules in this account may assume, so the
    // topic and its key need no grant to the events service at all.
    const publisher = new iam.Role(this, 'EventsPublishRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
      description: 'Publishes failed Stytch secret rotations to the alarm topic',
    });
    const secretId = events.EventField.fromPath('$.detail.additionalEventData.SecretId');
    const rules: events.Rule[] = [];
    // One rule per group of secrets: never a rule without a filter, whatever the number.
    for (let start = 0; start < props.secretMatchers.length; start += MAX_SECRETS_PER_RULE) {
      const matchers = props.secretMatchers.slice(start, start + MAX_SECRETS_PER_RULE);
      const index = start / MAX_SECRETS_PER_RULE;
      rules.push(
        new events.Rule(this, index === 0 ? 'RotationFailed' : `RotationFailed${index + 1}`, {
          description: 'Secrets Manager could not rotate a Stytch client secret',
          eventPattern: {
            source: ['aws.secretsmanager'],
            // Rotation outcomes are service events that CloudTrail delivers, not API calls.
            detailType: ['AWS Service Event via CloudTrail'],
            detail: {
              eventSource: ['secretsmanager.amazonaws.com'],
              eventName: ['RotationFailed'],
              additionalEventData: { SecretId: [...matchers] },
            },
          },
          targets: [
            new targets.SnsTopic(this.topic, {
              role: publisher,
              message: events.RuleTargetInput.fromText(
                `Secrets Manager could not rotate ${secretId}. The current secret still works; ` +
                  'read the rotation function log group, fix the cause, then rotate the secret again.',
              ),
            }),
          ],
        }),
      );
    }
    this.rotationFailedRules = rules;
    Validations.of(publisher).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        "SNS's own grant for publishing to an encrypted topic, on that topic's key only: " +
        'publishing needs a data key, which kms:GenerateDataKey* names',
    });
  }

  /** Sends the alarm's state changes to the topic (and admits the alarm in the topic's policy). */
  notify(alarm: cloudwatch.Alarm): void {
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }

  /** Admits exactly the notified alarms to the construct's own topic; call once, at the end. */
  admitAlarms(): void {
    if (this.ownTopic === undefined || this.alarms.length === 0) return;
    this.ownTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowRotationAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.ownTopic.topicArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': this.alarms.map((alarm) => alarm.alarmArn) },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
  }

  private createTopic(account: string): sns.Topic {
    // CloudWatch cannot publish to a topic under the AWS-managed SNS key.
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the Stytch secret rotation alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsOfThisAccount',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    return new sns.Topic(this, 'Topic', {
      displayName: 'Stytch secret rotation alarms',
      masterKey: key,
      enforceSSL: true,
    });
  }
}
