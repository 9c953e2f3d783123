import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { checkSchedule, expandHours } from '../../lib/schedule.ts';
import { baseProps, synthRotation } from './fixtures.ts';

function problemsOf(input: Parameters<typeof checkSchedule>[0]): string[] {
  const result = checkSchedule(input);
  return 'problems' in result ? result.problems : [];
}

function rulesOf(input: Parameters<typeof checkSchedule>[0]) {
  const result = checkSchedule(input);
  if ('problems' in result) throw new Error(result.problems.join('; '));
  return result.schedule;
}

describe('checkSchedule', () => {
  it('rotates every 30 days by default', () => {
    // WHEN / THEN
    expect(rulesOf({})).toEqual({
      rules: { scheduleExpression: 'rate(30 days)', duration: undefined },
      minHoursBetweenRotations: 720,
      maxHoursBetweenRotations: 720,
      windowHours: 24,
    });
  });

  it('bounds the longest gap between starts, for the overdue alarm', () => {
    // WHEN / THEN
    const gap = (scheduleExpression: string) =>
      rulesOf({ scheduleExpression }).maxHoursBetweenRotations;
    expect(gap('rate(6 hours)')).toBe(6);
    expect(gap('cron(0 2,14 * * ? *)')).toBe(12);
    expect(gap('cron(0 3,9 * * ? *)')).toBe(18);
    expect(gap('cron(0 3 ? * SUN *)')).toBe(7 * 24);
    expect(gap('cron(0 3 1 * ? *)')).toBe(31 * 24);
    expect(gap('cron(0 3 1 1/3 ? *)')).toBe(366 * 24);
    expect(rulesOf({ automaticallyAfter: Duration.hours(6) }).windowHours).toBe(1);
    expect(
      rulesOf({ scheduleExpression: 'cron(0 3 ? * SUN *)', rotationWindow: Duration.hours(3) })
        .windowHours,
    ).toBe(3);
  });

  it('turns automaticallyAfter into a rate in the largest whole unit', () => {
    // WHEN / THEN
    expect(rulesOf({ automaticallyAfter: Duration.hours(6) }).rules.scheduleExpression).toBe(
      'rate(6 hours)',
    );
    expect(rulesOf({ automaticallyAfter: Duration.days(7) }).rules.scheduleExpression).toBe(
      'rate(7 days)',
    );
  });

  it('accepts a cron at minute 0 with a window that ends the same day', () => {
    // WHEN
    const schedule = rulesOf({
      scheduleExpression: 'cron(0 3 ? * SUN *)',
      rotationWindow: Duration.hours(3),
    });

    // THEN
    expect(schedule.rules).toEqual({ scheduleExpression: 'cron(0 3 ? * SUN *)', duration: '3h' });
  });

  it('measures the gap between cron starts, across midnight for daily schedules', () => {
    // WHEN / THEN
    expect(rulesOf({ scheduleExpression: 'cron(0 */6 * * ? *)' }).minHoursBetweenRotations).toBe(6);
    expect(rulesOf({ scheduleExpression: 'cron(0 2,20 * * ? *)' }).minHoursBetweenRotations).toBe(
      6,
    );
  });

  it.each([
    ['rate(3 hours)', 'at most every 4 hours, got "rate(3 hours)"'],
    ['rate(1001 days)', 'at least every 1000 days'],
    [
      'rate(30 minutes)',
      'must be rate(N hours), rate(N days) or cron(...), got "rate(30 minutes)"',
    ],
    ['cron(15 3 ? * SUN *)', 'cron minutes must be 0, got "15"'],
    ['cron(0 3 ? * SUN 2030)', 'cron year must be *, got "2030"'],
    ['cron(0 3 * * SUN *)', 'needs ? in exactly one of day-of-month and day-of-week'],
    ['cron(0 3 * *)', 'cron must have 6 fields'],
    ['cron(0 1,3 * * ? *)', 'starts 2 hour(s) apart'],
    ['cron(0 0,22 * * ? *)', 'starts 2 hour(s) apart'],
    [
      'cron(0 25 * * ? *)',
      'cron hours must be a number, range, list or step within 0-23, got "25"',
    ],
    ['every sunday', 'got "every sunday"'],
  ])('refuses %s', (expression, message) => {
    // WHEN
    const problems = problemsOf({ scheduleExpression: expression });

    // THEN
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it.each([
    [Duration.minutes(90), 'rate(1 day)', 'whole hours from 1 to 24, got 1 hour 30 minutes'],
    [Duration.hours(4), 'rate(4 hours)', 'must end before the next rotation starts: 4h'],
    [Duration.hours(3), 'cron(0 22 * * ? *)', 'must not run into the next UTC day: 3h from 22:00'],
    [Duration.hours(25), 'rate(2 days)', 'whole hours from 1 to 24, got 1 day 1 hour'],
  ])('refuses a window of %s with %s', (window, expression, message) => {
    // WHEN
    const problems = problemsOf({ scheduleExpression: expression, rotationWindow: window });

    // THEN
    expect(problems).toEqual([expect.stringContaining(message)]);
  });

  it('refuses an automaticallyAfter under 4 hours and both kinds of schedule at once', () => {
    // WHEN / THEN
    expect(problemsOf({ automaticallyAfter: Duration.hours(2) })).toEqual([
      'automaticallyAfter must be whole hours and at least 4 hours, got 2 hours',
    ]);
    expect(
      problemsOf({ automaticallyAfter: Duration.days(1), scheduleExpression: 'rate(1 day)' }),
    ).toEqual([expect.stringContaining('set either automaticallyAfter or scheduleExpression')]);
  });
});

describe('expandHours', () => {
  it('expands numbers, ranges, steps and lists', () => {
    // WHEN / THEN
    expect(expandHours('3')).toEqual([3]);
    expect(expandHours('1-3')).toEqual([1, 2, 3]);
    expect(expandHours('*/8')).toEqual([0, 8, 16]);
    expect(expandHours('4/10')).toEqual([4, 14]);
    expect(expandHours('20,2')).toEqual([2, 20]);
    expect(expandHours('5-2')).toBeUndefined();
  });
});

describe('the rotation schedules in the template', () => {
  it('carry the cron expression and window on the L1 schedule of every secret', () => {
    // GIVEN / WHEN
    const { template } = synthRotation(
      baseProps({ scheduleExpression: 'cron(0 4 ? * MON *)', rotationWindow: Duration.hours(2) }),
    );

    // THEN
    const schedules = Object.values(
      template.findResources('AWS::SecretsManager::RotationSchedule'),
    );
    expect(schedules.map((s) => s.Properties.RotationRules)).toEqual([
      { ScheduleExpression: 'cron(0 4 ? * MON *)', Duration: '2h' },
      { ScheduleExpression: 'cron(0 4 ? * MON *)', Duration: '2h' },
    ]);
    // A deploy rotates nothing by default: new secrets are bootstrapped by the reconcile.
    expect(schedules.every((s) => s.Properties.RotateImmediatelyOnUpdate === false)).toBe(true);
  });

  it('carry a rate and honour rotateImmediatelyOnUpdate: true when asked', () => {
    // GIVEN / WHEN
    const { template } = synthRotation(
      baseProps({ automaticallyAfter: Duration.days(14), rotateImmediatelyOnUpdate: true }),
    );

    // THEN
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(14 days)' },
      RotateImmediatelyOnUpdate: true,
    });
  });
});
