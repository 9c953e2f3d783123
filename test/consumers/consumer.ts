/**
 * An application that reads its Stytch client secret from Secrets Manager the way caching clients
 * do (AWSCURRENT, kept for a TTL), and authenticates at Stytch's token endpoint with M2M
 * client_credentials, again and again. It counts outcomes; it never keeps or prints a token.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

export interface ConsumerOptions {
  readonly sm: SecretsManagerClient;
  readonly secretArn: string;
  readonly tokenUrl: string;
  /** How long a read of the secret is reused. */
  readonly cacheTtlMs: number;
  /** Pause between authentications; each consumer gets a different one so they drift apart. */
  readonly intervalMs: number;
}

export interface ConsumerCounts {
  readonly succeeded: number;
  readonly failed: number;
  /** How many distinct secrets this consumer authenticated with. */
  readonly secretsUsed: number;
}

export class Consumer {
  #cache: { secret: string; clientId: string; readAt: number } | undefined;
  #succeeded = 0;
  #failed = 0;
  readonly #secretsUsed = new Set<string>();

  constructor(private readonly options: ConsumerOptions) {}

  get counts(): ConsumerCounts {
    return {
      succeeded: this.#succeeded,
      failed: this.#failed,
      secretsUsed: this.#secretsUsed.size,
    };
  }

  /** Authenticates every `intervalMs` until `running()` turns false. */
  async run(running: () => boolean): Promise<void> {
    while (running()) {
      const { secret, clientId } = await this.#credentials();
      const ok = await this.#authenticate(clientId, secret);
      if (ok) this.#succeeded += 1;
      else this.#failed += 1;
      this.#secretsUsed.add(secret);
      await sleep(this.options.intervalMs);
    }
  }

  async #credentials(): Promise<{ secret: string; clientId: string }> {
    const now = performance.now();
    if (this.#cache !== undefined && now - this.#cache.readAt < this.options.cacheTtlMs) {
      return this.#cache;
    }
    const out = await this.options.sm.send(
      new GetSecretValueCommand({ SecretId: this.options.secretArn }),
    );
    const value = JSON.parse(out.SecretString ?? '{}') as Record<string, string>;
    this.#cache = {
      secret: value.client_secret ?? '',
      clientId: value.client_id ?? '',
      readAt: now,
    };
    return this.#cache;
  }

  async #authenticate(clientId: string, secret: string): Promise<boolean> {
    const response = await fetch(this.options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
      }),
    });
    await response.arrayBuffer();
    return response.status === 200;
  }
}
