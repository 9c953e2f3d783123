import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type App, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../lib/app-config.ts';
import { StytchSecretRotationStack } from '../../lib/stytch-secret-rotation-stack.ts';
import { testApp } from './fixtures.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CDK_JSON = JSON.parse(readFileSync(`${ROOT}/cdk.json`, 'utf8'));

/** The app's stack as `cdk synth` builds it from cdk.json, with context overrides. */
function synthApp(overrides: Record<string, unknown> = {}) {
  const context = { ...CDK_JSON.context, ...overrides };
  const app: App = testApp();
  const config = loadAppConfig((key) => context[key]);
  const stack = new StytchSecretRotationStack(app, config.stackName, { config });
  return { stack, template: Template.fromStack(stack).toJSON() };
}

describe('the deployable stack', () => {
  it('is protected from termination', () => {
    // WHEN
    const { stack } = synthApp();

    // THEN
    expect(stack.terminationProtection).toBe(true);
  });

  it('deploys only to the account and region the context names', () => {
    // WHEN
    const pinned = synthApp({ account: '123456789012', region: 'eu-west-1' });
    const unpinned = synthApp();

    // THEN
    expect([pinned.stack.account, pinned.stack.region]).toEqual(['123456789012', 'eu-west-1']);
    // Without them the stack is environment-agnostic: it goes where the CLI's credentials point.
    expect(Token.isUnresolved(unpinned.stack.account)).toBe(true);
  });

  it('adopts secrets given by complete ARN or by name, tagging both with their client ids', () => {
    // WHEN
    const { template } = synthApp({
      clients: [
        {
          clientId: 'm2m-client-test-1',
          existingSecretArn:
            'arn:aws:secretsmanager:eu-west-1:123456789012:secret:legacy/one-Ab12Cd',
        },
        { clientId: 'm2m-client-test-2', existingSecretName: 'legacy/two' },
      ],
    });
    const tagged = Object.values(
      template.Resources as Record<string, { Type: string; Properties: { Create: string } }>,
    )
      .filter((resource) => resource.Type === 'Custom::AWS')
      .map((resource) => JSON.stringify(resource.Properties.Create));

    // THEN
    expect(tagged).toHaveLength(2);
    expect(tagged[0]).toContain('legacy/one-Ab12Cd');
    expect(tagged[0]).toContain('m2m-client-test-1');
    expect(tagged[1]).toContain('secret:legacy/two');
    expect(tagged[1]).toContain('m2m-client-test-2');
  });
});

describe('a redeploy with another schedule and window', () => {
  // GIVEN the same app synthesized twice, the second time with a new cron and window
  const before = synthApp().template;
  const after = synthApp({ schedule: 'cron(0 5 ? * WED *)', rotationWindow: '2h' }).template;
  const resources = (t: typeof before) =>
    t.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>;
  const changed = Object.keys(resources(before)).filter(
    (id) => JSON.stringify(resources(before)[id]) !== JSON.stringify(resources(after)[id]),
  );

  it('changes only the rotation schedules (and the overdue alarm and dashboard that follow them)', () => {
    // THEN
    expect(Object.keys(resources(after)).sort()).toEqual(Object.keys(resources(before)).sort());
    const types = [...new Set(changed.map((id) => resources(before)[id]?.Type))].sort();
    expect(types).toEqual([
      'AWS::CloudWatch::Alarm',
      'AWS::CloudWatch::Dashboard',
      'AWS::SecretsManager::RotationSchedule',
    ]);
  });

  it('asks no schedule to rotate immediately, before or after', () => {
    // THEN
    for (const template of [before, after]) {
      const schedules = Object.values(resources(template)).filter(
        (r) => r.Type === 'AWS::SecretsManager::RotationSchedule',
      );
      expect(schedules).toHaveLength(2);
      for (const schedule of schedules) {
        expect(schedule.Properties).toMatchObject({ RotateImmediatelyOnUpdate: false });
      }
    }
    for (const id of changed.filter((i) =>
      resources(after)[i]?.Type.includes('RotationSchedule'),
    )) {
      expect(resources(after)[id]?.Properties).toMatchObject({
        RotationRules: { ScheduleExpression: 'cron(0 5 ? * WED *)', Duration: '2h' },
      });
    }
  });

  it('keeps every secret: same logical ids, same names', () => {
    // THEN
    expect(
      changed.filter((id) => resources(before)[id]?.Type === 'AWS::SecretsManager::Secret'),
    ).toEqual([]);
  });
});
