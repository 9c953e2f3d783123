/**
 * Collects the rotation function's JSON log lines from its process output. Output arrives in chunks
 * that may split lines; non-JSON lines (a crash's stack, a warning) are kept as plain text.
 */
export interface FunctionLogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

export class FunctionLogs {
  #partial = '';
  #lines: FunctionLogLine[] = [];

  /** Feeds a chunk of the function's stdout or stderr. */
  write(text: string): void {
    const parts = (this.#partial + text).split('\n');
    this.#partial = parts.pop() ?? '';
    for (const part of parts) if (part.trim() !== '') this.#lines.push(parseLine(part));
  }

  /** Every line received since the last call. */
  take(): FunctionLogLine[] {
    const taken = this.#lines;
    this.#lines = [];
    return taken;
  }
}

function parseLine(text: string): FunctionLogLine {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    return {
      level: String(json.level ?? 'INFO'),
      message: String(json.message ?? ''),
      fields: json,
    };
  } catch {
    return { level: 'TEXT', message: text, fields: {} };
  }
}
