import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import {
  ADOPTED_CLIENT_ID,
  ADOPTED_SECRET_ARN,
  allStatements,
  baseProps,
  CONNECTED_APP_ID,
  logicalIdAt,
  M2M_CLIENT_ID,
  pseudoArn,
  synthRotation,
} from './fixtures.ts';

// GIVEN one synth covering every kind of secret and key: a secret under the prefix, one with its
// own name, an adopted one, customer-managed keys for the credentials and the secrets, and a reader.
const synth = synthRotation((stack) => ({
  ...baseProps(),
  clients: [
    { clientId: CONNECTED_APP_ID },
    { clientId: M2M_CLIENT_ID, secretName: 'apps/billing/m2m' },
    {
      clientId: ADOPTED_CLIENT_ID,
      existingSecret: secretsmanager.Secret.fromSecretCompleteArn(
        stack,
        'Adopted',
        ADOPTED_SECRET_ARN,
      ),
    },
  ],
  credentialsKey: new kms.Key(stack, 'CredentialsKey'),
  encryptionKey: new kms.Key(stack, 'SecretsKey'),
  readers: [new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() })],
}));
const { template, stack } = synth;
const logicalId = (path: string) => logicalIdAt(stack, `Rotation/${path}`);
const everySecret = pseudoArn('secretsmanager', 'secret:*');
const managedTag = () => ({
  StringEquals: {
    'secretsmanager:ResourceTag/stytch-secret-rotation': synth.rotation.managedTag.value,
  },
});
const keyArn = (id: string) => ({ 'Fn::GetAtt': [logicalIdAt(stack, id), 'Arn'] });
const viaService = (service: string) => ({
  StringEquals: {
    'kms:ViaService': {
      'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
    },
  },
});

describe('the rotation function policy', () => {
  it('holds exactly the statements the steps and the reconcile need, in one policy', () => {
    // THEN
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId('Handler/Role') }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'WriteOwnLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: { 'Fn::GetAtt': [logicalId('Handler/Logs'), 'Arn'] },
          },
          {
            Sid: 'RotateManagedSecrets',
            Effect: 'Allow',
            Action: [
              'secretsmanager:DescribeSecret',
              'secretsmanager:GetSecretValue',
              'secretsmanager:PutSecretValue',
              'secretsmanager:UpdateSecretVersionStage',
              'secretsmanager:ListSecretVersionIds',
              'secretsmanager:RotateSecret',
            ],
            Resource: everySecret,
            Condition: managedTag(),
          },
          {
            Sid: 'TagManagedSecrets',
            Effect: 'Allow',
            Action: ['secretsmanager:TagResource', 'secretsmanager:UntagResource'],
            Resource: everySecret,
            Condition: {
              ...managedTag(),
              'ForAllValues:StringNotEquals': {
                'aws:TagKeys': ['stytch-secret-rotation', 'stytch-secret-rotation:client-id'],
              },
            },
          },
          {
            Sid: 'FindManagedSecrets',
            Effect: 'Allow',
            Action: 'secretsmanager:ListSecrets',
            Resource: '*',
          },
          {
            Sid: 'ReadStytchCredentials',
            Effect: 'Allow',
            Action: 'ssm:GetParameter',
            Resource: pseudoArn('ssm', 'parameter/stytch/credentials'),
          },
          {
            Sid: 'DecryptStytchCredentials',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: keyArn('CredentialsKey'),
            Condition: viaService('ssm'),
          },
          {
            Sid: 'UseSecretsKey',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: keyArn('SecretsKey'),
            Condition: viaService('secretsmanager'),
          },
          {
            Sid: 'UseClientLeases',
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
            Resource: { 'Fn::GetAtt': [logicalId('Leases/Table'), 'Arn'] },
          },
        ],
      },
    });
  });

  it('uses "*" only for ListSecrets, alone in its statement, in every policy of the stack', () => {
    // WHEN
    const wildcard = allStatements(template).filter(({ statement }) =>
      [statement.Resource].flat().includes('*'),
    );

    // THEN
    expect(wildcard.map(({ statement }) => statement.Action)).toEqual([
      'secretsmanager:ListSecrets',
    ]);
    expect(allStatements(template).length).toBeGreaterThan(8);
  });

  it('never grants GetRandomPassword, and RotateSecret only on the managed secrets', () => {
    // WHEN
    const statements = allStatements(template).map(({ statement }) => statement);
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    const rotating = statements.filter((s) =>
      [s.Action].flat().includes('secretsmanager:RotateSecret'),
    );

    // THEN: the reconcile starts the first rotation of a never-rotated managed secret
    expect(actions).not.toContain('secretsmanager:GetRandomPassword');
    expect(rotating.map((s) => s.Sid)).toEqual(['RotateManagedSecrets']);
  });

  it('may invoke only itself, in a policy of its own (RotateSecret needs it)', () => {
    // THEN
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalId('Handler/Role') }],
      PolicyDocument: {
        Statement: [
          {
            Sid: 'StartRotations',
            Action: 'lambda:InvokeFunction',
            Resource: { 'Fn::GetAtt': [logicalId('Handler/Function'), 'Arn'] },
          },
        ],
      },
    });
  });

  it("lets the tagging provider write only this construct's tags and untag only its secrets", () => {
    // THEN
    const ourTags = {
      'ForAllValues:StringEquals': {
        'aws:TagKeys': ['stytch-secret-rotation', 'stytch-secret-rotation:client-id'],
      },
    };
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Sid: 'WriteOwnLogs' },
          {
            Sid: 'TagAdoptedSecrets',
            Action: 'secretsmanager:TagResource',
            Resource: everySecret,
            Condition: {
              ...ourTags,
              StringEquals: {
                'aws:RequestTag/stytch-secret-rotation': synth.rotation.managedTag.value,
              },
              StringEqualsIfExists: {
                'secretsmanager:ResourceTag/stytch-secret-rotation':
                  synth.rotation.managedTag.value,
              },
            },
          },
          {
            Sid: 'UntagAdoptedSecrets',
            Action: 'secretsmanager:UntagResource',
            Resource: everySecret,
            Condition: { ...ourTags, ...managedTag() },
          },
        ],
      },
    });
  });
});

describe('every statement on secrets, in every policy of the stack', () => {
  const onSecrets = allStatements(template).filter(({ statement }) =>
    JSON.stringify(statement.Resource).includes(':secretsmanager:'),
  );

  it('carries the managed tag condition (on the resource, or on the request for tagging)', () => {
    // THEN: the function's two, the reader's, and the tagging provider's two
    expect(onSecrets).toHaveLength(5);
    for (const { statement } of onSecrets) {
      const tagCondition = JSON.stringify(statement.Condition ?? {});
      expect(tagCondition).toMatch(
        /"(secretsmanager:ResourceTag|aws:RequestTag)\/stytch-secret-rotation":"RotationTestRotation[0-9A-F]{8}"/,
      );
    }
  });

  it('names no prefix and no single secret: only every secret, narrowed by the tag', () => {
    // THEN
    for (const { statement } of onSecrets) expect(statement.Resource).toEqual(everySecret);
  });
});

describe('the Secrets Manager invoke permission', () => {
  it('is one permission for all secrets, limited to Secrets Manager in this account and region', () => {
    // WHEN
    const permissions = template.findResources('AWS::Lambda::Permission', {
      Properties: { Principal: 'secretsmanager.amazonaws.com' },
    });

    // THEN
    expect(Object.values(permissions).map((p) => p.Properties)).toEqual([
      {
        Action: 'lambda:InvokeFunction',
        FunctionName: { 'Fn::GetAtt': [logicalId('Handler/Function'), 'Arn'] },
        Principal: 'secretsmanager.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        // Lambda compares SourceArn with StringLike, so the pattern is honoured.
        SourceArn: everySecret,
      },
    ]);
  });

  it('exists, with the function policy, before any rotation schedule starts the first rotation', () => {
    // WHEN
    const schedules = Object.values(
      template.findResources('AWS::SecretsManager::RotationSchedule'),
    );

    // THEN
    expect(schedules).toHaveLength(3);
    for (const schedule of schedules) {
      expect(schedule.DependsOn).toEqual(
        expect.arrayContaining([
          logicalId('SecretsManagerInvoke'),
          logicalId('Handler/Role/DefaultPolicy'),
          logicalId('InvokeSelfPolicy'),
        ]),
      );
    }
  });
});

describe('readers', () => {
  it('get read on the managed secrets by their tag, and decrypt, in one statement each', () => {
    // THEN
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: logicalIdAt(stack, 'Reader') }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: everySecret,
            Condition: managedTag(),
          },
          {
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: keyArn('SecretsKey'),
            Condition: viaService('secretsmanager'),
          },
        ],
      },
    });
  });
});

describe('the adopted secret', () => {
  it('is tagged with the managed tag and its client id, untagged on delete, before its rotation is scheduled', () => {
    // WHEN
    const [tagger] = Object.entries(template.findResources('Custom::AWS'));
    const [id, resource] = tagger ?? [];
    const call = (phase: string) => JSON.parse(resource?.Properties[phase]);

    // THEN
    expect(call('Create')).toMatchObject({
      service: 'SecretsManager',
      action: 'tagResource',
      parameters: {
        SecretId: ADOPTED_SECRET_ARN,
        Tags: [
          { Key: 'stytch-secret-rotation', Value: synth.rotation.managedTag.value },
          { Key: 'stytch-secret-rotation:client-id', Value: ADOPTED_CLIENT_ID },
        ],
      },
    });
    expect(call('Update')).toEqual(call('Create'));
    expect(call('Delete')).toMatchObject({
      action: 'untagResource',
      parameters: {
        SecretId: ADOPTED_SECRET_ARN,
        TagKeys: ['stytch-secret-rotation', 'stytch-secret-rotation:client-id'],
      },
    });
    template.hasResource('AWS::SecretsManager::RotationSchedule', {
      Properties: { SecretId: ADOPTED_SECRET_ARN },
      DependsOn: Match.arrayWith([id]),
    });
  });
});
