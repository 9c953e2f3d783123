/**
 * The doctor's findings: one per check, printed one line each (or as JSON), and the exit code they
 * add up to. A finding never holds a secret: details name parameters, clients, URLs and Stytch's
 * answers, nothing more.
 */
import { EXIT, type ExitCode } from '../exit-codes.ts';
import type { CliIo } from '../io.ts';

/**
 * `ok`: checked and fine. `warn`: works, but worth a look. `fail`: would break a rotation; the
 * advice says what to change. `skip`: could not be checked here; the detail says why.
 */
export type Verdict = 'ok' | 'warn' | 'fail' | 'skip';

export interface Finding {
  /** What was checked: `credentials`, `stytch-auth`, `client`, `token-endpoint`, `probe-calibration`, `probe-acceptance`, `function-policy`. */
  readonly check: string;
  /** What it was checked on, e.g. a client id. */
  readonly subject?: string;
  readonly verdict: Verdict;
  /** What was found, in one sentence. */
  readonly detail: string;
  /** For `fail` and `warn`: exactly what to change. */
  readonly advice?: string;
}

const LABEL: Readonly<Record<Verdict, string>> = {
  ok: 'ok  ',
  warn: 'warn',
  fail: 'FAIL',
  skip: 'skip',
};

/** Prints the findings: one line each, or one JSON array with `--json`. */
export function printFindings(io: CliIo, findings: readonly Finding[], json: boolean): void {
  if (json) {
    io.out(JSON.stringify(findings, null, 2));
    return;
  }
  for (const finding of findings) {
    const subject = finding.subject === undefined ? '' : ` ${finding.subject}`;
    const advice = finding.advice === undefined ? '' : ` → ${finding.advice}`;
    io.out(`${LABEL[finding.verdict]}  ${finding.check}${subject}: ${finding.detail}${advice}`);
  }
}

/** 3 when any check failed (a person must change something before deploying), else 0. */
export function doctorExitCode(findings: readonly Finding[]): ExitCode {
  return findings.some((finding) => finding.verdict === 'fail') ? EXIT.attention : EXIT.ok;
}
