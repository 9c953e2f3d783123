/**
 * The sandbox's timeline: for each step invocation, how it ended (from the function's own log) and
 * every call it made to Secrets Manager, SSM and Stytch (from the local servers' request logs).
 */
import type { RequestLogEntry, RunningServer } from '../../local/http-server.ts';
import type { FunctionLogLine } from './function-logs.ts';

/** Where each server's request log stood before an invocation, to attribute calls to it. */
export type LogMarks = ReadonlyMap<RunningServer, number>;

export function markLogs(servers: readonly RunningServer[]): LogMarks {
  return new Map(servers.map((server) => [server, server.requestLog.length]));
}

/** The calls each server received since `marks`. */
function callsSince(marks: LogMarks): { service: string; entry: RequestLogEntry }[] {
  const calls: { service: string; entry: RequestLogEntry }[] = [];
  for (const [server, mark] of marks) {
    for (const entry of server.requestLog.slice(mark)) calls.push({ service: server.name, entry });
  }
  return calls.sort((a, b) => a.entry.startedAt - b.entry.startedAt || a.entry.seq - b.entry.seq);
}

const pad = (text: string, width: number) => text.padEnd(width);

/** Prints one step: its outcome line, then its calls. */
export function printStep(
  out: (line: string) => void,
  step: string,
  durationMs: number,
  logs: readonly FunctionLogLine[],
  marks: LogMarks,
  verbose: boolean,
): void {
  const outcomeLine = logs.find(
    (line) => line.fields.step === step && typeof line.fields.outcome === 'string',
  );
  const outcome = String(outcomeLine?.fields.outcome ?? 'failed');
  // logStepOutcome writes "<step>: <outcome> for <secret> (<detail>)".
  const detail = outcomeLine?.message.match(/ for \S+ \((.*)\)$/)?.[1] ?? '';
  const error = outcomeLine?.fields.error as { name?: string; message?: string } | undefined;
  const symbol = outcome === 'failed' ? '✗' : outcome === 'skipped' ? '·' : '✓';
  out(
    `  ${symbol} ${pad(step, 13)} ${pad(outcome, 9)} ${pad(`${Math.round(durationMs)} ms`, 7)} ${detail}`,
  );
  if (error) out(`      ${error.name}: ${error.message}`);
  for (const { service, entry } of callsSince(marks)) {
    const status = entry.status === 0 ? 'no answer' : String(entry.status);
    const fault = entry.fault ? `  [injected ${entry.fault}]` : '';
    out(
      `      ${pad(service, 16)} ${pad(entry.operation, 30)} ${pad(status, 4)} ${entry.durationMs.toFixed(1)} ms${fault}`,
    );
  }
  if (verbose) {
    for (const line of logs) out(`      log ${line.level.toLowerCase()}: ${line.message}`);
  }
}

/** Prints one scheduled reconcile: its own report lines, then its calls. */
export function printReconcile(
  out: (line: string) => void,
  failure: Error | undefined,
  durationMs: number,
  logs: readonly FunctionLogLine[],
  marks: LogMarks,
): void {
  const outcome = failure === undefined ? 'succeeded' : 'failed';
  out(
    `  ${failure === undefined ? '✓' : '✗'} ${pad('reconcile', 13)} ${pad(outcome, 9)} ${Math.round(durationMs)} ms`,
  );
  if (failure) out(`      ${failure.name}: ${failure.message}`);
  for (const line of logs) {
    if (line.message.startsWith('reconcile: '))
      out(`      ${line.message.slice('reconcile: '.length)}`);
  }
  for (const { service, entry } of callsSince(marks)) {
    out(
      `      ${pad(service, 16)} ${pad(entry.operation, 30)} ${entry.status === 0 ? 'no answer' : entry.status}`,
    );
  }
}
