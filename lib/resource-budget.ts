/**
 * CloudFormation allows 500 resources per stack. The construct knows what it will create, so it
 * fails before building anything, naming how many clients fit, instead of CloudFormation failing
 * at deploy. A test keeps these counts equal to the synthesized template's.
 */
import type { StytchClientSpec } from './clients.ts';

/** CloudFormation's resource limit per stack. */
export const CLOUDFORMATION_RESOURCE_LIMIT = 500;

/** Every client costs its secret (or the custom resource that tags an adopted one) and its schedule. */
export const RESOURCES_PER_CLIENT = 2;

/** The props that decide the fixed part. */
export interface BudgetProps {
  readonly clients: readonly StytchClientSpec[];
  readonly alarmEmail?: string;
  readonly alarmTopic?: unknown;
  readonly vpc?: unknown;
  readonly securityGroups?: readonly unknown[];
}

/**
 * The resources that do not depend on the number of clients, including the stack's own
 * `AWS::CDK::Metadata`. Function: log group, role, policy, function, async invoke config, the
 * Secrets Manager invoke permission; reconcile: rule and its invoke permission; alerts: alarm and
 * RotationFailed rule, plus key, topic and topic policy unless a topic is given.
 */
export function fixedResourceCount(props: BudgetProps): number {
  const adopted = props.clients.some((client) => client.existingSecretArn !== undefined);
  return (
    1 + // AWS::CDK::Metadata
    6 +
    2 +
    2 +
    (props.alarmTopic === undefined ? 3 : 0) +
    (props.alarmEmail === undefined ? 0 : 1) +
    (props.vpc !== undefined && props.securityGroups === undefined ? 1 : 0) +
    // The tagging custom resources' provider: function, role, policy, log group.
    (adopted ? 4 : 0)
  );
}

/** How many clients fit next to the fixed part. */
export function maxClients(props: BudgetProps): number {
  return Math.floor(
    (CLOUDFORMATION_RESOURCE_LIMIT - fixedResourceCount(props)) / RESOURCES_PER_CLIENT,
  );
}

/** A problem when the clients do not fit in one stack. */
export function checkResourceBudget(props: BudgetProps): string[] {
  const fixed = fixedResourceCount(props);
  const total = fixed + RESOURCES_PER_CLIENT * props.clients.length;
  if (total <= CLOUDFORMATION_RESOURCE_LIMIT) return [];
  return [
    `clients lists ${props.clients.length} clients, which need ${total} CloudFormation resources ` +
      `(${fixed} fixed + ${RESOURCES_PER_CLIENT} per client) but a stack holds at most ` +
      `${CLOUDFORMATION_RESOURCE_LIMIT}: at most ${maxClients(props)} clients fit in one stack; ` +
      'split them across stacks, each with its own secretNamePrefix',
  ];
}
