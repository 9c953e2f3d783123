import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { MAX_SECRETS_NAMED_IN_EVENT_PATTERN } from '../../lib/rotation-alerts.ts';
import {
  ADOPTED_CLIENT_ID,
  ADOPTED_SECRET_ARN,
  baseProps,
  CONNECTED_APP_ID,
  logicalIdAt,
  pseudoArn,
  STACK_NAME,
  synthRotation,
} from './fixtures.ts';

describe('operations with an adopted secret and an alarm email', () => {
  // GIVEN
  const { template, stack } = synthRotation(
    baseProps({
      clients: [
        { clientId: CONNECTED_APP_ID },
        { clientId: ADOPTED_CLIENT_ID, existingSecretArn: ADOPTED_SECRET_ARN },
      ],
      reconcileInterval: Duration.minutes(10),
      alarmEmail: 'oncall@example.com',
    }),
  );
  const functionArn = { 'Fn::GetAtt': [logicalIdAt(stack, 'Rotation/Handler/Function'), 'Arn'] };
  const topic = { Ref: logicalIdAt(stack, 'Rotation/Alerts/Topic') };

  it('runs the reconcile on a schedule, passing the scheduled event unchanged', () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(10 minutes)',
      State: 'ENABLED',
      Targets: [{ Arn: functionArn, Input: Match.absent(), InputTransformer: Match.absent() }],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      FunctionName: functionArn,
      SourceArn: { 'Fn::GetAtt': [logicalIdAt(stack, 'Rotation/ReconcileSchedule'), 'Arn'] },
    });
  });

  it('alarms on any function error within five minutes', () => {
    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [
        { Name: 'FunctionName', Value: { Ref: logicalIdAt(stack, 'Rotation/Handler/Function') } },
      ],
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
    });
  });

  it("routes Secrets Manager's RotationFailed events for this construct's secrets to the topic", () => {
    // THEN
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.secretsmanager'],
        'detail-type': ['AWS Service Event via CloudTrail'],
        detail: {
          eventSource: ['secretsmanager.amazonaws.com'],
          eventName: ['RotationFailed'],
          additionalEventData: {
            SecretId: [
              { prefix: pseudoArn('secretsmanager', `secret:stytch/${STACK_NAME}/`) },
              ADOPTED_SECRET_ARN,
            ],
          },
        },
      },
      Targets: [
        {
          Arn: topic,
          InputTransformer: {
            InputPathsMap: {
              'detail-additionalEventData-SecretId': '$.detail.additionalEventData.SecretId',
            },
            InputTemplate: Match.stringLikeRegexp(
              'could not rotate <detail-additionalEventData-SecretId>',
            ),
          },
        },
      ],
    });
  });

  it('publishes to a KMS-encrypted topic that refuses plain HTTP and admits only its publishers', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdAt(stack, 'Rotation/Alerts/TopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Sid: 'AllowErrorsAlarm',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
          }),
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('subscribes the alarm email to the topic', () => {
    // THEN
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: topic,
    });
  });
});

describe('operations with a given topic and many adopted secrets', () => {
  // GIVEN more adopted secrets than an event pattern can name
  const adopted = Array.from({ length: MAX_SECRETS_NAMED_IN_EVENT_PATTERN + 1 }, (_, i) => ({
    clientId: `m2m-client-test-adopted-${i}`,
    existingSecretArn: `arn:aws:secretsmanager:us-east-1:123456789012:secret:legacy/client${i}-Ab12Cd`,
  }));
  const { template } = synthRotation((stack) =>
    baseProps({
      clients: adopted,
      alarmTopic: sns.Topic.fromTopicArn(
        stack,
        'Existing',
        'arn:aws:sns:us-east-1:123456789012:ops',
      ),
    }),
  );

  it('matches every RotationFailed in the account instead of outgrowing the pattern limit', () => {
    // THEN
    const rules = Object.values(
      template.findResources('AWS::Events::Rule', {
        Properties: { EventPattern: Match.objectLike({ source: ['aws.secretsmanager'] }) },
      }),
    );
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties.EventPattern.detail).toEqual({
      eventSource: ['secretsmanager.amazonaws.com'],
      eventName: ['RotationFailed'],
    });
  });

  it('creates no topic of its own and publishes to the given one', () => {
    // THEN
    template.resourceCountIs('AWS::SNS::Topic', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: ['arn:aws:sns:us-east-1:123456789012:ops'],
    });
  });
});
