/** Formatting for the Markdown report. */
import { MB, round } from './stats.ts';

export const ms = (value: number) => `${round(value)} ms`;
export const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
export const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;
export const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
