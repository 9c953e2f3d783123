/**
 * The deployable stack: one {@link StytchSecretRotation} built from the app's configuration, plus
 * the outputs an operator needs after `cdk deploy`.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { RotationAppConfig } from './app-config.ts';
import { StytchSecretRotation } from './stytch-secret-rotation.ts';

/** Props of {@link StytchSecretRotationStack}. */
export interface StytchSecretRotationStackProps extends StackProps {
  /** The checked configuration, usually from {@link loadAppConfig}. */
  readonly config: RotationAppConfig;
}

/** Rotates the configured Stytch clients' secrets. */
export class StytchSecretRotationStack extends Stack {
  /** The rotation construct. */
  readonly rotation: StytchSecretRotation;

  constructor(scope: Construct, id: string, props: StytchSecretRotationStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.rotation = new StytchSecretRotation(this, 'Rotation', {
      clients: config.clients,
      credentialsParameter: config.credentialsParameterName,
      credentialsKey:
        config.credentialsKmsKeyArn === undefined
          ? undefined
          : kms.Key.fromKeyArn(this, 'CredentialsKey', config.credentialsKmsKeyArn),
      scheduleExpression: config.scheduleExpression,
      automaticallyAfter: config.automaticallyAfter,
      rotationWindow: config.rotationWindow,
      completionDelay: config.completionDelay,
      reconcileInterval: config.reconcileInterval,
      stuckRotationAfter: config.stuckRotationAfter,
      alarmEmail: config.alarmEmail,
      reservedConcurrentExecutions: config.reservedConcurrentExecutions,
      stytchApiBaseUrl: config.stytchApiBaseUrl,
      stytchProjectDomain: config.stytchProjectDomain,
    });

    new CfnOutput(this, 'RotationFunctionName', {
      description: 'The function that rotates the secrets and runs the reconcile',
      value: this.rotation.rotationFunction.functionName,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Alarms and failed rotations are published here',
      value: this.rotation.alarmTopic.topicArn,
    });
    new CfnOutput(this, 'ManagedTag', {
      description: 'The tag on every managed secret (aws secretsmanager list-secrets --filters)',
      value: `${this.rotation.managedTag.key}=${this.rotation.managedTag.value}`,
    });
  }
}
