/**
 * Finds the rotation function in a synthesized cloud assembly (`cdk synth` → cdk.out): its bundled
 * asset directory, the entry file and the environment CloudFormation will set. The sandbox runs
 * exactly that bundle with exactly that environment, so what it exercises is what `cdk deploy` ships.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The rotation function as synthesized. */
export interface SynthesizedFunction {
  /** The stack's artifact id in the assembly. */
  readonly stackName: string;
  /** The function's logical id in the template. */
  readonly logicalId: string;
  /** The function's description. */
  readonly description: string;
  /** The function's timeout in seconds. */
  readonly timeoutSeconds: number;
  /** Absolute path of the bundled asset directory (what Lambda unzips to /var/task). */
  readonly assetDirectory: string;
  /** Absolute path of the entry file the handler lives in (`index.mjs` or `index.js`). */
  readonly bundlePath: string;
  /** The exported handler name, from `Handler` (`index.handler` → `handler`). */
  readonly handlerExport: string;
  /** Variables whose values are literal strings in the template. */
  readonly environment: Readonly<Record<string, string>>;
  /** Variables whose values are CloudFormation intrinsics, known only at deploy; the caller sets them. */
  readonly unresolvedVariables: readonly string[];
}

/** Which stack and function to read. */
export interface SynthOutputOptions {
  /** The stack's artifact id or deployed name. @default - the only stack in the assembly */
  readonly stackName?: string;
  /** Pick one function when a stack holds several rotation constructs. @default - the only one */
  readonly logicalId?: string;
}

/** The assembly does not hold what was asked for; the message says what to run or pass. */
export class SynthOutputError extends Error {
  override readonly name = 'SynthOutputError';
}

/** The marker variable the construct always sets on the rotation function. */
const MARKER_VARIABLE = 'STYTCH_MANAGED_TAG';
const ENTRY_EXTENSIONS = ['.mjs', '.js', '.cjs'];

interface Artifact {
  readonly type: string;
  readonly properties?: Record<string, unknown>;
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

/**
 * Reads the rotation function from a synthesized assembly.
 * @throws SynthOutputError when the assembly, stack, function or bundle is missing
 */
export function readSynthesizedFunction(
  cdkOutDirectory = 'cdk.out',
  options: SynthOutputOptions = {},
): SynthesizedFunction {
  const cdkOut = resolve(cdkOutDirectory);
  const manifest = readJson(join(cdkOut, 'manifest.json'), 'run `npx cdk synth` first');
  const artifacts = (manifest.artifacts ?? {}) as Record<string, Artifact>;
  const stacks = Object.entries(artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const wanted = options.stackName;
  const matching = stacks.filter(
    ([id, a]) => wanted === undefined || id === wanted || a.properties?.stackName === wanted,
  );
  if (matching.length !== 1) {
    const names = stacks.map(([id]) => id).join(', ') || 'none';
    throw new SynthOutputError(
      wanted === undefined
        ? `${cdkOut} must hold exactly one stack, found: ${names}; pass the stack name`
        : `${cdkOut} holds no stack "${wanted}" (stacks: ${names})`,
    );
  }
  const [stackId, artifact] = matching[0] as [string, Artifact];
  const template = readJson(
    join(cdkOut, String(artifact.properties?.templateFile)),
    'synthesize again',
  );
  const resources = (template.Resources ?? {}) as Record<string, TemplateResource>;
  const [logicalId, resource] = pickFunction(resources, options.logicalId, stackId);
  const properties = resource.Properties ?? {};

  const assetDirectory = assetDirectoryOf(cdkOut, artifacts, resource);
  const [moduleName, handlerExport] = splitHandler(String(properties.Handler ?? ''), logicalId);
  const bundlePath = ENTRY_EXTENSIONS.map((ext) =>
    join(assetDirectory, `${moduleName}${ext}`),
  ).find((path) => existsSync(path));
  if (bundlePath === undefined) {
    throw new SynthOutputError(
      `the bundle of ${logicalId} in ${assetDirectory} has no ${moduleName}` +
        `{${ENTRY_EXTENSIONS.join(',')}}; was bundling skipped? run \`npx cdk synth\` again`,
    );
  }

  const variables = variablesOf(resource);
  const environment: Record<string, string> = {};
  const unresolvedVariables: string[] = [];
  for (const [name, value] of Object.entries(variables)) {
    if (typeof value === 'string') environment[name] = value;
    else unresolvedVariables.push(name);
  }
  return {
    stackName: stackId,
    logicalId,
    description: String(properties.Description ?? ''),
    timeoutSeconds: typeof properties.Timeout === 'number' ? properties.Timeout : 3,
    assetDirectory,
    bundlePath,
    handlerExport,
    environment,
    unresolvedVariables,
  };
}

function pickFunction(
  resources: Readonly<Record<string, TemplateResource>>,
  logicalIdWanted: string | undefined,
  stackId: string,
): [string, TemplateResource] {
  const candidates = Object.entries(resources).filter(
    ([, r]) =>
      r.Type === 'AWS::Lambda::Function' && typeof variablesOf(r)[MARKER_VARIABLE] === 'string',
  );
  const chosen =
    logicalIdWanted === undefined
      ? candidates.length === 1
        ? candidates[0]
        : undefined
      : candidates.find(([id]) => id === logicalIdWanted);
  if (chosen === undefined) {
    const ids = candidates.map(([id]) => id).join(', ') || 'none';
    throw new SynthOutputError(
      logicalIdWanted === undefined
        ? `stack ${stackId} must hold exactly one rotation function, found: ${ids}; pass logicalId`
        : `stack ${stackId} has no rotation function ${logicalIdWanted} (found: ${ids})`,
    );
  }
  return chosen;
}

/** The asset directory from the asset metadata, or else from the asset manifest by S3 key. */
function assetDirectoryOf(
  cdkOut: string,
  artifacts: Readonly<Record<string, Artifact>>,
  resource: TemplateResource,
): string {
  const fromMetadata = resource.Metadata?.['aws:asset:path'];
  if (typeof fromMetadata === 'string') return resolve(cdkOut, fromMetadata);
  const key = (resource.Properties?.Code as Record<string, unknown> | undefined)?.S3Key;
  const hash = typeof key === 'string' ? key.replace(/\.zip$/, '') : undefined;
  for (const artifact of Object.values(artifacts)) {
    if (artifact.type !== 'cdk:asset-manifest') continue;
    const assets = readJson(join(cdkOut, String(artifact.properties?.file)), 'synthesize again');
    const files = (assets.files ?? {}) as Record<string, { source?: { path?: unknown } }>;
    const path = hash === undefined ? undefined : files[hash]?.source?.path;
    if (typeof path === 'string') return resolve(cdkOut, path);
  }
  throw new SynthOutputError(
    `cannot find the code asset of the rotation function (S3 key ${String(key)}) in ${cdkOut}`,
  );
}

function splitHandler(handler: string, logicalId: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) {
    throw new SynthOutputError(
      `${logicalId} has Handler "${handler}", expected "<module>.<export>"`,
    );
  }
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

function variablesOf(resource: TemplateResource): Record<string, unknown> {
  const environment = resource.Properties?.Environment as
    | { Variables?: Record<string, unknown> }
    | undefined;
  return environment?.Variables ?? {};
}

function readJson(path: string, hint: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new SynthOutputError(`cannot read ${path}: ${hint}`);
  }
  return JSON.parse(text) as Record<string, unknown>;
}
