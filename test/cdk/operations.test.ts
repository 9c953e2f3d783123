import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { MAX_SECRETS_PER_RULE } from '../../lib/rotation-alerts.ts';
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
  const { template, stack } = synthRotation((scope) =>
    baseProps({
      clients: [
        { clientId: CONNECTED_APP_ID },
        {
          clientId: ADOPTED_CLIENT_ID,
          existingSecret: secretsmanager.Secret.fromSecretCompleteArn(
            scope,
            'Adopted',
            ADOPTED_SECRET_ARN,
          ),
        },
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
              { prefix: pseudoArn('secretsmanager', `secret:stytch/${STACK_NAME}/Rotation/`) },
              ADOPTED_SECRET_ARN,
            ],
          },
        },
      },
      Targets: [
        {
          Arn: topic,
          RoleArn: {
            'Fn::GetAtt': [logicalIdAt(stack, 'Rotation/Alerts/EventsPublishRole'), 'Arn'],
          },
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

  it('publishes to a KMS-encrypted topic that refuses plain HTTP and admits only its alarms', () => {
    // THEN
    const alarms = Object.keys(template.findResources('AWS::CloudWatch::Alarm')).map((id) => ({
      'Fn::GetAtt': [id, 'Arn'],
    }));
    expect(alarms).toHaveLength(4);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdAt(stack, 'Rotation/Alerts/TopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Sid: 'AllowRotationAlarms',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: {
              ArnEquals: { 'aws:SourceArn': alarms },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          }),
        ],
      },
    });
  });

  it('trusts service principals on the key and the publishing role only from this account', () => {
    // THEN
    const thisAccount = { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } };
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: [
          Match.objectLike({ Principal: { AWS: Match.anyValue() } }),
          {
            Sid: 'AllowCloudWatchAlarmsOfThisAccount',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: thisAccount,
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: thisAccount,
          },
        ],
      },
    });
    // No service principal anywhere without a SourceAccount or SourceArn condition (Lambda's
    // own trust aside: Lambda assumes the function's role for no one else).
    const statements = Object.values(template.toJSON().Resources).flatMap((resource) => {
      const p = (resource as { Properties?: Record<string, { Statement?: unknown[] }> }).Properties;
      return [p?.KeyPolicy, p?.PolicyDocument, p?.AssumeRolePolicyDocument].flatMap(
        (doc) =>
          (doc?.Statement ?? []) as { Principal?: { Service?: string }; Condition?: unknown }[],
      );
    });
    const unconditioned = statements.filter(
      (st) =>
        st.Principal?.Service !== undefined &&
        st.Principal.Service !== 'lambda.amazonaws.com' &&
        !/aws:Source(Account|Arn)/.test(JSON.stringify(st.Condition ?? {})),
    );
    expect(statements.length).toBeGreaterThan(3);
    expect(unconditioned).toEqual([]);
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
  // GIVEN more adopted secrets than one event pattern names
  const count = 2 * MAX_SECRETS_PER_RULE + 1;
  const arn = (i: number) =>
    `arn:aws:secretsmanager:us-east-1:123456789012:secret:legacy/client${i}-Ab12Cd`;
  const { template } = synthRotation((stack) =>
    baseProps({
      clients: Array.from({ length: count }, (_, i) => ({
        clientId: `m2m-client-test-adopted-${i}`,
        existingSecret: secretsmanager.Secret.fromSecretCompleteArn(stack, `A${i}`, arn(i)),
      })),
      alarmTopic: sns.Topic.fromTopicArn(
        stack,
        'Existing',
        'arn:aws:sns:us-east-1:123456789012:ops',
      ),
    }),
  );

  it('splits the secrets over several RotationFailed rules, never matching the whole account', () => {
    // THEN
    const rules = Object.values(
      template.findResources('AWS::Events::Rule', {
        Properties: { EventPattern: Match.objectLike({ source: ['aws.secretsmanager'] }) },
      }),
    );
    expect(rules).toHaveLength(3);
    const named = rules.flatMap((rule) => {
      const ids = rule.Properties.EventPattern.detail.additionalEventData?.SecretId;
      expect(ids?.length).toBeGreaterThan(0);
      expect(ids.length).toBeLessThanOrEqual(MAX_SECRETS_PER_RULE);
      return ids;
    });
    expect(named.sort()).toEqual(Array.from({ length: count }, (_, i) => arn(i)).sort());
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
