/**
 * The function's environment, fuzzed: every variable of the runtime contract present or not, good
 * or junk. Each environment parses into a configuration that keeps the contract, or into one
 * ConfigError that lists every problem. See support/fuzz-settings.ts for why fast-check and how to
 * replay a seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lambda/config.ts';
import { ConfigError, RotationError } from '../../lambda/errors.ts';
import { environment } from './support/arbitraries.ts';
import { FUZZ_RUNS, fuzzParameters } from './support/fuzz-settings.ts';
import { errorText, PLANTED, plantedIn } from './support/planted.ts';

describe('fuzzed configurations', () => {
  it('parse into a valid configuration or one ConfigError that lists every problem', () => {
    fc.assert(
      fc.property(environment, (env) => {
        // Act
        let error: unknown;
        let config: ReturnType<typeof loadConfig> | undefined;
        try {
          config = loadConfig(env);
        } catch (thrown) {
          error = thrown;
        }

        // Assess
        if (config === undefined) {
          expect(error).toBeInstanceOf(ConfigError);
          const { problems, message } = error as ConfigError;
          expect(problems.length).toBeGreaterThan(0);
          for (const problem of problems) expect(message).toContain(problem);
          return;
        }
        expect(env.STYTCH_CREDENTIALS_PARAMETER?.trim()).toBeTruthy();
        for (const seconds of [config.completionDelaySeconds, config.credentialsCacheSeconds]) {
          expect(Number.isSafeInteger(seconds) && seconds >= 0).toBe(true);
        }
        expect(config.stuckRotationHours > 0 && Number.isFinite(config.stuckRotationHours)).toBe(
          true,
        );
        expect(config.probeAcceptedErrors.length).toBeGreaterThan(0);
        for (const url of [config.stytchApiBaseUrl, config.stytchTokenUrl]) {
          if (url === undefined) continue;
          const parsed = new URL(url);
          const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(parsed.hostname);
          expect(parsed.protocol === 'https:' || (parsed.protocol === 'http:' && loopback)).toBe(
            true,
          );
          expect(`${parsed.username}${parsed.password}${parsed.search}${parsed.hash}`).toBe('');
        }
      }),
      fuzzParameters(FUZZ_RUNS.configuration),
    );
  });

  it('do not echo a password or token planted in an endpoint URL', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('STYTCH_API_BASE_URL', 'STYTCH_TOKEN_URL'),
        fc.constantFrom(
          `https://operator:${PLANTED.urlPassword}@test.stytch.com`,
          `https://test.stytch.com/?token=${PLANTED.urlPassword}`,
        ),
        (name, url) => {
          let error: unknown;
          try {
            loadConfig({ STYTCH_CREDENTIALS_PARAMETER: '/fuzz/credentials', [name]: url });
          } catch (thrown) {
            error = thrown;
          }
          expect(error).toBeInstanceOf(RotationError);
          expect(plantedIn([errorText(error)])).toEqual([]);
        },
      ),
      { numRuns: 4 },
    );
  });
});
