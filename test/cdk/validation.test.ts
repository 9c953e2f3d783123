import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { CLIENT_KINDS } from '../../lambda/stytch/kinds.ts';
import { CLIENT_ID_PREFIXES } from '../../lib/clients.ts';
import { maxClients } from '../../lib/resource-budget.ts';
import {
  StytchRotationConfigError,
  StytchSecretRotation,
  type StytchSecretRotationProps,
} from '../../lib/stytch-secret-rotation.ts';
import { baseProps, CONNECTED_APP_ID, M2M_CLIENT_ID } from './fixtures.ts';

/** The problems the construct reports for the props; fails the test if it accepts them. */
function problemsFor(props: StytchSecretRotationProps): readonly string[] {
  const stack = new Stack(new App(), 'ValidationTest');
  try {
    new StytchSecretRotation(stack, 'Rotation', props);
  } catch (error) {
    if (error instanceof StytchRotationConfigError) return error.problems;
    throw error;
  }
  throw new Error('the construct accepted the props');
}

describe('StytchSecretRotation validation', () => {
  it('knows the same client id prefixes as the function', () => {
    // THEN
    expect([...CLIENT_ID_PREFIXES].sort()).toEqual(
      Object.values(CLIENT_KINDS)
        .map((kind) => kind.idPrefix)
        .sort(),
    );
  });

  it('refuses a client id that is neither a Connected App nor an M2M client', () => {
    // WHEN
    const problems = problemsFor(baseProps({ clients: [{ clientId: 'project-test-123' }] }));

    // THEN
    expect(problems).toEqual([
      'clients[0].clientId must start with "connected-app-" or "m2m-client-" and hold only ' +
        'letters, digits and "-", got "project-test-123"',
    ]);
  });

  it('refuses the same client twice, naming both positions', () => {
    // WHEN
    const problems = problemsFor(
      baseProps({
        clients: [
          { clientId: CONNECTED_APP_ID },
          { clientId: M2M_CLIENT_ID },
          { clientId: CONNECTED_APP_ID },
        ],
      }),
    );

    // THEN
    expect(problems).toEqual([
      `clients[2] repeats the client id of clients[0]: "${CONNECTED_APP_ID}"`,
    ]);
  });

  it('refuses two clients sharing one secret name', () => {
    // WHEN
    const problems = problemsFor(
      baseProps({
        clients: [
          { clientId: CONNECTED_APP_ID, secretName: 'stytch/shared' },
          { clientId: M2M_CLIENT_ID, secretName: 'stytch/shared' },
        ],
      }),
    );

    // THEN
    expect(problems).toEqual(['clients[1] repeats the secret name of clients[0]: "stytch/shared"']);
  });

  it('refuses the same adopted secret twice, and an adopted secret with a name', () => {
    // GIVEN
    const stack = new Stack(new App(), 'ValidationTest');
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:legacy-Ab12Cd';
    const legacy = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Legacy', arn);
    const again = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Again', arn);

    // WHEN
    const problems = problemsFor(
      baseProps({
        clients: [
          { clientId: M2M_CLIENT_ID, existingSecret: legacy },
          { clientId: CONNECTED_APP_ID, existingSecret: again },
          { clientId: 'm2m-client-test-3', existingSecret: legacy, secretName: 'other' },
        ],
      }),
    );

    // THEN
    expect(problems).toEqual([
      `clients[1] repeats the secret of clients[0]: "${arn}"`,
      `clients[2] sets both secretName and existingSecret; an adopted secret keeps its name, got "other" and "${arn}"`,
      'clients[2] adopts the same secret as clients[0]',
    ]);
  });

  it('accepts tokens in every prop and leaves their checks to CloudFormation', () => {
    // GIVEN values CloudFormation resolves at deploy
    const stack = new Stack(new App(), 'TokenTest');
    const text = (name: string) => new CfnParameter(stack, name, { type: 'String' }).valueAsString;
    const number = (name: string) =>
      new CfnParameter(stack, name, { type: 'Number' }).valueAsNumber;
    const ownSecret = new secretsmanager.Secret(stack, 'Own');

    // WHEN
    const rotation = new StytchSecretRotation(stack, 'Rotation', {
      clients: [
        { clientId: text('ClientId'), secretName: text('SecretName') },
        { clientId: M2M_CLIENT_ID, existingSecret: ownSecret },
      ],
      credentialsParameter: text('CredentialsParameter'),
      stytchApiBaseUrl: text('BaseUrl'),
      alarmEmail: text('Email'),
      scheduleExpression: text('Schedule'),
      overdueAfter: Duration.days(8),
      secretNamePrefix: text('Prefix'),
      reservedConcurrentExecutions: number('Concurrency'),
      memorySize: number('Memory'),
    });

    // THEN
    expect(rotation.secrets.size).toBe(2);
    Template.fromStack(stack).hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: { Ref: 'Schedule' } },
    });
  });

  it('asks for overdueAfter when the schedule is a token', () => {
    // GIVEN
    const stack = new Stack(new App(), 'TokenTest');
    const schedule = new CfnParameter(stack, 'Schedule', { type: 'String' }).valueAsString;

    // WHEN / THEN
    expect(problemsFor(baseProps({ scheduleExpression: schedule }))).toEqual([
      'overdueAfter is required when scheduleExpression is a token: the overdue alarm needs the ' +
        'longest time between rotations',
    ]);
  });

  it('refuses an empty client list', () => {
    // WHEN / THEN
    expect(problemsFor(baseProps({ clients: [] }))).toEqual([
      'clients must list at least one Stytch client, got none',
    ]);
  });

  it('refuses a malformed schedule', () => {
    // WHEN / THEN
    expect(problemsFor(baseProps({ scheduleExpression: 'cron(30 2 * * ? *)' }))).toEqual([
      'scheduleExpression cron minutes must be 0, got "30" in "cron(30 2 * * ? *)"',
    ]);
  });

  it('refuses a malformed window', () => {
    // WHEN / THEN
    expect(
      problemsFor(
        baseProps({ scheduleExpression: 'rate(1 day)', rotationWindow: Duration.minutes(30) }),
      ),
    ).toEqual(['rotationWindow must be whole hours from 1 to 24, got 30 minutes']);
  });

  it('refuses a completion delay in fractions of a second (CDK refuses negative ones itself)', () => {
    // WHEN / THEN
    expect(problemsFor(baseProps({ completionDelay: Duration.millis(1500) }))).toEqual([
      'completionDelay must be at least 0 whole seconds, got 1 second 500 millis',
    ]);
  });

  it('refuses a completion delay that outlasts the time between rotations', () => {
    // WHEN / THEN
    expect(
      problemsFor(
        baseProps({ scheduleExpression: 'rate(4 hours)', completionDelay: Duration.hours(4) }),
      ),
    ).toEqual([
      'completionDelay plus reconcileInterval must be shorter than the 4 hours between rotations, ' +
        'got 14400 s + 900 s',
    ]);
  });

  it('refuses more clients than one stack holds, naming the maximum', () => {
    // GIVEN
    const clients = Array.from({ length: 250 }, (_, i) => ({ clientId: `m2m-client-test-${i}` }));

    // WHEN
    const problems = problemsFor(baseProps({ clients }));

    // THEN
    expect(maxClients({ clients }, 'stytch/')).toBe(237);
    expect(problems).toEqual([
      'clients lists 250 clients, which need 526 CloudFormation resources (25 fixed, 2 per client, ' +
        '1 RotationFailed rules) but a stack holds at most 500: at most 237 such clients fit in ' +
        'one stack; split them across stacks',
    ]);
  });

  it('refuses bad function settings with the value in each message', () => {
    // WHEN
    const problems = problemsFor(
      baseProps({
        credentialsParameter: 'stytch/credentials',
        stytchApiBaseUrl: 'http://stytch.example.com',
        reservedConcurrentExecutions: 0,
        memorySize: 100,
        timeout: Duration.seconds(30),
        alarmEmail: 'oncall',
        stuckRotationAfter: Duration.seconds(0),
      }),
    );

    // THEN
    expect(problems).toEqual([
      'stuckRotationAfter must be longer than 0, got 0 seconds',
      'credentialsParameter must be an SSM parameter name such as /stytch/credentials (a name with ' +
        '"/" starts with "/"), got "stytch/credentials"',
      'stytchApiBaseUrl must use https (plain http only for 127.0.0.1, ::1 and localhost), got ' +
        '"http://stytch.example.com"',
      'reservedConcurrentExecutions must be a whole number of at least 1, got 0',
      'memorySize must be whole megabytes from 128 to 10240, got 100',
      'timeout must be from 1 to 15 minutes, got 30 seconds',
      'alarmEmail must be an email address, got "oncall"',
    ]);
  });

  it('reports every problem of a configuration at once', () => {
    // WHEN
    const problems = problemsFor(
      baseProps({
        clients: [{ clientId: 'bogus' }, { clientId: 'bogus' }],
        scheduleExpression: 'rate(1 hour)',
        completionDelay: Duration.millis(200),
      }),
    );

    // THEN
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/clients\[0\].clientId[\s\S]*clients\[1\].clientId/);
    expect(problems).toContain(
      'scheduleExpression must rotate at most every 4 hours, got "rate(1 hour)"',
    );
    expect(problems).toContain('completionDelay must be at least 0 whole seconds, got 200 millis');
  });

  it('puts every problem in the error message, one per line', () => {
    // WHEN
    const build = () =>
      new StytchSecretRotation(new Stack(new App(), 'S'), 'R', baseProps({ clients: [] }));

    // THEN
    expect(build).toThrow(
      'invalid Stytch secret rotation configuration (1 problem):\n' +
        '  - clients must list at least one Stytch client, got none',
    );
  });
});
