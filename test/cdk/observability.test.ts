import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { StytchSecretRotation } from '../../lib/stytch-secret-rotation.ts';
import { baseProps, logicalIdAt, synthRotation, testApp } from './fixtures.ts';

// GIVEN a weekly schedule with a 3-hour window and a 10-minute reconcile
const { template, stack, rotation } = synthRotation(
  baseProps({
    scheduleExpression: 'cron(0 3 ? * SUN *)',
    rotationWindow: Duration.hours(3),
    reconcileInterval: Duration.minutes(10),
  }),
);
const namespace = `StytchSecretRotation/${rotation.managedTag.value}`;
const service = [{ Name: 'service', Value: 'stytch-secret-rotation' }];
const topic = { Ref: logicalIdAt(stack, 'Rotation/Alerts/Topic') };

describe('the health alarms', () => {
  it('fires when no reconcile pass finished for two intervals, missing data counting as breaching', () => {
    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: namespace,
      MetricName: 'SecretsInspected',
      Dimensions: service,
      Statistic: 'SampleCount',
      Period: 600,
      EvaluationPeriods: 2,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [topic],
    });
  });

  it('fires when a secret is overdue: a week plus the 3-hour window plus 2 hours since its last rotation', () => {
    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: namespace,
      MetricName: 'OldestRotationAgeHours',
      Dimensions: service,
      Statistic: 'Maximum',
      Threshold: 7 * 24 + 3 + 2,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topic],
    });
  });

  it("fires on the reconcile's needs-attention signal", () => {
    // THEN
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: namespace,
      MetricName: 'SecretsNeedingAttention',
      Dimensions: service,
      Statistic: 'Maximum',
      Period: 600,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topic],
    });
  });

  it('are four alarms in all, each publishing to the topic', () => {
    // THEN
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topic]);
  });
});

describe('the dashboard', () => {
  // WHEN
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const widgets = JSON.stringify(dashboards[0]?.Properties.DashboardBody);

  it('is one dashboard showing every metric the issue names, in the construct namespace', () => {
    // THEN
    expect(dashboards).toHaveLength(1);
    for (const title of [
      'Rotations by outcome',
      'Oldest last rotation (hours)',
      'Overlaps',
      'Reconcile outcomes',
      'Reconcile duration (ms)',
      'Stytch calls',
      'Alarms',
    ]) {
      expect(widgets).toContain(title);
    }
    for (const metric of [
      'RotationsCompleted',
      'RotationStepsFailed',
      'RotationsAbandoned',
      'OldestRotationAgeHours',
      'OverlapsOpen',
      'OverlapsCompleted',
      'SecretsNeedingAttention',
      'ReconcileDuration',
      'StytchCallDuration',
      'StytchCallErrors',
    ]) {
      expect(widgets).toContain(`\\"${namespace}\\",\\"${metric}\\"`);
    }
    // Secrets Manager's own count of failed rotations: the RotationFailed rule firing.
    expect(widgets).toContain('FILL(failed0, 0)');
    expect(widgets).toContain('\\"AWS/Events\\",\\"TriggeredRules\\",\\"RuleName\\"');
  });
});

describe('the metrics taken from the function log', () => {
  it('count completed rotations, failed steps, Stytch errors and time Stytch calls', () => {
    // THEN
    const filters = Object.values(template.findResources('AWS::Logs::MetricFilter'));
    expect(
      filters.map((f) => [
        f.Properties.MetricTransformations[0].MetricName,
        f.Properties.MetricTransformations[0].MetricValue,
        f.Properties.MetricTransformations[0].MetricNamespace,
      ]),
    ).toEqual([
      ['RotationsCompleted', '1', namespace],
      ['RotationStepsFailed', '1', namespace],
      ['StytchCallDuration', '$.duration_ms', namespace],
      ['StytchCallErrors', '1', namespace],
    ]);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.step = "finishSecret") && ($.outcome = "succeeded") }',
    });
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ ($.attempt >= 1) && ($.outcome != "ok") }',
    });
  });
});

describe('two constructs in one stack', () => {
  it('never share a metrics namespace, a managed tag or a secret name prefix', () => {
    // GIVEN
    const app = testApp();
    const shared = new Stack(app, 'Shared');
    const dev = new StytchSecretRotation(shared, 'Dev', baseProps());
    const prod = new StytchSecretRotation(shared, 'Prod', baseProps());
    const names = Object.values(
      Template.fromStack(shared).findResources('AWS::SecretsManager::Secret'),
    ).map((secret) => secret.Properties.Name as string);

    // THEN
    expect(dev.metricsNamespace).not.toBe(prod.metricsNamespace);
    expect(dev.managedTag.value).not.toBe(prod.managedTag.value);
    expect(names.filter((name) => name.startsWith('stytch/Shared/Dev/'))).toHaveLength(2);
    expect(names.filter((name) => name.startsWith('stytch/Shared/Prod/'))).toHaveLength(2);
  });
});
