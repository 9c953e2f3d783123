/**
 * STYTCH_PROJECT_DOMAIN: with a project domain set, a Connected App's secret is tested at the
 * domain's `/v1/oauth2/token` (Stytch's documented Connected App endpoint); M2M clients keep the
 * `/v1/public/{project_id}/oauth2/token` form.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RotationWorld } from './rotation-world.ts';

let world: RotationWorld;

afterEach(async () => {
  world.expectNoSecretsLogged();
  await world.close();
});

async function worldWithDomainOf(projectId: (world: RotationWorld) => string) {
  world = await RotationWorld.start({ completionDelaySeconds: 0, maxAttempts: 1 });
  world.handler = world.newHandler({
    STYTCH_PROJECT_DOMAIN: world.cloud.stytch.projectDomain(projectId(world)),
  });
  return world;
}

describe('a Connected App with a project domain set', () => {
  it("rotates through the project domain's token endpoint", async () => {
    // Prepare
    await worldWithDomainOf((w) => w.projectId);
    const client = await world.addClient('connected_app');

    // Act
    const outcome = await world.rotate(client.secretArn);

    // Assess
    expect(outcome.outcome).toBe('succeeded');
    world.expectInvariants(client);
  });

  it('is tested at that domain: the domain of another project refuses its secret', async () => {
    // Prepare: a domain whose project does not hold the client, so only its use can fail the test
    await worldWithDomainOf((w) => w.cloud.stytch.createProject().projectId);
    const client = await world.addClient('connected_app');

    // Act
    const outcome = await world.rotate(client.secretArn);

    // Assess
    expect(outcome.outcome).toBe('failed');
    expect(outcome.lastError?.name).toBe('SecretTestError');
    expect(world.currentAuthenticates(client)).toBe(true);
  });

  it('leaves M2M clients on the public token endpoint', async () => {
    // Prepare
    await worldWithDomainOf((w) => w.cloud.stytch.createProject().projectId);
    const client = await world.addClient('m2m');

    // Act
    const outcome = await world.rotate(client.secretArn);

    // Assess
    expect(outcome.outcome).toBe('succeeded');
  });
});
