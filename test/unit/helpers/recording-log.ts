import type { Log, LogAttributes } from '../../../lambda/log.ts';

/** One recorded log call. */
export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: LogAttributes;
}

/** A Log that keeps every line, for assertions on what was logged. */
export class RecordingLog implements Log {
  readonly lines: LogLine[] = [];

  debug(message: string, attributes: LogAttributes = {}): void {
    this.lines.push({ level: 'debug', message, attributes });
  }
  info(message: string, attributes: LogAttributes = {}): void {
    this.lines.push({ level: 'info', message, attributes });
  }
  warn(message: string, attributes: LogAttributes = {}): void {
    this.lines.push({ level: 'warn', message, attributes });
  }
  error(message: string, attributes: LogAttributes = {}): void {
    this.lines.push({ level: 'error', message, attributes });
  }

  /** Every line serialized the way a JSON logger would write it. */
  text(): string {
    return this.lines.map((line) => JSON.stringify(line)).join('\n');
  }
}
