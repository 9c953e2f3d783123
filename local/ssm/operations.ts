import { type AwsJsonService, AwsServiceError, type Input } from '../aws-json.ts';
import type { ParameterStore, ParameterType } from './parameter-store.ts';

/** GetParameter: `{Parameter}`; ParameterNotFound for an unknown name. */
export function getParameter(store: ParameterStore, input: Input): object {
  const withDecryption = input.optionalBoolean('WithDecryption') ?? false;
  return { Parameter: store.get(input.string('Name'), withDecryption) };
}

/**
 * GetParameters (SSM API reference): 1-10 names; the unknown ones come back in InvalidParameters.
 * Strictest plausible: one parameter whose key cannot decrypt fails the whole call.
 */
export function getParameters(store: ParameterStore, input: Input): object {
  const names = input.optionalStringList('Names');
  if (!names || names.length < 1 || names.length > 10) {
    throw new AwsServiceError('ValidationException', 'Names must list 1 to 10 parameter names');
  }
  const withDecryption = input.optionalBoolean('WithDecryption') ?? false;
  const unique = [...new Set(names)];
  return {
    Parameters: unique.filter((n) => store.has(n)).map((n) => store.get(n, withDecryption)),
    InvalidParameters: unique.filter((n) => !store.has(n)),
  };
}

/** PutParameter: `{Version, Tier}`. */
export function putParameter(store: ParameterStore, input: Input): object {
  const { version } = store.put({
    name: input.string('Name'),
    value: input.string('Value'),
    type: input.optionalString('Type') as ParameterType | undefined,
    overwrite: input.optionalBoolean('Overwrite'),
    keyId: input.optionalString('KeyId'),
    description: input.optionalString('Description'),
  });
  return { Version: version, Tier: 'Standard' };
}

/** DeleteParameter: `{}`; ParameterNotFound for an unknown name. */
export function deleteParameter(store: ParameterStore, input: Input): object {
  store.delete(input.string('Name'));
  return {};
}

/** The SSM operations bound to one store, for the AWS JSON 1.1 router. */
export function ssmService(store: ParameterStore): AwsJsonService {
  return {
    targetPrefix: 'AmazonSSM',
    messageKey: 'message',
    operations: {
      DeleteParameter: (input) => deleteParameter(store, input),
      GetParameter: (input) => getParameter(store, input),
      GetParameters: (input) => getParameters(store, input),
      PutParameter: (input) => putParameter(store, input),
    },
  };
}
