/**
 * The deployable stack: one {@link StytchSecretRotation} built from the app's configuration, plus
 * the outputs an operator needs after `cdk deploy`. It is pinned to the configured account and
 * region (when given) and protected from termination: deleting it is a deliberate second step.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
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
    const { config } = props;
    super(scope, id, {
      terminationProtection: true,
      ...props,
      env: props.env ?? { account: config.account, region: config.region },
    });
    this.rotation = new StytchSecretRotation(this, 'Rotation', {
      clients: config.clients.map((client, index) => ({
        clientId: client.clientId,
        secretName: client.secretName,
        existingSecret:
          client.existingSecretArn !== undefined
            ? secretsmanager.Secret.fromSecretCompleteArn(
                this,
                `Adopted${index}`,
                client.existingSecretArn,
              )
            : client.existingSecretName !== undefined
              ? secretsmanager.Secret.fromSecretNameV2(
                  this,
                  `Adopted${index}`,
                  client.existingSecretName,
                )
              : undefined,
      })),
      // The name the secrets had before the construct's default became per-construct: a stack
      // holds one construct, and an unchanged name never replaces a secret.
      secretNamePrefix: `stytch/${config.stackName}/`,
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
    new CfnOutput(this, 'DashboardName', {
      description: 'The CloudWatch dashboard of the rotation',
      value: this.rotation.dashboard.dashboardName,
    });
    new CfnOutput(this, 'LeaseTableName', {
      description: "The per-client lease table: the CLI's --lease-table (or STYTCH_LEASE_TABLE)",
      value: this.rotation.leaseTable.tableName,
    });
    new CfnOutput(this, 'ManagedTag', {
      description: 'The tag on every managed secret (aws secretsmanager list-secrets --filters)',
      value: `${this.rotation.managedTag.key}=${this.rotation.managedTag.value}`,
    });
  }
}
