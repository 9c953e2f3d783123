/**
 * The secrets a construct manages: created ones (named under one prefix, so a single ARN pattern
 * covers them all) and adopted ones (listed by ARN), each tagged with the construct's marker tag and
 * given a rotation schedule on the L1 resource, which alone accepts cron and a window.
 */
import { Aws, type RemovalPolicy, SecretValue, Stack, Tags } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IDependable } from 'constructs';
import { AdoptedSecretTagger } from './adopted-secret-tagger.ts';
import { defaultSecretName, type StytchClientSpec } from './clients.ts';

/** What {@link ManagedSecrets} needs; the parent construct validated every value. */
export interface ManagedSecretsProps {
  readonly clients: readonly StytchClientSpec[];
  readonly secretNamePrefix: string;
  readonly managedTag: { readonly key: string; readonly value: string };
  readonly encryptionKey?: kms.IKey;
  readonly replicaRegions?: secretsmanager.ReplicaRegion[];
  readonly removalPolicy: RemovalPolicy;
}

/** How every managed secret rotates. */
export interface RotationScheduleOptions {
  readonly rotationFunction: lambda.IFunction;
  readonly rules: secretsmanager.CfnRotationSchedule.RotationRulesProperty;
  readonly rotateImmediatelyOnUpdate: boolean;
  /** What must exist before a rotation can start: the function's permissions, the invoke permission. */
  readonly dependsOn: readonly IDependable[];
}

/** The managed secrets, by client id. */
export class ManagedSecrets extends Construct {
  /** The secret of each client, by client id. */
  readonly byClientId: ReadonlyMap<string, secretsmanager.ISecret>;
  /** ARNs and ARN patterns that cover every managed secret, for IAM. */
  readonly iamResources: readonly string[];
  /** The ARN prefix of the created secrets, or undefined when every secret is named explicitly. */
  readonly createdArnPrefix: string | undefined;
  /** ARNs of the secrets outside the prefix: adopted ones, and created ones with their own name. */
  readonly explicitArns: readonly string[];
  private readonly tagger: AdoptedSecretTagger | undefined;

  constructor(scope: Construct, id: string, props: ManagedSecretsProps) {
    super(scope, id);
    const secrets = new Map<string, secretsmanager.ISecret>();
    const explicitArns: string[] = [];
    const adoptedArns = new Map<string, string>();
    let anyUnderPrefix = false;

    for (const client of props.clients) {
      // Ids keyed by client id: reordering the list never replaces a secret.
      const clientScope = new Construct(this, client.clientId);
      if (client.existingSecretArn !== undefined) {
        const secret = secretsmanager.Secret.fromSecretAttributes(clientScope, 'Secret', {
          secretCompleteArn: client.existingSecretArn,
          encryptionKey: props.encryptionKey,
        });
        secrets.set(client.clientId, secret);
        explicitArns.push(client.existingSecretArn);
        adoptedArns.set(client.clientId, client.existingSecretArn);
        continue;
      }
      const secretName =
        client.secretName ?? defaultSecretName(props.secretNamePrefix, client.clientId);
      const secret = new secretsmanager.Secret(clientScope, 'Secret', {
        secretName,
        description: `Stytch client secret of ${client.clientId}, rotated by ${Stack.of(this).stackName}`,
        // No client_secret: the first rotation creates it, so no person ever sees one.
        secretStringValue: SecretValue.unsafePlainText(
          JSON.stringify({ client_id: client.clientId }),
        ),
        encryptionKey: props.encryptionKey,
        replicaRegions: props.replicaRegions,
        removalPolicy: props.removalPolicy,
      });
      Tags.of(secret).add(props.managedTag.key, props.managedTag.value);
      secrets.set(client.clientId, secret);
      if (secretName.startsWith(props.secretNamePrefix)) anyUnderPrefix = true;
      else explicitArns.push(secret.secretArn);
    }

    this.byClientId = secrets;
    this.explicitArns = explicitArns;
    // Pseudo parameters even when the stack's environment is known: one rendering everywhere.
    this.createdArnPrefix = anyUnderPrefix
      ? `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${props.secretNamePrefix}`
      : undefined;
    this.iamResources = [
      ...(this.createdArnPrefix === undefined ? [] : [`${this.createdArnPrefix}*`]),
      ...explicitArns,
    ];
    this.tagger =
      adoptedArns.size === 0
        ? undefined
        : new AdoptedSecretTagger(this, 'AdoptedSecretTags', {
            secretArns: adoptedArns,
            tag: props.managedTag,
          });
  }

  /** Gives every managed secret a rotation schedule on the rotation function. */
  scheduleRotation(options: RotationScheduleOptions): void {
    for (const [clientId, secret] of this.byClientId) {
      const clientScope = this.node.findChild(clientId);
      const schedule = new secretsmanager.CfnRotationSchedule(clientScope, 'RotationSchedule', {
        secretId: secret.secretArn,
        rotationLambdaArn: options.rotationFunction.functionArn,
        rotationRules: options.rules,
        rotateImmediatelyOnUpdate: options.rotateImmediatelyOnUpdate,
      });
      schedule.node.addDependency(...options.dependsOn);
      // The reconcile finds a secret by its tag: tag adopted secrets before their first rotation.
      if (this.tagger !== undefined) schedule.node.addDependency(this.tagger);
    }
  }
}
