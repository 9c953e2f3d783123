import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config.ts';
import {
  baseProps,
  CONNECTED_APP_ID,
  logicalIdAt,
  M2M_CLIENT_ID,
  synthRotation,
} from './fixtures.ts';

describe('the rotation function with default props', () => {
  // GIVEN
  const { template, stack, rotation } = synthRotation(baseProps());

  it('runs on nodejs22.x on arm64 with JSON logs, 256 MB and a 2 minute timeout', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 256,
      Timeout: 120,
      LoggingConfig: {
        LogFormat: 'JSON',
        ApplicationLogLevel: 'INFO',
        LogGroup: { Ref: logicalIdAt(stack, 'Rotation/Handler/Logs') },
      },
    });
    template.resourceCountIs('AWS::Lambda::Function', 1);
  });

  it('sets exactly the runtime contract, which the function itself accepts', () => {
    // WHEN
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function'));
    const variables = fn?.Properties.Environment.Variables as Record<string, string>;

    // THEN
    expect(variables).toEqual({
      STYTCH_CREDENTIALS_PARAMETER: '/stytch/credentials',
      STYTCH_COMPLETION_DELAY_SECONDS: '3600',
      STYTCH_MANAGED_TAG: `stytch-secret-rotation=${rotation.managedTag.value}`,
      STYTCH_LEASE_TABLE: { Ref: logicalIdAt(stack, 'Rotation/Leases/Table') },
      STYTCH_RECONCILE_INTERVAL_MINUTES: '15',
      POWERTOOLS_SERVICE_NAME: 'stytch-secret-rotation',
      POWERTOOLS_METRICS_NAMESPACE: `StytchSecretRotation/${rotation.managedTag.value}`,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
    // CloudFormation resolves the Ref to the table's name at deploy.
    expect(
      loadConfig({ ...variables, STYTCH_LEASE_TABLE: 'RotationTest-Leases-1A2B3C' }),
    ).toMatchObject({
      credentialsParameter: '/stytch/credentials',
      completionDelaySeconds: 3600,
      managedTag: { key: 'stytch-secret-rotation', value: rotation.managedTag.value },
    });
  });

  it('creates each secret holding only its client id, tagged with STYTCH_MANAGED_TAG and its client id, retained even when replaced', () => {
    // THEN
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(
      secrets.map((secret) => [secret.Properties.Name, secret.Properties.SecretString]),
    ).toEqual([
      // The default prefix holds the construct's path: two constructs never share it.
      [
        `stytch/RotationTest/Rotation/${CONNECTED_APP_ID}`,
        JSON.stringify({ client_id: CONNECTED_APP_ID }),
      ],
      [
        `stytch/RotationTest/Rotation/${M2M_CLIENT_ID}`,
        JSON.stringify({ client_id: M2M_CLIENT_ID }),
      ],
    ]);
    for (const secret of secrets) {
      expect(secret.Properties.Tags).toEqual(
        expect.arrayContaining([
          { Key: 'stytch-secret-rotation', Value: rotation.managedTag.value },
          {
            Key: 'stytch-secret-rotation:client-id',
            Value: JSON.parse(secret.Properties.SecretString).client_id,
          },
        ]),
      );
      expect(secret.Properties.Tags).toHaveLength(2);
      expect(secret.DeletionPolicy).toBe('Retain');
      expect(secret.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it('keeps its logs three months in a log group the stack owns', () => {
    // THEN
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 90 },
      DeletionPolicy: 'Delete',
    });
  });

  it('runs no async retries: the next scheduled reconcile is the retry', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 0,
      Qualifier: '$LATEST',
    });
  });

  it('has a role without managed policies', () => {
    // THEN
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Principal: { Service: 'lambda.amazonaws.com' } }],
      },
      ManagedPolicyArns: Match.absent(),
    });
  });
});

describe('the rotation function with every option', () => {
  // GIVEN
  const { template } = synthRotation(
    baseProps({
      completionDelay: Duration.minutes(10),
      stuckRotationAfter: Duration.hours(6),
      stytchApiBaseUrl: 'https://stytch.internal.example.com',
      stytchProjectDomain: 'login.example.com',
      logLevel: 'DEBUG',
      logRetention: logs.RetentionDays.ONE_YEAR,
      memorySize: 512,
      timeout: Duration.minutes(5),
      reservedConcurrentExecutions: 2,
    }),
  );

  it('passes the options into the environment and the function settings', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 512,
      Timeout: 300,
      ReservedConcurrentExecutions: 2,
      LoggingConfig: { ApplicationLogLevel: 'DEBUG' },
      Environment: {
        Variables: Match.objectLike({
          STYTCH_COMPLETION_DELAY_SECONDS: '600',
          STYTCH_STUCK_ROTATION_HOURS: '6',
          STYTCH_API_BASE_URL: 'https://stytch.internal.example.com',
          STYTCH_PROJECT_DOMAIN: 'login.example.com',
          POWERTOOLS_LOG_LEVEL: 'DEBUG',
        }),
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });
});
