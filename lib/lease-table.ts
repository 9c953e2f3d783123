/**
 * The per-client lease table: one item per Stytch client, written with conditional PutItem and
 * UpdateItem by the rotation function and the operator CLI so that only one actor changes a client
 * at a time (see docs/concurrency.md). On-demand: a few writes per rotation step.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/** Props of {@link LeaseTable}. */
export interface LeaseTableProps {
  /**
   * What happens to the table when it leaves the stack. Its items are re-created as clients are
   * leased again; only which secret owns which client is forgotten.
   * @default RemovalPolicy.DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The DynamoDB actions an actor of the lease needs, and nothing more: take and transfer (PutItem),
 * give back (UpdateItem, which keeps the owner), see who holds it (GetItem). No DeleteItem, Scan or
 * Query: no actor removes an item or lists the table.
 */
export const LEASE_TABLE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

/** The lease table: partition key `client_id`, TTL attribute `ttl`, billed per request. */
export class LeaseTable extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: LeaseTableProps = {}) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'client_id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // TTL only tidies up items of clients nobody leased for years; validity is decided by the
      // expires_at attribute in each write's condition, never by TTL.
      timeToLiveAttribute: 'ttl',
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    Validations.of(this.table).acknowledge({
      id: 'AwsSolutions-DDB3',
      reason:
        'the table holds short-lived leases and which secret owns which client; both are rebuilt by ' +
        'the next lease, so a point-in-time restore would only bring back expired leases',
    });
  }

  /** Lets `role` take, check, give back and transfer leases: item actions on this table only. */
  grantLeases(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'UseClientLeases',
        actions: LEASE_TABLE_ACTIONS,
        resources: [this.table.tableArn],
      }),
    );
  }
}
