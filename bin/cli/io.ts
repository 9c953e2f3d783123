/**
 * The CLI's contact with its terminal, behind one interface so tests run `main` in-process with
 * scripted input and captured output. Prompts write to stderr, so stdout stays clean for `--json`.
 */
import { createInterface, type Interface } from 'node:readline';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { type Clock, systemClock } from '../../lambda/clock.ts';

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  /** One line to stdout. */
  out(line: string): void;
  /** One line to stderr. */
  err(line: string): void;
  /** A progress line: rewritten in place on a terminal, otherwise printed once per change. */
  progress(line: string): void;
  /** Whether stdin is a terminal (then input is prompted for). */
  readonly stdinIsTerminal: boolean;
  /** All of stdin as text. */
  readAll(): Promise<string>;
  /** One line typed after `prompt`; `undefined` when stdin ends first. */
  readLine(prompt: string): Promise<string | undefined>;
  /** Like {@link readLine}, but what is typed is not echoed. */
  readHidden(prompt: string): Promise<string | undefined>;
  sleep(ms: number): Promise<void>;
  /** Releases stdin, so the process can exit. */
  close?(): void;
}

/** The real terminal. */
export function nodeIo(): CliIo {
  const stdoutIsTerminal = process.stdout.isTTY === true;
  let lastProgress = '';
  const reader = lineReader();
  let progressShown = false;
  const endProgress = () => {
    if (progressShown && stdoutIsTerminal) process.stdout.write('\n');
    progressShown = false;
  };
  return {
    env: process.env,
    clock: systemClock,
    out: (line) => {
      endProgress();
      process.stdout.write(`${line}\n`);
    },
    err: (line) => {
      endProgress();
      process.stderr.write(`${line}\n`);
    },
    progress: (line) => {
      if (stdoutIsTerminal) {
        process.stdout.write(`\r\x1b[2K${line}`);
        progressShown = true;
      } else if (line !== lastProgress) {
        process.stdout.write(`${line}\n`);
      }
      lastProgress = line;
    },
    stdinIsTerminal: process.stdin.isTTY === true,
    readAll: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
      return Buffer.concat(chunks).toString('utf8');
    },
    readLine: (prompt) => reader.ask(prompt, false),
    readHidden: (prompt) => reader.ask(prompt, true),
    sleep: (ms) => sleepFor(ms),
    close: () => reader.close(),
  };
}

/**
 * Reads stdin line by line through one readline interface, shared by every prompt so that lines
 * typed (or pasted) ahead are not lost between prompts. Hidden input suppresses readline's echo of
 * what is typed. Ctrl-C and the end of stdin answer `undefined`, which callers treat as "aborted".
 */
function lineReader() {
  let rl: Interface | undefined;
  let muted = false;
  let closed = false;
  const lines: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  const open = () => {
    if (rl !== undefined) return;
    const terminal = process.stdin.isTTY === true;
    rl = createInterface({ input: process.stdin, output: process.stderr, terminal });
    const echo = rl as unknown as { _writeToOutput: (text: string) => void };
    const write = echo._writeToOutput.bind(rl);
    echo._writeToOutput = (text) => {
      if (!muted) write(text);
      else if (/[\r\n]/.test(text)) process.stderr.write('\n');
    };
    rl.on('line', (line) => {
      const next = waiting.shift();
      if (next) next(line);
      else lines.push(line);
    });
    rl.on('SIGINT', () => rl?.close());
    rl.on('close', () => {
      closed = true;
      for (const next of waiting.splice(0)) next(undefined);
    });
  };
  return {
    ask(prompt: string, hidden: boolean): Promise<string | undefined> {
      open();
      process.stderr.write(prompt);
      muted = hidden;
      const ready = lines.shift();
      if (ready !== undefined || closed) return Promise.resolve(ready);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close() {
      rl?.close();
    },
  };
}
