/**
 * Tags adopted secrets with the construct's managed tag and their client id (CloudFormation cannot
 * tag a resource it does not own) and removes both again when the stack lets go of them, so the
 * function reaches, and the reconcile finds, exactly the secrets this stack manages. One custom
 * resource per secret, all on one shared role whose policy does not grow with their number.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  AwsCustomResource,
  type AwsSdkCall,
  PhysicalResourceId,
} from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CLIENT_ID_TAG_KEY } from './clients.ts';
import { NAG_TAGGED_SECRETS_PATTERN, TAG_SCOPED_REASON } from './nag-acknowledgements.ts';

/** What {@link AdoptedSecretTagger} tags. */
export interface AdoptedSecretTaggerProps {
  /** The adopted secrets; `scopeId` names each custom resource (stable across reorders). */
  readonly secrets: readonly {
    readonly clientId: string;
    readonly scopeId: string;
    readonly secret: secretsmanager.ISecret;
  }[];
  readonly managedTag: { readonly key: string; readonly value: string };
  /** The ARN pattern of every secret in the account and region. */
  readonly taggableSecretsArn: string;
}

/** The AwsCustomResource provider is a singleton per stack; this is its construct id. */
const PROVIDER_ID = `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;

/** Adds the marker tag to each adopted secret on create and update, removes it on delete. */
export class AdoptedSecretTagger extends Construct {
  constructor(scope: Construct, id: string, props: AdoptedSecretTaggerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // When another AwsCustomResource in the stack created the provider first, it keeps its own role;
    // the statement below then goes to that role instead.
    const providerExists = stack.node.tryFindChild(PROVIDER_ID) !== undefined;
    const logGroup = providerExists
      ? undefined
      : new logs.LogGroup(this, 'Logs', {
          retention: logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        });
    const role = providerExists
      ? undefined
      : new iam.Role(this, 'Role', {
          assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
          description: `Tags the secrets ${stack.stackName} adopts for Stytch rotation`,
        });
    if (role !== undefined && logGroup !== undefined) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'WriteOwnLogs',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [logGroup.logGroupArn],
        }),
      );
    }

    const { key, value } = props.managedTag;
    let principal: iam.IPrincipal | undefined;
    for (const { clientId, scopeId, secret } of props.secrets) {
      const secretId = secret.secretFullArn ?? secret.secretArn;
      const tagCall: AwsSdkCall = {
        service: 'SecretsManager',
        action: 'tagResource',
        parameters: {
          SecretId: secretId,
          Tags: [
            { Key: key, Value: value },
            { Key: CLIENT_ID_TAG_KEY, Value: clientId },
          ],
        },
        physicalResourceId: PhysicalResourceId.of(`${secretId}#${key}`),
      };
      const resource = new AwsCustomResource(this, scopeId, {
        onCreate: tagCall,
        onUpdate: tagCall,
        onDelete: {
          service: 'SecretsManager',
          action: 'untagResource',
          parameters: { SecretId: secretId, TagKeys: [key, CLIENT_ID_TAG_KEY] },
        },
        role,
        logGroup,
        installLatestAwsSdk: false,
        timeout: Duration.minutes(1),
      });
      principal ??= resource.grantPrincipal;
    }
    const onlyOurTags = {
      'ForAllValues:StringEquals': { 'aws:TagKeys': [key, CLIENT_ID_TAG_KEY] },
    };
    // Tagging may only write this construct's tag value; untagging only touches secrets carrying
    // it. Conditions instead of ARNs keep the policy one size for any number of secrets.
    principal?.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TagAdoptedSecrets',
        actions: ['secretsmanager:TagResource'],
        resources: [props.taggableSecretsArn],
        conditions: {
          ...onlyOurTags,
          StringEquals: { [`aws:RequestTag/${key}`]: value },
          // A secret another construct already manages keeps its tag: the deploy fails instead.
          StringEqualsIfExists: { [`secretsmanager:ResourceTag/${key}`]: value },
        },
      }),
    );
    principal?.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'UntagAdoptedSecrets',
        actions: ['secretsmanager:UntagResource'],
        resources: [props.taggableSecretsArn],
        conditions: {
          ...onlyOurTags,
          StringEquals: { [`secretsmanager:ResourceTag/${key}`]: value },
        },
      }),
    );
    if (principal instanceof Construct) {
      Validations.of(principal).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${NAG_TAGGED_SECRETS_PATTERN}]`,
        reason: TAG_SCOPED_REASON,
      });
    }
  }
}
