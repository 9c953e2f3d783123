/**
 * The secrets a construct manages: created ones and adopted ones, each tagged with the construct's
 * managed tag and its client id, and given a rotation schedule on the L1 resource, which alone
 * accepts cron and a window. Access is granted by the managed tag, not by listing ARNs, so the
 * policies do not grow with the number of secrets.
 */
import {
  Aws,
  CfnDeletionPolicy,
  type CfnResource,
  type RemovalPolicy,
  SecretValue,
  Stack,
  Tags,
  Token,
} from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IDependable } from 'constructs';
import { AdoptedSecretTagger } from './adopted-secret-tagger.ts';
import { CLIENT_ID_TAG_KEY, defaultSecretName, type StytchClientSpec } from './clients.ts';

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

/** How an EventBridge pattern matches one secret's ARN: exactly, or by the ARN before its suffix. */
export type SecretArnMatcher = string | { readonly prefix: string };

/** The managed secrets, by client id. */
export class ManagedSecrets extends Construct {
  /** The secret of each client, by client id. */
  readonly byClientId: ReadonlyMap<string, secretsmanager.ISecret>;
  /** Every secret ARN in this account and region: IAM statements narrow it by the managed tag. */
  readonly taggedSecretsArn: string;
  /** The customer-managed keys of the managed secrets (the construct's key, adopted secrets' keys). */
  readonly encryptionKeys: readonly kms.IKey[];
  /** Matchers that cover exactly the managed secrets, for event patterns. */
  readonly arnMatchers: readonly SecretArnMatcher[];
  private readonly tagger: AdoptedSecretTagger | undefined;
  private readonly scopes = new Map<string, Construct>();

  constructor(scope: Construct, id: string, props: ManagedSecretsProps) {
    super(scope, id);
    const secrets = new Map<string, secretsmanager.ISecret>();
    const matchers: SecretArnMatcher[] = [];
    const keys = new Set<kms.IKey>(props.encryptionKey === undefined ? [] : [props.encryptionKey]);
    const adopted: { clientId: string; scopeId: string; secret: secretsmanager.ISecret }[] = [];
    let anyUnderPrefix = false;

    props.clients.forEach((client, index) => {
      // Ids keyed by client id: reordering the list never replaces a secret. A client id that is a
      // token cannot name a construct; its position does.
      const scopeId = Token.isUnresolved(client.clientId) ? `Client${index}` : client.clientId;
      const clientScope = new Construct(this, scopeId);
      this.scopes.set(client.clientId, clientScope);
      if (client.existingSecret !== undefined) {
        const secret = client.existingSecret;
        secrets.set(client.clientId, secret);
        adopted.push({ clientId: client.clientId, scopeId, secret });
        if (secret.encryptionKey !== undefined) keys.add(secret.encryptionKey);
        // A secret named without its suffix (fromSecretNameV2) is matched by the name and "-".
        matchers.push(secret.secretFullArn ?? { prefix: `${secret.secretArn}-` });
        return;
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
      // A changed name replaces the secret: keep the old one, whose value consumers still hold,
      // whatever the removal policy says about deleting the stack.
      (secret.node.defaultChild as CfnResource).cfnOptions.updateReplacePolicy =
        CfnDeletionPolicy.RETAIN;
      Tags.of(secret).add(props.managedTag.key, props.managedTag.value);
      Tags.of(secret).add(CLIENT_ID_TAG_KEY, client.clientId);
      secrets.set(client.clientId, secret);
      if (!Token.isUnresolved(secretName) && secretName.startsWith(props.secretNamePrefix)) {
        anyUnderPrefix = true;
      } else {
        matchers.push(secret.secretArn);
      }
    });

    this.byClientId = secrets;
    this.encryptionKeys = [...keys];
    // Pseudo parameters even when the stack's environment is known: one rendering everywhere.
    const secretArnPrefix = `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:`;
    this.taggedSecretsArn = `${secretArnPrefix}*`;
    this.arnMatchers = [
      ...(anyUnderPrefix ? [{ prefix: `${secretArnPrefix}${props.secretNamePrefix}` }] : []),
      ...matchers,
    ];
    this.tagger =
      adopted.length === 0
        ? undefined
        : new AdoptedSecretTagger(this, 'AdoptedSecretTags', {
            secrets: adopted,
            managedTag: props.managedTag,
            taggableSecretsArn: this.taggedSecretsArn,
          });
  }

  /** Gives every managed secret a rotation schedule on the rotation function. */
  scheduleRotation(options: RotationScheduleOptions): void {
    for (const [clientId, secret] of this.byClientId) {
      const clientScope = this.scopes.get(clientId) as Construct;
      const schedule = new secretsmanager.CfnRotationSchedule(clientScope, 'RotationSchedule', {
        secretId: secret.secretArn,
        rotationLambdaArn: options.rotationFunction.functionArn,
        rotationRules: options.rules,
        rotateImmediatelyOnUpdate: options.rotateImmediatelyOnUpdate,
      });
      schedule.node.addDependency(...options.dependsOn);
      // The function reaches a secret by its tag: tag adopted secrets before their first rotation.
      if (this.tagger !== undefined) schedule.node.addDependency(this.tagger);
    }
  }
}
