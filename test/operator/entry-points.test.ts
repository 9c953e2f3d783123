/**
 * Every entry point a person types answers `--help` with its usage and exit 0, and an unknown flag
 * with one line on stderr and exit 2: never a stack trace, never the AWS SDK's Node-version notice.
 * Run through npm, exactly as the README and --help texts say.
 */
import { describe, expect, it } from 'vitest';
import { run, STACK_FRAME, shellEnv } from './processes.ts';

const ENTRY_POINTS = [
  { script: 'start', usage: /^usage: npm start/ },
  { script: 'local-cloud', usage: /^usage: npm run local-cloud/ },
  { script: 'cli', usage: /^usage: stytch-rotation/ },
  { script: 'bench', usage: /^usage: npm run bench/ },
] as const;

const npmRun = (script: string, ...args: string[]) =>
  run('npm', ['run', '--silent', script, '--', ...args], shellEnv(), 60_000);

describe.concurrent('entry points', () => {
  for (const { script, usage } of ENTRY_POINTS) {
    it(`npm run ${script} -- --help prints the usage and exits 0`, async () => {
      const result = await npmRun(script, '--help');

      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(usage);
      expect(result.stdout).toContain('--');
      expect(result.stderr).toBe('');
    });

    it(`npm run ${script} -- --no-such-flag answers one line and exits 2`, async () => {
      const result = await npmRun(script, '--no-such-flag');

      expect(result.code).toBe(2);
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toContain('unknown flag --no-such-flag');
      expect(result.stderr).not.toMatch(STACK_FRAME);
      expect(result.stderr).not.toContain('NodeVersionSupportWarning');
      expect(result.stdout).toBe('');
    });
  }

  it('a flag missing its value is one line and exit 2 too', async () => {
    const result = await npmRun('local-cloud', '--clients');

    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd()).toBe('local-cloud: --clients needs a value (see --help)');
  });
});
