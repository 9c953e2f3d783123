/**
 * Secrets Manager's rotation rules, checked at synth time so a bad schedule fails `cdk synth` with a
 * message instead of a CloudFormation rollback: rotations at least 4 hours apart, cron minutes 0,
 * cron year `*`, and a window of whole hours that ends before the next rotation and the UTC day.
 */
import { Duration } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import type { CfnRotationSchedule } from 'aws-cdk-lib/aws-secretsmanager';

/** The schedule as the construct's props give it. */
export interface ScheduleInput {
  readonly automaticallyAfter?: Duration;
  readonly scheduleExpression?: string;
  readonly rotationWindow?: Duration;
}

/** A schedule Secrets Manager accepts. */
export interface CheckedSchedule {
  readonly rules: CfnRotationSchedule.RotationRulesProperty;
  /** The shortest time between the starts of two rotations, in hours. */
  readonly minHoursBetweenRotations: number;
  /**
   * An upper bound on the time between two scheduled starts, in hours (exact for rates and daily
   * crons; a week for crons on days of the week, 31 days on days of the month, a year otherwise).
   */
  readonly maxHoursBetweenRotations: number;
  /** The rotation window in hours: the one given, else Secrets Manager's default. */
  readonly windowHours: number;
}

/** The schedule used when the props give none. */
export const DEFAULT_ROTATION_INTERVAL = Duration.days(30);

const MIN_HOURS_BETWEEN_ROTATIONS = 4;
const MAX_DAYS_BETWEEN_ROTATIONS = 1000;
const RATE = /^rate\((\d+) (hours?|days?)\)$/;
const CRON = /^cron\((.*)\)$/;

/**
 * Checks the schedule and window and renders the CloudFormation `RotationRules`.
 * @returns the rules, or every problem found (each naming the bad value)
 */
export function checkSchedule(
  input: ScheduleInput,
): { readonly schedule: CheckedSchedule } | { readonly problems: string[] } {
  const problems: string[] = [];
  if (input.automaticallyAfter !== undefined && input.scheduleExpression !== undefined) {
    problems.push(
      `set either automaticallyAfter or scheduleExpression, not both, got ${input.automaticallyAfter.toHumanString()} ` +
        `and "${input.scheduleExpression}"`,
    );
    return { problems };
  }
  const expression =
    input.scheduleExpression?.trim() ??
    rateFromDuration(input.automaticallyAfter ?? DEFAULT_ROTATION_INTERVAL, problems);
  if (expression === undefined) return { problems };
  const timing = RATE.test(expression)
    ? rateTiming(expression, problems)
    : CRON.test(expression)
      ? cronTiming(expression, problems)
      : undefined;
  if (timing === undefined && problems.length === 0) {
    problems.push(
      `scheduleExpression must be rate(N hours), rate(N days) or cron(...), got "${expression}"`,
    );
  }
  const duration =
    input.rotationWindow === undefined || timing === undefined
      ? undefined
      : windowOf(input.rotationWindow, timing, expression, problems);
  if (timing === undefined || problems.length > 0) return { problems };
  // Secrets Manager's default window: an hour for schedules in hours, the rest of the day otherwise.
  const defaultWindowHours = timing.minGapHours < 24 ? 1 : 24;
  return {
    schedule: {
      rules: { scheduleExpression: expression, duration },
      minHoursBetweenRotations: timing.minGapHours,
      maxHoursBetweenRotations: timing.maxGapHours,
      windowHours: duration === undefined ? defaultWindowHours : Number.parseInt(duration, 10),
    },
  };
}

/** When rotations may start: the gap between starts, and the latest start hour of a UTC day. */
interface Timing {
  readonly minGapHours: number;
  readonly maxGapHours: number;
  readonly latestStartHour: number;
}

function rateFromDuration(after: Duration, problems: string[]): string | undefined {
  const minutes = after.toMinutes({ integral: false });
  if (!Number.isInteger(minutes / 60) || minutes < MIN_HOURS_BETWEEN_ROTATIONS * 60) {
    problems.push(
      `automaticallyAfter must be whole hours and at least ${MIN_HOURS_BETWEEN_ROTATIONS} hours, ` +
        `got ${after.toHumanString()}`,
    );
    return undefined;
  }
  // Schedule.rate picks the largest whole unit: rate(30 days), rate(6 hours).
  return Schedule.rate(after).expressionString;
}

function rateTiming(expression: string, problems: string[]): Timing | undefined {
  const [, amountText, unit] = RATE.exec(expression) ?? [];
  const amount = Number(amountText);
  const hours = unit?.startsWith('day') ? amount * 24 : amount;
  if (hours < MIN_HOURS_BETWEEN_ROTATIONS) {
    problems.push(
      `scheduleExpression must rotate at most every ${MIN_HOURS_BETWEEN_ROTATIONS} hours, ` +
        `got "${expression}"`,
    );
    return undefined;
  }
  if (hours > MAX_DAYS_BETWEEN_ROTATIONS * 24) {
    problems.push(
      `scheduleExpression must rotate at least every ${MAX_DAYS_BETWEEN_ROTATIONS} days, ` +
        `got "${expression}"`,
    );
    return undefined;
  }
  // A rate's windows start at midnight UTC and then every `hours` within the day.
  const latestStartHour = hours >= 24 ? 0 : Math.floor(23 / hours) * hours;
  // Within a day the starts are `hours` apart; the last one of a day and midnight may be closer.
  return { minGapHours: hours, maxGapHours: hours, latestStartHour };
}

function cronTiming(expression: string, problems: string[]): Timing | undefined {
  const fields = (CRON.exec(expression)?.[1] ?? '').trim().split(/\s+/);
  if (fields.length !== 6) {
    problems.push(
      'scheduleExpression cron must have 6 fields (minutes hours day-of-month month day-of-week ' +
        `year), got "${expression}"`,
    );
    return undefined;
  }
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const before = problems.length;
  if (minutes !== '0') {
    problems.push(`scheduleExpression cron minutes must be 0, got "${minutes}" in "${expression}"`);
  }
  if (year !== '*') {
    problems.push(`scheduleExpression cron year must be *, got "${year}" in "${expression}"`);
  }
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    problems.push(
      'scheduleExpression cron needs ? in exactly one of day-of-month and day-of-week, ' +
        `got "${dayOfMonth}" and "${dayOfWeek}" in "${expression}"`,
    );
  }
  const startHours = expandHours(hours);
  if (startHours === undefined) {
    problems.push(
      'scheduleExpression cron hours must be a number, range, list or step within 0-23, ' +
        `got "${hours}" in "${expression}"`,
    );
    return undefined;
  }
  // On consecutive days the last start of one day and the first of the next are neighbours too.
  const singleDay = /^[A-Za-z0-9#]+$/.test(dayOfMonth === '?' ? dayOfWeek : dayOfMonth);
  const gaps = startHours.slice(1).map((hour, i) => hour - (startHours[i] as number));
  if (!singleDay) gaps.push(24 - (startHours.at(-1) as number) + (startHours[0] as number));
  const minGapHours = Math.min(...gaps, 24);
  if (minGapHours < MIN_HOURS_BETWEEN_ROTATIONS) {
    problems.push(
      `scheduleExpression must rotate at most every ${MIN_HOURS_BETWEEN_ROTATIONS} hours, got ` +
        `"${expression}" with starts ${minGapHours} hour(s) apart`,
    );
  }
  if (problems.length > before) return undefined;
  const dayField = dayOfMonth === '?' ? dayOfWeek : dayOfMonth;
  const dailyGaps = [...gaps, 24 - (startHours.at(-1) as number) + (startHours[0] as number)];
  const maxGapHours =
    month !== '*'
      ? 366 * 24
      : dayField === '*'
        ? Math.max(...dailyGaps)
        : dayOfMonth === '?'
          ? 7 * 24
          : 31 * 24;
  return { minGapHours, maxGapHours, latestStartHour: startHours.at(-1) as number };
}

/** The sorted start hours of a cron hours field (`3`, `1-5`, `*`, `*\/6`, `2/8`, `1,13`), or undefined. */
export function expandHours(field: string): number[] | undefined {
  const hours = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(\*|\d{1,2}(?:-\d{1,2})?)(?:\/(\d{1,2}))?$/.exec(part);
    if (match === null) return undefined;
    const [, range = '', stepText] = match;
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, to] =
      range === '*'
        ? [0, 23]
        : range.includes('-')
          ? range.split('-').map(Number)
          : [Number(range), stepText === undefined ? Number(range) : 23];
    if (from === undefined || to === undefined || from > to || to > 23 || step < 1)
      return undefined;
    for (let hour = from; hour <= to; hour += step) hours.add(hour);
  }
  return [...hours].sort((a, b) => a - b);
}

function windowOf(
  window: Duration,
  timing: Timing,
  expression: string,
  problems: string[],
): string | undefined {
  const minutes = window.toMinutes({ integral: false });
  const hours = minutes / 60;
  if (!Number.isInteger(hours) || hours < 1 || hours > 24) {
    problems.push(`rotationWindow must be whole hours from 1 to 24, got ${window.toHumanString()}`);
    return undefined;
  }
  if (hours >= timing.minGapHours) {
    problems.push(
      `rotationWindow must end before the next rotation starts: ${hours}h is not shorter than the ` +
        `${timing.minGapHours} hours between rotations of "${expression}"`,
    );
  }
  if (timing.latestStartHour + hours > 24) {
    problems.push(
      `rotationWindow must not run into the next UTC day: ${hours}h from ` +
        `${timing.latestStartHour}:00 ends after midnight with "${expression}"`,
    );
  }
  return `${hours}h`;
}
