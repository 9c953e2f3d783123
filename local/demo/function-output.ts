/**
 * What the demo cloud prints of the rotation function's JSON log lines: each step's outcome, each
 * reconcile move and every warning or error (every line with --verbose). Output arrives in chunks
 * that may split lines.
 */
export function functionOutputPrinter(
  print: (line: string) => void,
  verbose: boolean,
): (text: string) => void {
  let partial = '';
  return (text) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      const shown = verbose ? line : summarize(line);
      if (shown !== undefined) print(shown);
    }
  };
}

function summarize(line: string): string | undefined {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `  function: ${line}`;
  }
  const message = String(json.message ?? '');
  const level = String(json.level ?? 'INFO');
  const isStepOutcome = typeof json.step === 'string' && typeof json.outcome === 'string';
  const isReconcileMove =
    typeof json.action === 'string' && json.outcome !== undefined && json.outcome !== 'none';
  if (isStepOutcome || isReconcileMove || level === 'WARN' || level === 'ERROR') {
    // Secret names read better than their ARNs in a terminal.
    const shown = message.replace(
      /arn:[^:\s]+:secretsmanager:[^:\s]+:\d+:secret:(\S+?)-[A-Za-z0-9]{6}\b/g,
      '$1',
    );
    return `  ${clockTime()} ${level === 'INFO' ? '' : `${level} `}${shown}`;
  }
  return undefined;
}

function clockTime(): string {
  return new Date().toISOString().slice(11, 19);
}
