import { AwsServiceError, checkRange, epochSeconds, type Input } from '../aws-json.ts';
import type { OperationContext } from './operation-context.ts';
import { secretMetadata } from './secret-operations.ts';
import { type Secret, versionIdsToStages } from './state.ts';

/** AWS API reference, ListSecrets/ListSecretVersionIds: MaxResults 1-100. */
const MAX_RESULTS = 100;
const FILTER_KEYS = new Set([
  'description',
  'name',
  'tag-key',
  'tag-value',
  'primary-region',
  'owning-service',
  'all',
]);
const FILTER_VALUE = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;

/**
 * One page of `items`. The token is the offset, opaque to the caller; a token that does not decode
 * is InvalidNextTokenException.
 */
export function paginate<T>(
  items: readonly T[],
  input: Input,
): { page: readonly T[]; nextToken: string | undefined } {
  const maxResults = input.optionalInteger('MaxResults');
  checkRange('MaxResults', maxResults, 1, MAX_RESULTS);
  const token = input.optionalString('NextToken');
  const offset = token === undefined ? 0 : decodeToken(token);
  const end = offset + (maxResults ?? MAX_RESULTS);
  return {
    page: items.slice(offset, end),
    nextToken: end < items.length ? Buffer.from(`offset:${end}`).toString('base64url') : undefined,
  };
}

function decodeToken(token: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match) throw new AwsServiceError('InvalidNextTokenException', 'The NextToken is not valid.');
  return Number(match[1]);
}

type Matcher = (secret: Secret) => boolean;

/**
 * ListSecrets filters (AWS API reference, Filter): name, tag-key, tag-value, primary-region,
 * owning-service are case-sensitive prefix matches, description is a case-insensitive prefix
 * match, `all` splits the value into words and prefix-matches them case-insensitively against the
 * words of every attribute. A value starting with `!` negates. Filters combine with AND; the
 * values of one filter with OR (the negated ones with AND).
 */
function readFilters(input: Input): Matcher[] {
  return (input.optionalObjectList('Filters') ?? []).map((filter) => {
    const key = filter.string('Key');
    if (!FILTER_KEYS.has(key)) {
      throw new AwsServiceError(
        'ValidationException',
        `unsupported filter key ${JSON.stringify(key)}`,
      );
    }
    const values = filter.optionalStringList('Values') ?? [];
    if (values.length < 1 || values.length > 10 || values.some((v) => !FILTER_VALUE.test(v))) {
      throw new AwsServiceError('ValidationException', `filter ${key} needs 1 to 10 valid values`);
    }
    const positive = values.filter((v) => !v.startsWith('!'));
    const negative = values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
    return (secret) => {
      const attributes = attributesFor(key, secret);
      const hit = (value: string) => matches(key, attributes, value);
      return (positive.length === 0 || positive.some(hit)) && !negative.some(hit);
    };
  });
}

function attributesFor(key: string, secret: Secret): string[] {
  switch (key) {
    case 'name':
      return [secret.name];
    case 'description':
      return secret.description === undefined ? [] : [secret.description];
    case 'tag-key':
      return [...secret.tags.keys()];
    case 'tag-value':
      return [...secret.tags.values()];
    case 'all':
      return [
        secret.name,
        secret.description ?? '',
        ...secret.tags.keys(),
        ...secret.tags.values(),
      ];
    default:
      // primary-region and owning-service: the emulator has no replicas and no managing service.
      return [];
  }
}

function matches(key: string, attributes: string[], value: string): boolean {
  if (key === 'description') {
    return attributes.some((a) => a.toLowerCase().startsWith(value.toLowerCase()));
  }
  if (key === 'all') {
    const words = attributes.flatMap(splitWords);
    return splitWords(value).some((word) => words.some((w) => w.startsWith(word)));
  }
  return attributes.some((a) => a.startsWith(value));
}

/** Words as AWS's search sees them: split at punctuation, case changes and letter/digit changes. */
function splitWords(text: string): string[] {
  return (text.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g) ?? []).map((w) => w.toLowerCase());
}

/** ListSecrets: by CreatedDate (ascending unless SortOrder is desc), without deleted secrets. */
export function listSecrets(ctx: OperationContext, input: Input): object {
  const includeDeleted = input.optionalBoolean('IncludePlannedDeletion') ?? false;
  const sortOrder = input.optionalString('SortOrder') ?? 'asc';
  if (sortOrder !== 'asc' && sortOrder !== 'desc') {
    throw new AwsServiceError('ValidationException', 'SortOrder must be asc or desc');
  }
  const filters = readFilters(input);
  const secrets = ctx.state
    .all()
    .filter((secret) => includeDeleted || !secret.deletedDate)
    .filter((secret) => filters.every((matcher) => matcher(secret)));
  // Array.prototype.sort is stable, so secrets created in the same instant keep creation order.
  secrets.sort((a, b) => a.createdDate.getTime() - b.createdDate.getTime());
  if (sortOrder === 'desc') secrets.reverse();
  const { page, nextToken } = paginate(secrets, input);
  return {
    SecretList: page.map((secret) => ({
      ...secretMetadata(secret),
      SecretVersionsToStages: versionIdsToStages(secret),
    })),
    NextToken: nextToken,
  };
}

/**
 * ListSecretVersionIds, newest first. Versions without a label are deprecated and listed only with
 * IncludeDeprecated (AWS API reference).
 */
export function listSecretVersionIds(ctx: OperationContext, input: Input): object {
  const secret = ctx.state.findLive(input.string('SecretId'));
  const includeDeprecated = input.optionalBoolean('IncludeDeprecated') ?? false;
  const versions = [...secret.versions.values()]
    .filter((version) => includeDeprecated || version.stages.size > 0)
    .reverse();
  const { page, nextToken } = paginate(versions, input);
  return {
    ARN: secret.arn,
    Name: secret.name,
    Versions: page.map((version) => ({
      VersionId: version.versionId,
      VersionStages: version.stages.size > 0 ? [...version.stages] : undefined,
      CreatedDate: epochSeconds(version.createdDate),
      LastAccessedDate: epochSeconds(version.lastAccessedDate),
    })),
    NextToken: nextToken,
  };
}
