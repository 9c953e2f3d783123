/**
 * CloudFormation allows 500 resources per stack. The construct knows what it will create, so it
 * fails before building anything, naming how many clients fit, instead of CloudFormation failing
 * at deploy. A test keeps these counts equal to the synthesized template's.
 */
import { Token } from 'aws-cdk-lib';
import type { CheckableClient } from './clients.ts';
import { MAX_SECRETS_PER_RULE } from './rotation-alerts.ts';

/** CloudFormation's resource limit per stack. */
export const CLOUDFORMATION_RESOURCE_LIMIT = 500;

/** Every client costs its secret (or the custom resource that tags an adopted one) and its schedule. */
export const RESOURCES_PER_CLIENT = 2;

/** The props that decide the fixed part. */
export interface BudgetProps {
  readonly clients: readonly CheckableClient[];
  readonly alarmEmail?: string;
  readonly alarmTopic?: unknown;
  readonly vpc?: unknown;
  readonly securityGroups?: readonly unknown[];
}

/**
 * The resources that do not depend on the number of clients, including the stack's own
 * `AWS::CDK::Metadata`. Function: log group, role, default policy, invoke-self policy, function,
 * async invoke config, the Secrets Manager invoke permission; the lease table; reconcile: rule and its invoke
 * permission; metrics: four log metric filters, four alarms and the dashboard; alerts: the
 * EventBridge publishing role and its policy, plus key, topic and topic policy unless a topic is
 * given. The RotationFailed rules are counted by {@link rotationFailedRules}.
 */
export function fixedResourceCount(props: BudgetProps): number {
  const adopted = props.clients.some((client) => client.existingSecret !== undefined);
  return (
    1 + // AWS::CDK::Metadata
    7 +
    1 + // the lease table
    2 +
    4 +
    5 +
    2 +
    (props.alarmTopic === undefined ? 3 : 0) +
    (props.alarmEmail === undefined ? 0 : 1) +
    (props.vpc !== undefined && props.securityGroups === undefined ? 1 : 0) +
    // The tagging custom resources' provider: function, role, policy, log group.
    (adopted ? 4 : 0)
  );
}

/**
 * The RotationFailed rules: one per {@link MAX_SECRETS_PER_RULE} secrets named in a pattern, where
 * the created secrets under the prefix count as one.
 */
export function rotationFailedRules(
  clients: readonly CheckableClient[],
  secretNamePrefix: string,
): number {
  const outsidePrefix = clients.filter(
    (client) =>
      client.existingSecret !== undefined ||
      (client.secretName !== undefined &&
        (Token.isUnresolved(client.secretName) || !client.secretName.startsWith(secretNamePrefix))),
  ).length;
  const underPrefix = clients.length > outsidePrefix ? 1 : 0;
  return Math.ceil((outsidePrefix + underPrefix) / MAX_SECRETS_PER_RULE);
}

/** Every resource the construct's stack will hold. */
export function totalResourceCount(props: BudgetProps, secretNamePrefix: string): number {
  return (
    fixedResourceCount(props) +
    RESOURCES_PER_CLIENT * props.clients.length +
    rotationFailedRules(props.clients, secretNamePrefix)
  );
}

/** How many clients of the same kind as the given ones (all created, or all adopted) fit. */
export function maxClients(props: BudgetProps, secretNamePrefix: string): number {
  const sample = props.clients[0] ?? { clientId: 'x' };
  let count = 0;
  const fits = (n: number) =>
    totalResourceCount({ ...props, clients: Array(n).fill(sample) }, secretNamePrefix) <=
    CLOUDFORMATION_RESOURCE_LIMIT;
  while (fits(count + 1)) count += 1;
  return count;
}

/** A problem when the clients do not fit in one stack. */
export function checkResourceBudget(props: BudgetProps, secretNamePrefix: string): string[] {
  const total = totalResourceCount(props, secretNamePrefix);
  if (total <= CLOUDFORMATION_RESOURCE_LIMIT) return [];
  return [
    `clients lists ${props.clients.length} clients, which need ${total} CloudFormation resources ` +
      `(${fixedResourceCount(props)} fixed, ${RESOURCES_PER_CLIENT} per client, ` +
      `${rotationFailedRules(props.clients, secretNamePrefix)} RotationFailed rules) but a stack ` +
      `holds at most ${CLOUDFORMATION_RESOURCE_LIMIT}: at most ${maxClients(props, secretNamePrefix)} ` +
      'such clients fit in one stack; split them across stacks',
  ];
}
