import { type Clock, systemClock } from '../lambda/clock.ts';
import { awsErrorReply, faultErrorCode, routeAwsJson } from './aws-json.ts';
import { type RunningServer, startJsonServer } from './http-server.ts';
import { ssmService } from './ssm/operations.ts';
import { ParameterStore, type PutParameterInput } from './ssm/parameter-store.ts';

export type { ParameterType, PutParameterInput } from './ssm/parameter-store.ts';

export interface SsmOptions {
  /** @default 0 (an ephemeral port) */
  readonly port?: number;
  /** The source of LastModifiedDate. @default systemClock */
  readonly clock?: Clock;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
}

/** A running local SSM Parameter Store (AWS JSON 1.1 on 127.0.0.1) and its test hooks. */
export interface LocalSsm extends RunningServer {
  /** Stores a parameter as PutParameter would, without going over HTTP. */
  putParameter(input: PutParameterInput): { version: number };
  /** The parameter's ARN, as GetParameter reports it. */
  arnOf(name: string): string;
  /**
   * Makes the KMS key of SecureString `name` unusable (as if disabled): reads WithDecryption of
   * any parameter under that key, and writes with it, fail with InvalidKeyId.
   */
  breakKey(name: string): void;
  /** Makes the key usable again. */
  repairKey(name: string): void;
}

/** Starts the local SSM Parameter Store. */
export async function startSsm(options: SsmOptions = {}): Promise<LocalSsm> {
  const store = new ParameterStore(
    options.clock ?? systemClock,
    options.region ?? 'us-east-1',
    options.accountId ?? '000000000000',
  );
  const service = ssmService(store);
  const server = await startJsonServer({
    name: 'ssm',
    port: options.port,
    route: (req) => routeAwsJson(service, req),
    renderError: (status, errorType) => {
      const code = faultErrorCode(status, errorType, 'InternalServerError');
      return awsErrorReply(
        code,
        code === 'ThrottlingException' ? 'Rate exceeded' : 'injected fault',
        status,
        'message',
      );
    },
  });
  return {
    ...server,
    putParameter: (input) => store.put(input),
    arnOf: (name) => store.arnOf(name),
    breakKey: (name) => store.breakKey(name),
    repairKey: (name) => store.repairKey(name),
  };
}
