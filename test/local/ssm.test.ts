import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParametersCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../local/manual-clock.ts';
import { type LocalSsm, startSsm } from '../../local/ssm.ts';

const CREDENTIALS = '{"project_id":"project-test-0000","secret":"fake-project-secret"}';
const clock = new ManualClock(new Date('2026-02-02T02:02:02Z'));
let ssm: LocalSsm;
let client: SSMClient;
beforeAll(async () => {
  ssm = await startSsm({ clock });
  process.env.AWS_ENDPOINT_URL_SSM = ssm.url;
  // No endpoint option: the SDK must find the emulator through AWS_ENDPOINT_URL_SSM.
  client = new SSMClient({});
  ssm.putParameter({ name: '/stytch/credentials', value: CREDENTIALS, type: 'SecureString' });
});
afterAll(async () => {
  client.destroy();
  await ssm.close();
});

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

describe('SecureString parameters', () => {
  it('returns the plaintext with decryption', async () => {
    // Act
    const { Parameter } = await client.send(
      new GetParameterCommand({ Name: '/stytch/credentials', WithDecryption: true }),
    );
    // Assess
    expect(Parameter).toMatchObject({
      Name: '/stytch/credentials',
      Type: 'SecureString',
      Version: 1,
      DataType: 'text',
      ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/stytch/credentials',
      LastModifiedDate: clock.now(),
    });
    expect(Parameter?.Value === CREDENTIALS).toBe(true);
  });

  it('returns an opaque ciphertext, never the plaintext, without decryption', async () => {
    // Act
    const { Parameter } = await client.send(
      new GetParameterCommand({ Name: '/stytch/credentials' }),
    );
    // Assess
    const value = Parameter?.Value ?? '';
    expect(value).toMatch(/^AQICAH[A-Za-z0-9+/=]+$/);
    expect(value.includes('fake-project-secret')).toBe(false);
    expect(Buffer.from(value, 'base64').toString('utf8').includes('fake-project-secret')).toBe(
      false,
    );
  });

  it('fails a read with decryption with InvalidKeyId once the key is broken, and recovers when repaired', async () => {
    // Prepare
    ssm.putParameter({
      name: '/broken/credentials',
      value: CREDENTIALS,
      type: 'SecureString',
      keyId: 'alias/broken',
    });
    ssm.breakKey('/broken/credentials');
    // Act
    const error = await errorOf(
      client.send(new GetParameterCommand({ Name: '/broken/credentials', WithDecryption: true })),
    );
    const encrypted = await client.send(new GetParameterCommand({ Name: '/broken/credentials' }));
    const other = await client.send(
      new GetParameterCommand({ Name: '/stytch/credentials', WithDecryption: true }),
    );
    ssm.repairKey('/broken/credentials');
    const repaired = await client.send(
      new GetParameterCommand({ Name: '/broken/credentials', WithDecryption: true }),
    );
    // Assess
    expect(error.name).toBe('InvalidKeyId');
    expect(error.message.includes('fake-project-secret')).toBe(false);
    expect(encrypted.Parameter?.Type).toBe('SecureString');
    expect(other.Parameter?.Version).toBe(1);
    expect(repaired.Parameter?.Value === CREDENTIALS).toBe(true);
  });
});

describe('parameter reads and writes', () => {
  it('answers ParameterNotFound with a lowercase message member for an unknown name', async () => {
    // Act
    const error = await errorOf(client.send(new GetParameterCommand({ Name: '/missing' })));
    const raw = await fetch(ssm.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AmazonSSM.GetParameter',
      },
      body: JSON.stringify({ Name: '/missing' }),
    });
    // Assess
    expect(error.name).toBe('ParameterNotFound');
    expect(raw.status).toBe(400);
    expect(raw.headers.get('x-amzn-errortype')).toBe('ParameterNotFound');
    expect(await raw.json()).toEqual({
      __type: 'ParameterNotFound',
      message: 'Parameter /missing not found.',
    });
  });

  it('refuses to overwrite without Overwrite and bumps the version with it', async () => {
    // Prepare
    await client.send(
      new PutParameterCommand({ Name: '/app/setting', Value: 'one', Type: 'String' }),
    );
    // Act
    const refused = await errorOf(
      client.send(new PutParameterCommand({ Name: '/app/setting', Value: 'two', Type: 'String' })),
    );
    const overwritten = await client.send(
      new PutParameterCommand({ Name: '/app/setting', Value: 'two', Overwrite: true }),
    );
    // Assess
    expect(refused.name).toBe('ParameterAlreadyExists');
    expect(overwritten.Version).toBe(2);
    const { Parameter } = await client.send(new GetParameterCommand({ Name: '/app/setting' }));
    expect(Parameter).toMatchObject({ Value: 'two', Version: 2, Type: 'String' });
    const first = await client.send(new GetParameterCommand({ Name: '/app/setting:1' }));
    expect(first.Parameter).toMatchObject({ Value: 'one', Version: 1, Selector: ':1' });
  });

  it('lists unknown names of GetParameters under InvalidParameters', async () => {
    // Act
    const answer = await client.send(
      new GetParametersCommand({ Names: ['/stytch/credentials', '/nope'], WithDecryption: true }),
    );
    // Assess
    expect(answer.Parameters?.map((p) => p.Name)).toEqual(['/stytch/credentials']);
    expect(answer.InvalidParameters).toEqual(['/nope']);
  });

  it('finds a parameter by its ARN and forgets it once deleted', async () => {
    // Prepare
    await client.send(
      new PutParameterCommand({ Name: '/app/temporary', Value: 'x', Type: 'String' }),
    );
    // Act
    const byArn = await client.send(new GetParameterCommand({ Name: ssm.arnOf('/app/temporary') }));
    await client.send(new DeleteParameterCommand({ Name: '/app/temporary' }));
    const gone = await errorOf(client.send(new GetParameterCommand({ Name: '/app/temporary' })));
    // Assess
    expect(byArn.Parameter?.Name).toBe('/app/temporary');
    expect(gone.name).toBe('ParameterNotFound');
  });

  it('requires a Type for a new parameter and refuses reserved prefixes', async () => {
    // Act
    const untyped = await errorOf(
      client.send(new PutParameterCommand({ Name: '/app/untyped', Value: 'x' })),
    );
    const reserved = await errorOf(
      client.send(new PutParameterCommand({ Name: '/aws/mine', Value: 'x', Type: 'String' })),
    );
    // Assess
    expect(untyped.name).toBe('ValidationException');
    expect(reserved.name).toBe('ValidationException');
  });

  it('lets the SDK retry an injected InternalServerError', async () => {
    // Prepare (clear() also resets the call counts the rule's `nth` refers to)
    ssm.faults.clear();
    ssm.faults.add({ operation: 'GetParameter', action: { kind: 'status', status: 500 } });
    const before = ssm.requestLog.length;
    // Act
    const answer = await client.send(new GetParameterCommand({ Name: '/app/setting' }));
    // Assess
    expect(answer.$metadata.attempts).toBe(2);
    expect(ssm.requestLog.slice(before).map((e) => [e.operation, e.status])).toEqual([
      ['GetParameter', 500],
      ['GetParameter', 200],
    ]);
  });
});
