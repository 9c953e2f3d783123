/**
 * The CDK app's configuration, read from `cdk.json` context (or `-c key=value`, which arrives as a
 * string). Shape problems here and the construct's own checks are reported together, each naming
 * the context key, so one `cdk synth` lists everything to fix.
 */
import { Duration } from 'aws-cdk-lib';
import { type AppClientConfig, checkableClient, readClients } from './app-clients.ts';
import { checkRotationProps, StytchRotationConfigError } from './validation.ts';

export type { AppClientConfig } from './app-clients.ts';

/** The context keys the app reads; docs/deploying.md and docs/production-cdk.md document each. */
export interface RotationAppConfig {
  /** `stackName`. @default 'StytchSecretRotation' */
  readonly stackName: string;
  /** `account`: the only account the stack deploys to. @default - the CLI's current account */
  readonly account?: string;
  /** `region`: the only region the stack deploys to. @default - the CLI's current region */
  readonly region?: string;
  /** `clients`: `[{clientId, secretName?, existingSecretArn?, existingSecretName?}]`. */
  readonly clients: readonly AppClientConfig[];
  /** `credentialsParameterName`: the SSM SecureString with the Stytch project credentials. */
  readonly credentialsParameterName: string;
  /** `credentialsKmsKeyArn`: its customer-managed key, if any. */
  readonly credentialsKmsKeyArn?: string;
  /** `schedule` as a rate()/cron() expression. */
  readonly scheduleExpression?: string;
  /** `automaticallyAfterDays`: rotate this many days after the last rotation. */
  readonly automaticallyAfter?: Duration;
  /** `rotationWindow`: e.g. "3h". */
  readonly rotationWindow?: Duration;
  /** `completionDelaySeconds`. */
  readonly completionDelay?: Duration;
  /** `reconcileIntervalMinutes`. */
  readonly reconcileInterval?: Duration;
  /** `stuckRotationHours`. */
  readonly stuckRotationAfter?: Duration;
  /** `alarmEmail`. */
  readonly alarmEmail?: string;
  /** `reservedConcurrency`. */
  readonly reservedConcurrentExecutions?: number;
  /** `stytchApiBaseUrl`. */
  readonly stytchApiBaseUrl?: string;
  /** `projectDomain`: the Stytch project domain, for the Connected App token endpoint. */
  readonly stytchProjectDomain?: string;
}

/** Reads one context value; `app.node.tryGetContext` in the app. */
export type ContextReader = (key: string) => unknown;

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/**
 * Reads and checks the configuration.
 * @throws StytchRotationConfigError listing every problem, context keys named
 */
export function loadAppConfig(read: ContextReader): RotationAppConfig {
  const problems: string[] = [];
  const text = (key: string): string | undefined => {
    const value = read(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value.trim();
    problems.push(`context ${key} must be a string, got ${JSON.stringify(value)}`);
    return undefined;
  };
  const number = (
    key: string,
    rule: (n: number) => boolean,
    expect: string,
  ): number | undefined => {
    const value = read(key);
    if (value === undefined || value === null || value === '') return undefined;
    const parsed = typeof value === 'string' ? Number(value.trim()) : value;
    if (typeof parsed === 'number' && Number.isFinite(parsed) && rule(parsed)) return parsed;
    problems.push(`context ${key} must be ${expect}, got ${JSON.stringify(value)}`);
    return undefined;
  };
  const reportedClients = new Set<number>();
  const whole = (n: number) => Number.isInteger(n);
  const positive = (n: number) => n > 0;

  const credentialsParameterName = text('credentialsParameterName');
  if (credentialsParameterName === undefined) {
    problems.push(
      'context credentialsParameterName is required: the SSM SecureString holding the Stytch ' +
        'project id and secret, e.g. /stytch-secret-rotation/credentials',
    );
  }
  const credentialsKmsKeyArn = text('credentialsKmsKeyArn');
  if (credentialsKmsKeyArn !== undefined && !KMS_KEY_ARN.test(credentialsKmsKeyArn)) {
    problems.push(
      `context credentialsKmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), ` +
        `got "${credentialsKmsKeyArn}"`,
    );
  }
  const scheduleExpression = text('schedule');
  const days = number(
    'automaticallyAfterDays',
    (n) => whole(n) && n >= 1,
    'a whole number of days >= 1',
  );
  if (scheduleExpression !== undefined && days !== undefined) {
    problems.push(
      `set either context schedule or automaticallyAfterDays, not both, got "${scheduleExpression}" ` +
        `and ${days}`,
    );
  }
  const windowText = text('rotationWindow');
  const windowMatch = windowText === undefined ? undefined : /^(\d{1,2})h$/.exec(windowText);
  if (windowText !== undefined && windowMatch == null) {
    problems.push(`context rotationWindow must be whole hours such as "3h", got "${windowText}"`);
  }
  const delay = number(
    'completionDelaySeconds',
    (n) => whole(n) && n >= 0,
    'a whole number of seconds >= 0',
  );
  const reconcile = number(
    'reconcileIntervalMinutes',
    (n) => whole(n) && n >= 1,
    'a whole number of minutes >= 1',
  );
  const stuck = number('stuckRotationHours', positive, 'a number of hours > 0');
  const concurrency = number(
    'reservedConcurrency',
    (n) => whole(n) && n >= 1,
    'a whole number >= 1',
  );

  const account = text('account');
  if (account !== undefined && !ACCOUNT.test(account)) {
    problems.push(`context account must be a 12-digit AWS account id, got "${account}"`);
  }
  const region = text('region');
  if (region !== undefined && !REGION.test(region)) {
    problems.push(`context region must be an AWS region such as eu-west-1, got "${region}"`);
  }

  const config: RotationAppConfig = {
    stackName: text('stackName') ?? 'StytchSecretRotation',
    account,
    region,
    clients: readClients(read('clients'), problems, reportedClients),
    credentialsParameterName: credentialsParameterName ?? '',
    credentialsKmsKeyArn,
    scheduleExpression,
    automaticallyAfter:
      days === undefined || scheduleExpression !== undefined ? undefined : Duration.days(days),
    rotationWindow: windowMatch == null ? undefined : Duration.hours(Number(windowMatch[1])),
    completionDelay: delay === undefined ? undefined : Duration.seconds(delay),
    reconcileInterval: reconcile === undefined ? undefined : Duration.minutes(reconcile),
    stuckRotationAfter: stuck === undefined ? undefined : Duration.minutes(Math.round(stuck * 60)),
    alarmEmail: text('alarmEmail'),
    reservedConcurrentExecutions: concurrency,
    stytchApiBaseUrl: text('stytchApiBaseUrl'),
    stytchProjectDomain: text('projectDomain'),
  };
  try {
    checkRotationProps(
      {
        ...config,
        clients: config.clients.map(checkableClient),
        credentialsParameter: credentialsParameterName ?? '/',
      },
      {
        secretNamePrefix: `stytch/${config.stackName}/`,
        completionDelay: config.completionDelay ?? Duration.hours(1),
        reconcileInterval: config.reconcileInterval ?? Duration.minutes(15),
      },
    );
  } catch (error) {
    if (!(error instanceof StytchRotationConfigError)) throw error;
    // Problems already reported in context terms are not repeated in the construct's terms.
    const alreadyReported = (problem: string) =>
      (credentialsParameterName === undefined && problem.startsWith('credentialsParameter ')) ||
      [...reportedClients].some((index) => problem.startsWith(`clients[${index}]`));
    problems.push(...error.problems.filter((problem) => !alreadyReported(problem)));
  }
  if (problems.length > 0) throw new StytchRotationConfigError(problems);
  return config;
}
