/**
 * `npm run local-cloud`: serves the local cloud until interrupted, for trying the operator CLI or an
 * SDK by hand. Flags: --secrets-manager-port, --ssm-port, --stytch-port (default: ephemeral).
 */
import { parseArgs } from 'node:util';
import { startLocalCloud } from './cloud.ts';

const { values } = parseArgs({
  options: {
    'secrets-manager-port': { type: 'string' },
    'ssm-port': { type: 'string' },
    'stytch-port': { type: 'string' },
  },
});

const port = (flag: keyof typeof values): number | undefined => {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    console.error(`--${flag} must be a port number from 0 to 65535, got ${raw}`);
    process.exit(2);
  }
  return value;
};

const cloud = await startLocalCloud({
  ports: {
    secretsManager: port('secrets-manager-port'),
    ssm: port('ssm-port'),
    stytch: port('stytch-port'),
  },
});
console.log('local cloud on 127.0.0.1 (Ctrl-C to stop):');
console.log(`  Secrets Manager  ${cloud.secretsManager.url}`);
console.log(`  SSM              ${cloud.ssm.url}`);
console.log(`  Stytch           ${cloud.stytch.url}`);
console.log('point the AWS SDK at it with:');
for (const [name, value] of Object.entries(cloud.awsEnv)) console.log(`  export ${name}=${value}`);

const stop = async () => {
  await cloud.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
