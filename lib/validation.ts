/**
 * Synth-time checks of the construct's props. Every problem is collected and reported in one
 * {@link StytchRotationConfigError}, so a bad configuration is fixed in one round trip.
 */
import { type Duration, Token } from 'aws-cdk-lib';
import { type CheckableClient, checkClients, checkSecretNamePrefix } from './clients.ts';
import { checkResourceBudget } from './resource-budget.ts';
import { type CheckedSchedule, checkSchedule } from './schedule.ts';

/** A configuration the construct cannot build; `problems` lists each one. */
export class StytchRotationConfigError extends Error {
  override readonly name = 'StytchRotationConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `invalid Stytch secret rotation configuration (${problems.length} problem` +
        `${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** The props the checks read (a structural subset of the construct's props). */
export interface CheckableProps {
  readonly clients: readonly CheckableClient[];
  readonly automaticallyAfter?: Duration;
  readonly scheduleExpression?: string;
  readonly rotationWindow?: Duration;
  readonly completionDelay?: Duration;
  readonly reconcileInterval?: Duration;
  readonly stuckRotationAfter?: Duration;
  readonly stytchApiBaseUrl?: string;
  readonly stytchProjectDomain?: string;
  readonly credentialsParameter: string | { readonly parameterName: string };
  readonly reservedConcurrentExecutions?: number;
  readonly memorySize?: number;
  readonly timeout?: Duration;
  readonly alarmEmail?: string;
  readonly alarmTopic?: unknown;
  readonly vpc?: unknown;
  readonly securityGroups?: readonly unknown[];
  readonly overdueAfter?: Duration;
}

/** Defaults the construct resolved before checking. */
export interface ResolvedDefaults {
  readonly secretNamePrefix: string;
  readonly completionDelay: Duration;
  readonly reconcileInterval: Duration;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
const PARAMETER_NAME = /^(\/[A-Za-z0-9_.-]+)+$|^[A-Za-z0-9_.-]+$/;

/**
 * Checks the props.
 * @returns the checked schedule
 * @throws StytchRotationConfigError listing every problem found
 */
export function checkRotationProps(
  props: CheckableProps,
  defaults: ResolvedDefaults,
): CheckedSchedule {
  const problems = [
    ...checkSecretNamePrefix(defaults.secretNamePrefix),
    ...checkClients(props.clients, defaults.secretNamePrefix),
    ...checkResourceBudget(props, defaults.secretNamePrefix),
  ];
  if (props.scheduleExpression !== undefined && Token.isUnresolved(props.scheduleExpression)) {
    // CloudFormation checks a token schedule at deploy; only what does not depend on it is checked.
    if (props.overdueAfter === undefined) {
      problems.push(
        'overdueAfter is required when scheduleExpression is a token: the overdue alarm needs ' +
          'the longest time between rotations',
      );
    }
    problems.push(...checkFunctionProps(props));
    if (problems.length > 0) throw new StytchRotationConfigError(problems);
    return tokenSchedule(props);
  }
  const checked = checkSchedule(props);
  if ('problems' in checked) problems.push(...checked.problems);

  const delaySeconds = defaults.completionDelay.toSeconds({ integral: false });
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0) {
    problems.push(
      `completionDelay must be at least 0 whole seconds, got ${defaults.completionDelay.toHumanString()}`,
    );
  }
  const reconcileMinutes = defaults.reconcileInterval.toMinutes({ integral: false });
  if (!Number.isInteger(reconcileMinutes) || reconcileMinutes < 1 || reconcileMinutes > 24 * 60) {
    problems.push(
      'reconcileInterval must be whole minutes from 1 minute to 1 day, ' +
        `got ${defaults.reconcileInterval.toHumanString()}`,
    );
  }
  if ('schedule' in checked && problems.length === 0) {
    // The previous secret must have been retired (delay, then the next reconcile) before the next
    // rotation starts, or Stytch still holds an open rotation for the client.
    const gapSeconds = checked.schedule.minHoursBetweenRotations * 3600;
    if (delaySeconds + reconcileMinutes * 60 >= gapSeconds) {
      problems.push(
        `completionDelay plus reconcileInterval must be shorter than the ` +
          `${checked.schedule.minHoursBetweenRotations} hours between rotations, got ` +
          `${delaySeconds} s + ${reconcileMinutes * 60} s`,
      );
    }
  }
  if (props.stuckRotationAfter !== undefined) {
    const hours = props.stuckRotationAfter.toHours({ integral: false });
    if (!(hours > 0)) {
      problems.push(
        `stuckRotationAfter must be longer than 0, got ${props.stuckRotationAfter.toHumanString()}`,
      );
    }
  }
  problems.push(...checkFunctionProps(props));
  if (problems.length > 0) throw new StytchRotationConfigError(problems);
  return (checked as { schedule: CheckedSchedule }).schedule;
}

/** The rules of a schedule CloudFormation resolves at deploy; the window is passed as given. */
function tokenSchedule(props: CheckableProps): CheckedSchedule {
  const hours = props.rotationWindow?.toHours({ integral: false });
  return {
    rules: {
      scheduleExpression: props.scheduleExpression,
      duration: hours === undefined ? undefined : `${hours}h`,
    },
    minHoursBetweenRotations: Number.NaN,
    maxHoursBetweenRotations: Number.NaN,
    windowHours: hours ?? 24,
  };
}

/** A value CloudFormation resolves at deploy is checked there, not here. */
const literal = (value: unknown) => value !== undefined && !Token.isUnresolved(value);

function checkFunctionProps(props: CheckableProps): string[] {
  const problems: string[] = [];
  const parameterName =
    typeof props.credentialsParameter === 'string'
      ? props.credentialsParameter
      : props.credentialsParameter.parameterName;
  if (
    typeof props.credentialsParameter === 'string' &&
    literal(parameterName) &&
    !PARAMETER_NAME.test(parameterName)
  ) {
    problems.push(
      'credentialsParameter must be an SSM parameter name such as /stytch/credentials (a name ' +
        `with "/" starts with "/"), got "${parameterName}"`,
    );
  }
  if (literal(props.stytchApiBaseUrl) && props.stytchApiBaseUrl !== undefined) {
    const problem = checkBaseUrl(props.stytchApiBaseUrl);
    if (problem !== undefined)
      problems.push(`stytchApiBaseUrl ${problem}, got "${props.stytchApiBaseUrl}"`);
  }
  const domain = props.stytchProjectDomain;
  if (literal(domain) && domain !== undefined) {
    const problem = checkBaseUrl(domain.includes('://') ? domain : `https://${domain}`);
    if (problem !== undefined) problems.push(`stytchProjectDomain ${problem}, got "${domain}"`);
  }
  const concurrency = props.reservedConcurrentExecutions;
  if (literal(concurrency) && (!Number.isInteger(concurrency) || (concurrency as number) < 1)) {
    problems.push(
      `reservedConcurrentExecutions must be a whole number of at least 1, got ${concurrency}`,
    );
  }
  const memory = props.memorySize;
  if (
    literal(memory) &&
    (!Number.isInteger(memory) || (memory as number) < 128 || (memory as number) > 10_240)
  ) {
    problems.push(`memorySize must be whole megabytes from 128 to 10240, got ${memory}`);
  }
  if (props.timeout !== undefined) {
    const seconds = props.timeout.toSeconds({ integral: false });
    // One Stytch attempt may take 25 s (5 s connect, 10 s headers, 10 s body) and a step makes
    // several calls with retries; less than a minute cuts steps short.
    if (seconds < 60 || seconds > 900) {
      problems.push(`timeout must be from 1 to 15 minutes, got ${props.timeout.toHumanString()}`);
    }
  }
  if (
    literal(props.alarmEmail) &&
    props.alarmEmail !== undefined &&
    !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(props.alarmEmail)
  ) {
    problems.push(`alarmEmail must be an email address, got "${props.alarmEmail}"`);
  }
  if (props.securityGroups !== undefined && props.vpc === undefined) {
    problems.push('securityGroups needs vpc: the function only joins security groups inside a VPC');
  }
  return problems;
}

/** Mirrors the function's own check: https, or http to a loopback host; no credentials or query. */
function checkBaseUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL such as https://test.stytch.com';
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return 'must use https (plain http only for 127.0.0.1, ::1 and localhost)';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https';
  if (url.username !== '' || url.password !== '') return 'must not hold credentials';
  if (url.search !== '' || url.hash !== '') return 'must not have a query or fragment';
  return undefined;
}
