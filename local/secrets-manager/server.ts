import type { AwsJsonService, AwsOperation, Input } from '../aws-json.ts';
import { listSecrets, listSecretVersionIds } from './list-operations.ts';
import type { OperationContext } from './operation-context.ts';
import { cancelRotateSecret, rotateSecret } from './rotation-operations.ts';
import {
  createSecret,
  deleteSecret,
  describeSecret,
  restoreSecret,
  tagResource,
  untagResource,
} from './secret-operations.ts';
import { getSecretValue, putSecretValue, updateSecretVersionStage } from './version-operations.ts';

type Operation = (ctx: OperationContext, input: Input) => object | Promise<object>;

const OPERATIONS: Readonly<Record<string, Operation>> = {
  CancelRotateSecret: cancelRotateSecret,
  CreateSecret: createSecret,
  DeleteSecret: deleteSecret,
  DescribeSecret: describeSecret,
  GetSecretValue: getSecretValue,
  ListSecrets: listSecrets,
  ListSecretVersionIds: listSecretVersionIds,
  PutSecretValue: putSecretValue,
  RestoreSecret: restoreSecret,
  RotateSecret: rotateSecret,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateSecretVersionStage: updateSecretVersionStage,
};

/** The Secrets Manager operations bound to one state, for the AWS JSON 1.1 router. */
export function secretsManagerService(ctx: OperationContext): AwsJsonService {
  const operations: Record<string, AwsOperation> = {};
  for (const [name, operation] of Object.entries(OPERATIONS)) {
    operations[name] = (input) => operation(ctx, input);
  }
  return { targetPrefix: 'secretsmanager', messageKey: 'Message', operations };
}
