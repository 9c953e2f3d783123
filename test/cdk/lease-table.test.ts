import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { LEASE_TABLE_ACTIONS } from '../../lib/lease-table.ts';
import { allStatements, baseProps, logicalIdAt, synthRotation } from './fixtures.ts';

describe('the per-client lease table', () => {
  // GIVEN
  const { template, stack } = synthRotation(baseProps());
  const tableId = logicalIdAt(stack, 'Rotation/Leases/Table');

  it('is on demand, keyed by client_id, with TTL on ttl, and deleted with the stack', () => {
    // THEN
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'client_id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'client_id', AttributeType: 'S' }],
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      },
      DeletionPolicy: 'Delete',
    });
  });

  it('tells the function its name through STYTCH_LEASE_TABLE', () => {
    // THEN
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ STYTCH_LEASE_TABLE: { Ref: tableId } }) },
    });
  });

  it('lets only the function use it, with item actions on this table alone', () => {
    // WHEN
    const onDynamoDb = allStatements(template).filter(({ statement }) =>
      [statement.Action].flat().some((action) => String(action).startsWith('dynamodb:')),
    );

    // THEN
    expect(onDynamoDb).toHaveLength(1);
    expect(onDynamoDb[0]?.statement).toEqual({
      Sid: 'UseClientLeases',
      Effect: 'Allow',
      Action: LEASE_TABLE_ACTIONS,
      Resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
    });
    expect(LEASE_TABLE_ACTIONS).toEqual([
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
  });
});
