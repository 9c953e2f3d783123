import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { redriveTokenFor } from '../../lambda/reconcile/deferred-rotation.ts';
import { DEFERRED_TAG, parseDeferred } from '../../lambda/reconcile/tags.ts';
import { LIVE_CREDENTIALS_PARAMETER, LiveWorld } from './live-world.ts';
import { runCli, spawnCli } from './run-cli.ts';

describe('stytch-rotation complete', () => {
  let world: LiveWorld;

  afterEach(async () => {
    await world.close();
  });

  it('ends an open overlap now, and then has nothing left to complete', async () => {
    // Prepare
    world = await LiveWorld.start({ completionDelaySeconds: 3600 });
    const client = await world.addClient('connected_app');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);

    // Act
    const first = await runCli(world, ['complete', client.name, '--yes']);
    const second = await runCli(world, ['complete', client.name]);

    // Assess
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(
      /^complete: done: completed the Stytch rotation: only .{4} is valid now$/,
    );
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(1);
    const current = world.secretAt(client.secretArn, 'AWSCURRENT') ?? '';
    expect(world.cloud.stytch.isValidSecret(client.clientId, current)).toBe(true);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^complete: nothing to complete/);
  });

  it('asks first, and an empty answer aborts with 130 and changes nothing', async () => {
    // Prepare
    world = await LiveWorld.start({ completionDelaySeconds: 3600 });
    const client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');

    // Act
    const declined = await runCli(world, ['complete', client.name], { stdin: 'n' });
    const silent = await runCli(world, ['complete', client.name]);

    // Assess
    expect(declined.code).toBe(130);
    expect(declined.stderr).toMatch(
      /End the overlap of .* now, before it is due at .*stops working at once/s,
    );
    expect(silent.code).toBe(130);
    expect(silent.stderr).toContain('pass --yes to skip the question');
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);
  });

  it('ends the overlap on "y" and starts the rotation the overlap had deferred', async () => {
    // Prepare: a second rotation inside the overlap is deferred (the old secret stays valid)
    world = await LiveWorld.start({ completionDelaySeconds: 3600 });
    const client = await world.addClient('connected_app');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    const before = world.secretAt(client.secretArn, 'AWSCURRENT') ?? '';
    await world.rotate(client.secretArn);
    expect(world.secretAt(client.secretArn, 'AWSCURRENT') === before).toBe(true);
    const deferred = parseDeferred(
      world.cloud.secretsManager.inspect(client.secretArn).tags[DEFERRED_TAG],
    );
    expect(deferred).toBeDefined();

    // Act
    const run = await runCli(world, ['complete', client.name], { stdin: 'y' });
    const redriven = await world.cloud.secretsManager.waitForRotation(
      client.secretArn,
      redriveTokenFor(deferred?.token ?? ''),
    );

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/complete: done: .*\ncomplete: deferred rotation: started/);
    expect(redriven.outcome).toBe('succeeded');
    expect(world.secretAt(client.secretArn, 'AWSCURRENT') === before).toBe(false);
    expect(world.cloud.secretsManager.inspect(client.secretArn).tags[DEFERRED_TAG]).toBeUndefined();
  });

  it("refuses when Stytch's next secret is not AWSCURRENT's, changing nothing", async () => {
    // Prepare: a rotation started at Stytch behind the store's back
    world = await LiveWorld.start({ completionDelaySeconds: 0 });
    const client = await world.addClient('m2m');
    expect((await world.rotate(client.secretArn)).outcome).toBe('succeeded');
    world.knownSecrets.push(world.cloud.stytch.startRotation(client.clientId));

    // Act
    const run = await runCli(world, ['complete', client.name]);

    // Assess
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(
      /^stytch-rotation: complete: refused: Stytch's next secret for .* ends in .{4}, not in AWSCURRENT's/,
    );
    expect(world.cloud.stytch.validSecretCount(client.clientId)).toBe(2);
  });
});

describe('stytch-rotation credentials set', () => {
  let world: LiveWorld;

  afterEach(async () => {
    await world.close();
  });

  async function storedCredentials(): Promise<unknown> {
    const ssm = new SSMClient({ endpoint: world.cloud.ssm.url, region: world.cloud.region });
    try {
      const out = await ssm.send(
        new GetParameterCommand({ Name: LIVE_CREDENTIALS_PARAMETER, WithDecryption: true }),
      );
      return JSON.parse(out.Parameter?.Value ?? 'null');
    } finally {
      ssm.destroy();
    }
  }

  it('writes the credentials from stdin as a SecureString without printing them', async () => {
    // Prepare
    world = await LiveWorld.start({ completionDelaySeconds: 0 });
    const project = world.cloud.stytch.createProject();
    world.knownSecrets.push(project.secret);
    const stdin = JSON.stringify({ project_id: project.projectId, secret: project.secret });

    // Act
    const run = await spawnCli(world, ['credentials', 'set'], { stdin });

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `wrote ${LIVE_CREDENTIALS_PARAMETER} (version 2) for project ${project.projectId}`,
    );
    expect(await storedCredentials()).toEqual({
      project_id: project.projectId,
      secret: project.secret,
    });
  });

  it('refuses input the function could not use, without writing or echoing it', async () => {
    // Prepare
    world = await LiveWorld.start({ completionDelaySeconds: 0 });
    const before = await storedCredentials();
    const typo = 'secret-test-this-is-a-typo-that-must-not-echo';
    world.knownSecrets.push(typo);

    // Act
    const notJson = await runCli(world, ['credentials', 'set'], { stdin: `${typo}\n` });
    const noProject = await runCli(world, ['credentials', 'set'], {
      stdin: JSON.stringify({ project_id: 'proj-1', secret: typo }),
    });

    // Assess
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain(
      `SSM parameter ${LIVE_CREDENTIALS_PARAMETER} is not valid JSON`,
    );
    expect(noProject.code).toBe(1);
    expect(noProject.stderr).toContain('"project_id" (6 characters) that starts with neither');
    expect(await storedCredentials()).toEqual(before);
  });
});
