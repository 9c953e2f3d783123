/**
 * The package entry: the StytchSecretRotation construct, its props, and what an app needs around
 * it (the deployable stack, the app's context reader, the typed configuration error).
 */
export type { AppClientConfig, ContextReader, RotationAppConfig } from './app-config.ts';
export { loadAppConfig } from './app-config.ts';
export type { StytchClientSpec } from './clients.ts';
export { CLIENT_ID_TAG_KEY, MANAGED_TAG_KEY } from './clients.ts';
export { FunctionBundleMissingError } from './function-bundle.ts';
export type { HealthAlarms } from './health-alarms.ts';
export { CLOUDFORMATION_RESOURCE_LIMIT, maxClients } from './resource-budget.ts';
export type { RotationLogLevel } from './rotation-function.ts';
export {
  DEFAULT_RESERVED_CONCURRENCY,
  StytchSecretRotation,
  type StytchSecretRotationProps,
} from './stytch-secret-rotation.ts';
export {
  StytchSecretRotationStack,
  type StytchSecretRotationStackProps,
} from './stytch-secret-rotation-stack.ts';
export { StytchRotationConfigError } from './validation.ts';
