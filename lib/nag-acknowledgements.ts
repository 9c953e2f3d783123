/**
 * The cdk-nag AwsSolutions findings this design accepts on purpose, each with its reason, recorded
 * on the narrowest construct that carries it so a new finding elsewhere still fails the synth.
 */
import { Validations } from 'aws-cdk-lib';
import type { RotationFunction } from './rotation-function.ts';

/** What the acknowledgements need to know about the construct. */
export interface AcknowledgedParts {
  readonly fn: RotationFunction;
  readonly inVpc: boolean;
}

/** How cdk-nag renders the ARN pattern of every secret, built from the pseudo parameters. */
export const NAG_TAGGED_SECRETS_PATTERN =
  'arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:*';

/** The reason the tag-scoped secret statements carry. */
export const TAG_SCOPED_REASON =
  'every statement on this pattern carries a secretsmanager:ResourceTag (or aws:RequestTag) ' +
  "condition on the construct's managed tag, which limits it to the secrets this construct " +
  'manages; listing ARNs instead would make the policy grow with every secret';

/** Records the accepted findings. */
export function acknowledgeFindings(parts: AcknowledgedParts): void {
  const role = Validations.of(parts.fn.role);
  role.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'secretsmanager:ListSecrets supports no resource-level permissions; it sits alone in its own ' +
      'statement and the reconcile filters the answer by the construct tag',
  });
  role.acknowledge({
    id: `AwsSolutions-IAM5[Resource::${NAG_TAGGED_SECRETS_PATTERN}]`,
    reason: TAG_SCOPED_REASON,
  });
  if (parts.inVpc) {
    role.acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason:
        'network interface management in a VPC has no resource-level permissions; the AWS managed ' +
        'policy is the narrowest form and keeps "*" out of the inline policy',
    });
  }
  Validations.of(parts.fn.function).acknowledge({
    id: 'AwsSolutions-L1',
    reason:
      'the runtime is pinned to nodejs22.x to match the bundle target node22 and the Node version ' +
      'the function is tested on; runtime and target move together in one change',
  });
}
