/**
 * The cdk-nag AwsSolutions findings this design accepts on purpose, each with its reason, recorded
 * on the narrowest construct that carries it so a new finding elsewhere still fails the synth.
 */
import { Validations } from 'aws-cdk-lib';
import type { RotationFunction } from './rotation-function.ts';

/** What the acknowledgements need to know about the construct. */
export interface AcknowledgedParts {
  readonly fn: RotationFunction;
  /** The ARN prefix pattern of created secrets, as cdk-nag renders it; undefined when none exists. */
  readonly createdSecretsPattern: string | undefined;
  readonly inVpc: boolean;
}

/** How cdk-nag renders the ARN pattern built from the pseudo parameters and the name prefix. */
export function nagSecretPattern(secretNamePrefix: string): string {
  return `arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${secretNamePrefix}*`;
}

/** Records the accepted findings. */
export function acknowledgeFindings(parts: AcknowledgedParts): void {
  const role = Validations.of(parts.fn.role);
  role.acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'secretsmanager:ListSecrets supports no resource-level permissions; it sits alone in its own ' +
      'statement and the reconcile filters the answer by the construct tag',
  });
  if (parts.createdSecretsPattern !== undefined) {
    role.acknowledge({
      id: `AwsSolutions-IAM5[Resource::${parts.createdSecretsPattern}]`,
      reason:
        'the created secrets share a name prefix and Secrets Manager appends a random suffix to ' +
        'each ARN; one pattern keeps the policy under IAM size limits where one ARN per secret would not',
    });
  }
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
