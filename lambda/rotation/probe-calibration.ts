/**
 * Which Stytch token endpoints have shown, in this container, that they answer a wrong client secret
 * with `invalid_client`. Only then can a grant-level error from the pending secret count as proof that
 * the secret authenticated. Calibrating once per container saves a call per rotation; a container
 * never serves more than one Stytch project.
 */
export class ProbeCalibration {
  readonly #calibrated = new Set<string>();

  isCalibrated(endpoint: string): boolean {
    return this.#calibrated.has(endpoint);
  }

  markCalibrated(endpoint: string): void {
    this.#calibrated.add(endpoint);
  }
}
