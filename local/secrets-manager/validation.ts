import { AwsServiceError, checkLength, type Input } from '../aws-json.ts';

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]+$/;

/** AWS API reference, CreateSecret `Name`: 1-512 of ASCII letters, digits and `/_+=.@-`. */
export function checkSecretName(name: string): void {
  checkLength('Name', name, 1, 512);
  if (!SECRET_NAME.test(name)) {
    throw new AwsServiceError(
      'InvalidParameterException',
      'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
    );
  }
}

/** `ClientRequestToken` / `VersionId`: 32-64 characters (AWS API reference, PutSecretValue). */
export function checkVersionId(member: string, token: string | undefined): void {
  checkLength(member, token, 32, 64);
}

/**
 * Reads `SecretString`, at most 65,536 bytes (AWS API reference, PutSecretValue). The emulator
 * stores strings only: `SecretBinary` is refused outright rather than silently mishandled.
 */
export function readSecretString(input: Input): string | undefined {
  if (input.has('SecretBinary')) {
    throw new AwsServiceError(
      'InvalidParameterException',
      'the local Secrets Manager supports SecretString only, not SecretBinary',
    );
  }
  const value = input.optionalString('SecretString');
  checkLength('SecretString', value, 1, 65_536, 'bytes');
  return value;
}

/** AWS API reference, TagResource: keys 1-128 characters, values up to 256. */
export function readTags(input: Input): Array<[string, string]> {
  return (input.optionalObjectList('Tags') ?? []).map((tag) => {
    const key = tag.string('Key');
    const value = tag.optionalString('Value') ?? '';
    checkLength('Key', key, 1, 128);
    checkLength('Value', value, 0, 256);
    return [key, value];
  });
}

/** AWS quotas: at most 50 tags per secret. */
export const MAX_TAGS_PER_SECRET = 50;

/** InvalidParameterException with `message`. */
export function invalidParameter(message: string): AwsServiceError {
  return new AwsServiceError('InvalidParameterException', message);
}

/** InvalidRequestException with `message`. */
export function invalidRequest(message: string): AwsServiceError {
  return new AwsServiceError('InvalidRequestException', message);
}
