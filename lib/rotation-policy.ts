/**
 * The permissions of the rotation function and of the secrets' readers, written out statement by
 * statement instead of through CDK's grant helpers: those add one statement per secret (the policy
 * outgrows IAM's 10,240-character inline limit near 100 secrets) and `GetRandomPassword` on `*`.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { MANAGED_TAG_KEY } from './clients.ts';

/** IAM's limit on the inline policies of one role, in characters without whitespace. */
export const IAM_INLINE_POLICY_LIMIT = 10_240;

/** The Secrets Manager calls the four steps and the reconcile make on a managed secret. */
export const ROTATION_SECRET_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
  'secretsmanager:ListSecretVersionIds',
  // The reconcile starts the first rotation of a secret that was never rotated.
  'secretsmanager:RotateSecret',
];

/** What the function's statements cover. */
export interface RotationGrants {
  /** ARNs and ARN patterns of every managed secret. */
  readonly secretArns: readonly string[];
  readonly credentialsParameterArn: string;
  /** The customer-managed key of the credentials parameter. */
  readonly credentialsKey?: kms.IKey;
  /** The customer-managed key of the secrets. */
  readonly secretsKey?: kms.IKey;
}

/** Adds the rotation function's statements to its role. */
export function grantRotation(role: iam.IRole, grants: RotationGrants): void {
  const statements = [
    new iam.PolicyStatement({
      sid: 'RotateManagedSecrets',
      actions: ROTATION_SECRET_ACTIONS,
      resources: [...grants.secretArns],
    }),
    // The function records its last rotation outcome as tags (and the reconcile removes a stale
    // one), but may never move the marker tag that decides which secrets it manages.
    new iam.PolicyStatement({
      sid: 'TagManagedSecrets',
      actions: ['secretsmanager:TagResource', 'secretsmanager:UntagResource'],
      resources: [...grants.secretArns],
      conditions: { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': [MANAGED_TAG_KEY] } },
    }),
    // ListSecrets has no resource-level permissions: "*" is the only resource IAM accepts. The
    // reconcile filters the answer by the marker tag.
    new iam.PolicyStatement({
      sid: 'FindManagedSecrets',
      actions: ['secretsmanager:ListSecrets'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ReadStytchCredentials',
      actions: ['ssm:GetParameter'],
      resources: [grants.credentialsParameterArn],
    }),
  ];
  if (grants.credentialsKey !== undefined) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'DecryptStytchCredentials',
        actions: ['kms:Decrypt'],
        resources: [grants.credentialsKey.keyArn],
        conditions: viaService(role, 'ssm'),
      }),
    );
  }
  if (grants.secretsKey !== undefined) {
    // PutSecretValue encrypts under a fresh data key; GetSecretValue decrypts.
    statements.push(
      new iam.PolicyStatement({
        sid: 'UseSecretsKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [grants.secretsKey.keyArn],
        conditions: viaService(role, 'secretsmanager'),
      }),
    );
  }
  for (const statement of statements) role.addToPrincipalPolicy(statement);
}

/** Grants each reader read access to every managed secret in one statement (plus one for the key). */
export function grantReaders(
  readers: readonly iam.IGrantable[],
  secretArns: readonly string[],
  secretsKey: kms.IKey | undefined,
  scope: Construct,
): void {
  for (const grantee of readers) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resourceArns: [...secretArns],
    });
    if (secretsKey !== undefined) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kms:Decrypt'],
        resourceArns: [secretsKey.keyArn],
        conditions: viaService(scope, 'secretsmanager'),
      });
    }
  }
}

/** Limits a KMS permission to calls the named service makes on the principal's behalf. */
function viaService(scope: Construct, service: 'ssm' | 'secretsmanager') {
  const stack = Stack.of(scope);
  return { StringEquals: { 'kms:ViaService': `${service}.${stack.region}.${stack.urlSuffix}` } };
}

/**
 * Checks that the role's statements fit its inline policy. CDK would silently spill a larger
 * policy into extra managed policies (each one more resource, at most 10 per role), so the whole
 * set is measured. Intrinsics such as `{"Ref": "AWS::Partition"}` are longer than the strings they
 * become, so the template's JSON over-estimates what IAM counts.
 * @returns a problem when the statements do not fit
 */
export function checkPolicySize(scope: Construct, role: iam.Role): string[] {
  const stack = Stack.of(scope);
  const documents = role.node.children
    .filter((child) => child instanceof iam.Policy || child instanceof iam.ManagedPolicy)
    .map((policy) => (policy as iam.Policy | iam.ManagedPolicy).document);
  const size = documents.reduce((sum, doc) => sum + JSON.stringify(stack.resolve(doc)).length, 0);
  if (size <= IAM_INLINE_POLICY_LIMIT && documents.length <= 1) return [];
  return [
    `the rotation function's policy needs ${size} characters but IAM allows ` +
      `${IAM_INLINE_POLICY_LIMIT} inline: name created secrets under secretNamePrefix, which one ` +
      'pattern covers, and adopt fewer existing secrets per stack',
  ];
}
