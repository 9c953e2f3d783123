import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../lib/app-config.ts';
import { StytchRotationConfigError } from '../../lib/validation.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CDK_JSON = JSON.parse(readFileSync(`${ROOT}/cdk.json`, 'utf8'));
const VALID = {
  credentialsParameterName: '/stytch/credentials',
  clients: [{ clientId: 'connected-app-test-1' }],
};

function problemsOf(context: Record<string, unknown>): readonly string[] {
  try {
    loadAppConfig((key) => context[key]);
  } catch (error) {
    if (error instanceof StytchRotationConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('loadAppConfig', () => {
  it('reads the example configuration shipped in cdk.json', () => {
    // WHEN
    const config = loadAppConfig((key) => CDK_JSON.context[key]);

    // THEN
    expect(config).toMatchObject({
      stackName: 'StytchSecretRotation',
      credentialsParameterName: '/stytch-secret-rotation/credentials',
      scheduleExpression: 'cron(0 3 ? * SUN *)',
    });
    expect(config.clients.map((c) => c.clientId.split('-').slice(0, 2).join('-'))).toEqual([
      'connected-app',
      'm2m-client',
    ]);
    expect(config.rotationWindow?.toHours()).toBe(3);
    expect(config.completionDelay?.toSeconds()).toBe(3600);
  });

  it('reads -c overrides, which arrive as strings', () => {
    // WHEN
    const config = loadAppConfig(
      (key) =>
        ({
          credentialsParameterName: '/stytch/credentials',
          clients: '[{"clientId":"m2m-client-test-1"}]',
          automaticallyAfterDays: '7',
          completionDelaySeconds: '0',
          reconcileIntervalMinutes: '5',
          stuckRotationHours: '1.5',
          reservedConcurrency: '2',
        })[key],
    );

    // THEN
    expect(config.clients).toEqual([
      { clientId: 'm2m-client-test-1', secretName: undefined, existingSecretArn: undefined },
    ]);
    expect(config.automaticallyAfter?.toDays()).toBe(7);
    expect(config.completionDelay?.toSeconds()).toBe(0);
    expect(config.reconcileInterval?.toMinutes()).toBe(5);
    expect(config.stuckRotationAfter?.toMinutes()).toBe(90);
    expect(config.reservedConcurrentExecutions).toBe(2);
  });

  it('names the context key of each shape problem', () => {
    // WHEN
    const problems = problemsOf({
      clients: [{ clientId: 'connected-app-test-1', secretname: 'typo' }, 'm2m-client-test-2'],
      completionDelaySeconds: -5,
      schedule: 'rate(7 days)',
      automaticallyAfterDays: 7,
      rotationWindow: '3 hours',
      credentialsKmsKeyArn: 'alias/stytch',
    });

    // THEN
    expect(problems).toEqual([
      'context credentialsParameterName is required: the SSM SecureString holding the Stytch ' +
        'project id and secret, e.g. /stytch-secret-rotation/credentials',
      'context credentialsKmsKeyArn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), ' +
        'got "alias/stytch"',
      'set either context schedule or automaticallyAfterDays, not both, got "rate(7 days)" and 7',
      'context rotationWindow must be whole hours such as "3h", got "3 hours"',
      'context completionDelaySeconds must be a whole number of seconds >= 0, got -5',
      'context clients[0] has unknown key "secretname"; allowed: clientId, secretName, existingSecretArn, existingSecretName',
      'context clients[1] must be {clientId, secretName?, existingSecretArn?, existingSecretName?}, got "m2m-client-test-2"',
    ]);
  });

  it("adds the construct's problems to its own, keeping each client's position", () => {
    // WHEN
    const problems = problemsOf({
      ...VALID,
      clients: [
        { clientId: 'connected-app-test-1' },
        { clientId: 'app-2' },
        { clientId: 'connected-app-test-1' },
      ],
      schedule: 'cron(5 3 ? * SUN *)',
    });

    // THEN
    expect(problems).toEqual([
      'clients[1].clientId must start with "connected-app-" or "m2m-client-" and hold only letters, ' +
        'digits and "-", got "app-2"',
      'clients[2] repeats the client id of clients[0]: "connected-app-test-1"',
      'scheduleExpression cron minutes must be 0, got "5" in "cron(5 3 ? * SUN *)"',
    ]);
  });

  it('requires a client list', () => {
    // WHEN / THEN
    expect(problemsOf({ credentialsParameterName: '/p' })).toEqual([
      'context clients is required: a list of {clientId, secretName?, existingSecretArn?, existingSecretName?}',
      'clients must list at least one Stytch client, got none',
    ]);
  });

  it('leaves unset keys to the construct defaults', () => {
    // WHEN
    const config = loadAppConfig((key) => (VALID as Record<string, unknown>)[key]);

    // THEN
    expect(config).toEqual({
      stackName: 'StytchSecretRotation',
      clients: [{ clientId: 'connected-app-test-1' }],
      credentialsParameterName: '/stytch/credentials',
    });
  });
});

describe('bin/app.ts', () => {
  it('fails the synth with one line per problem and no stack trace', () => {
    // GIVEN the context the CDK CLI would pass
    const context = { ...VALID, clients: [{ clientId: 'bogus' }], schedule: 'rate(1 hour)' };

    // WHEN
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify(context),
        CDK_OUTDIR: '/nonexistent',
      },
      encoding: 'utf8',
    });

    // THEN
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'invalid Stytch secret rotation configuration (2 problems):',
      expect.stringMatching(/^ {2}- clients\[0\]\.clientId must start with/),
      '  - scheduleExpression must rotate at most every 4 hours, got "rate(1 hour)"',
    ]);
  });
});
