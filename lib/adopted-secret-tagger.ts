/**
 * Tags adopted secrets with the construct's marker tag (CloudFormation cannot tag a resource it does
 * not own) and removes the tag again when the stack lets go of them, so the reconcile finds exactly
 * the secrets this stack manages. One custom resource per secret, all on one shared role.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  AwsCustomResource,
  type AwsSdkCall,
  PhysicalResourceId,
} from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';

/** What {@link AdoptedSecretTagger} tags. */
export interface AdoptedSecretTaggerProps {
  /** The adopted secrets' complete ARNs, by client id (ids keep resources stable across reorders). */
  readonly secretArns: ReadonlyMap<string, string>;
  readonly tag: { readonly key: string; readonly value: string };
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

    let principal: iam.IPrincipal | undefined;
    for (const [clientId, secretArn] of props.secretArns) {
      const tagCall: AwsSdkCall = {
        service: 'SecretsManager',
        action: 'tagResource',
        parameters: { SecretId: secretArn, Tags: [{ Key: props.tag.key, Value: props.tag.value }] },
        physicalResourceId: PhysicalResourceId.of(`${secretArn}#${props.tag.key}`),
      };
      const resource = new AwsCustomResource(this, clientId, {
        onCreate: tagCall,
        onUpdate: tagCall,
        onDelete: {
          service: 'SecretsManager',
          action: 'untagResource',
          parameters: { SecretId: secretArn, TagKeys: [props.tag.key] },
        },
        role,
        logGroup,
        installLatestAwsSdk: false,
        timeout: Duration.minutes(1),
      });
      principal ??= resource.grantPrincipal;
    }
    // Only the marker tag, only on the adopted secrets.
    principal?.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TagAdoptedSecrets',
        actions: ['secretsmanager:TagResource', 'secretsmanager:UntagResource'],
        resources: [...props.secretArns.values()],
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [props.tag.key] } },
      }),
    );
  }
}
