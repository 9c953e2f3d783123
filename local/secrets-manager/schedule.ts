import { AwsServiceError, checkRange, type Input } from '../aws-json.ts';
import type { RotationRules, Secret } from './state.ts';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
const RATE = /^rate\((\d+) (hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;
const DURATION = /^(\d+)h$/;

function invalid(message: string): AwsServiceError {
  return new AwsServiceError('InvalidParameterException', message);
}

/**
 * Reads and checks `RotationRules` (AWS API reference, RotationRulesType; user guide "Rotation
 * schedules"): AutomaticallyAfterDays 1-1000; ScheduleExpression `rate(N hours|days)` of 4 hours to
 * 1000 days, or `cron(...)` with six fields, minutes 0 and year `*`; Duration `Nh`, 1-24 hours.
 * Strictest plausible: both AutomaticallyAfterDays and ScheduleExpression, or neither, is refused.
 */
export function readRotationRules(input: Input | undefined): RotationRules | undefined {
  if (!input) return undefined;
  const automaticallyAfterDays = input.optionalInteger('AutomaticallyAfterDays');
  const scheduleExpression = input.optionalString('ScheduleExpression');
  const duration = input.optionalString('Duration');
  checkRange('AutomaticallyAfterDays', automaticallyAfterDays, 1, 1000);
  if ((automaticallyAfterDays === undefined) === (scheduleExpression === undefined)) {
    throw invalid(
      'RotationRules must set exactly one of AutomaticallyAfterDays and ScheduleExpression',
    );
  }
  if (scheduleExpression !== undefined) checkScheduleExpression(scheduleExpression);
  if (duration !== undefined) {
    const hours = Number(DURATION.exec(duration)?.[1]);
    if (!(hours >= 1 && hours <= 24)) {
      throw invalid(`Duration must be between 1h and 24h, got ${JSON.stringify(duration)}`);
    }
  }
  return {
    ...(automaticallyAfterDays !== undefined ? { automaticallyAfterDays } : {}),
    ...(scheduleExpression !== undefined ? { scheduleExpression } : {}),
    ...(duration !== undefined ? { duration } : {}),
  };
}

function checkScheduleExpression(expression: string): void {
  const interval = rateIntervalMs(expression);
  if (interval !== undefined) {
    if (interval < 4 * HOUR_MS || interval > 1000 * DAY_MS) {
      throw invalid(`a rate must be between 4 hours and 1000 days, got ${expression}`);
    }
    return;
  }
  const fields = CRON.exec(expression)?.[1]?.trim().split(/\s+/);
  if (fields?.length !== 6 || fields[0] !== '0' || fields[5] !== '*') {
    throw invalid(
      `ScheduleExpression must be rate(N hours|days) or cron(0 H DoM M DoW *), got ${expression}`,
    );
  }
}

function rateIntervalMs(expression: string): number | undefined {
  const match = RATE.exec(expression);
  if (!match) return undefined;
  return Number(match[1]) * (match[2]?.startsWith('hour') ? HOUR_MS : DAY_MS);
}

/** The wire shape of stored rules. */
export function rotationRulesToWire(rules: RotationRules | undefined): object | undefined {
  if (!rules) return undefined;
  return {
    AutomaticallyAfterDays: rules.automaticallyAfterDays,
    ScheduleExpression: rules.scheduleExpression,
    Duration: rules.duration,
  };
}

/**
 * NextRotationDate: the last rotation (or the creation) plus the interval, for
 * AutomaticallyAfterDays and `rate(...)`. For `cron(...)` the emulator reports none: computing
 * cron occurrences is not worth a parser here, and a consumer must cope with the field missing.
 */
export function nextRotationDate(secret: Secret): Date | undefined {
  const { enabled, rules } = secret.rotation;
  if (!enabled || !rules) return undefined;
  const interval =
    rules.automaticallyAfterDays !== undefined
      ? rules.automaticallyAfterDays * DAY_MS
      : rateIntervalMs(rules.scheduleExpression ?? '');
  if (interval === undefined) return undefined;
  const base = secret.lastRotatedDate ?? secret.createdDate;
  return new Date(base.getTime() + interval);
}
