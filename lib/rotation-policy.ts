/**
 * The permissions of the rotation function and of the secrets' readers, written out statement by
 * statement instead of through CDK's grant helpers (which add one statement per secret and
 * `GetRandomPassword` on `*`). Every statement on secrets names all secrets of the account and
 * region and narrows them by the construct's managed tag, so the policy is one size whether the
 * construct manages one secret or the most a stack holds, created or adopted.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { CLIENT_ID_TAG_KEY, MANAGED_TAG_KEY } from './clients.ts';

/** IAM's limit on the inline policies of one role, in characters without whitespace. */
export const IAM_INLINE_POLICY_LIMIT = 10_240;

/** The Secrets Manager calls the four steps and the reconcile make on a managed secret. */
export const ROTATION_SECRET_ACTIONS = [
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
  'secretsmanager:ListSecretVersionIds',
  // The reconcile starts a rotation Secrets Manager deferred or never ran (a new secret's first).
  'secretsmanager:RotateSecret',
];

/** What the function's statements cover. */
export interface RotationGrants {
  /** The ARN pattern of every secret in the account and region; the tag condition narrows it. */
  readonly secretsArn: string;
  readonly managedTag: { readonly key: string; readonly value: string };
  readonly credentialsParameterArn: string;
  /** The customer-managed key of the credentials parameter. */
  readonly credentialsKey?: kms.IKey;
  /** The customer-managed keys of the managed secrets. */
  readonly secretsKeys: readonly kms.IKey[];
}

/** The condition that limits a statement to the secrets carrying this construct's managed tag. */
export function managedTagCondition(tag: { readonly key: string; readonly value: string }) {
  return { StringEquals: { [`secretsmanager:ResourceTag/${tag.key}`]: tag.value } };
}

/** Adds the rotation function's statements to its role. */
export function grantRotation(role: iam.IRole, grants: RotationGrants): void {
  const managed = managedTagCondition(grants.managedTag);
  const statements = [
    new iam.PolicyStatement({
      sid: 'RotateManagedSecrets',
      actions: ROTATION_SECRET_ACTIONS,
      resources: [grants.secretsArn],
      conditions: managed,
    }),
    // The function records its last rotation outcome and a deferred rotation as tags, and the
    // reconcile removes them again, but neither may move the tags that decide which secrets it
    // manages and for which client.
    new iam.PolicyStatement({
      sid: 'TagManagedSecrets',
      actions: ['secretsmanager:TagResource', 'secretsmanager:UntagResource'],
      resources: [grants.secretsArn],
      conditions: {
        ...managed,
        'ForAllValues:StringNotEquals': { 'aws:TagKeys': [MANAGED_TAG_KEY, CLIENT_ID_TAG_KEY] },
      },
    }),
    // ListSecrets has no resource-level permissions: "*" is the only resource IAM accepts. The
    // reconcile filters the answer by the managed tag.
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
  if (grants.secretsKeys.length > 0) {
    // PutSecretValue encrypts under a fresh data key; GetSecretValue decrypts.
    statements.push(
      new iam.PolicyStatement({
        sid: 'UseSecretsKey',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: grants.secretsKeys.map((key) => key.keyArn),
        conditions: viaService(role, 'secretsmanager'),
      }),
    );
  }
  for (const statement of statements) role.addToPrincipalPolicy(statement);
}

/**
 * RotateSecret also needs `lambda:InvokeFunction` on the rotation function for the caller, here the
 * function itself. In the role's default policy the function's ARN would make a cycle (the function
 * waits for that policy), so the statement gets a policy of its own.
 */
export function grantInvokeSelf(
  scope: Construct,
  role: iam.IRole,
  fn: lambda.IFunction,
): iam.Policy {
  return new iam.Policy(scope, 'InvokeSelfPolicy', {
    roles: [role],
    statements: [
      new iam.PolicyStatement({
        sid: 'StartRotations',
        actions: ['lambda:InvokeFunction'],
        resources: [fn.functionArn],
      }),
    ],
  });
}

/** Grants each reader read access to every managed secret in one statement (plus one for the keys). */
export function grantReaders(
  readers: readonly iam.IGrantable[],
  grants: Pick<RotationGrants, 'secretsArn' | 'managedTag' | 'secretsKeys'>,
  scope: Construct,
): void {
  for (const grantee of readers) {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resourceArns: [grants.secretsArn],
      conditions: managedTagCondition(grants.managedTag),
    });
    if (grants.secretsKeys.length > 0) {
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kms:Decrypt'],
        resourceArns: grants.secretsKeys.map((key) => key.keyArn),
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
export function checkPolicySize(
  scope: Construct,
  role: iam.Role,
  ownPolicies: readonly iam.Policy[],
): string[] {
  const stack = Stack.of(scope);
  const documents = new Set<iam.PolicyDocument>(ownPolicies.map((policy) => policy.document));
  for (const child of role.node.children) {
    if (child instanceof iam.Policy) documents.add(child.document);
  }
  const size = [...documents].reduce(
    (sum, doc) => sum + JSON.stringify(stack.resolve(doc)).length,
    0,
  );
  const managed = role.node.children.some((child) => child instanceof iam.ManagedPolicy);
  if (size <= IAM_INLINE_POLICY_LIMIT && !managed) return [];
  return [
    `the rotation function's policy needs ${size} characters but IAM allows ` +
      `${IAM_INLINE_POLICY_LIMIT} inline; the construct's own statements do not grow with the ` +
      'number of secrets, so look for statements added to the role from outside the construct',
  ];
}
