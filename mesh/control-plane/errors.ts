/** Errors of the control plane and mesh CLI commands, as MeshError factories. */
import { MeshError, Status } from '../../core/errors';

/** invalidPolicyError: a traffic policy failed validation (every error, with field paths). */
export const invalidPolicyError = (service: string, errors: readonly string[]) =>
  new MeshError(Status.INVALID_ARGUMENT, `invalid policy for ${service}:\n  ${errors.join('\n  ')}`, { shouldReport: false });

/** policyFileError: the seed YAML cannot be used. */
export const policyFileError = (file: string, problem: string) =>
  new MeshError(Status.INVALID_ARGUMENT, `MEDIAMESH_POLICY_FILE ${file}: ${problem}`, { shouldReport: false });

/** controlPlaneUnreachable: the CLI could not reach the status endpoint. */
export const controlPlaneUnreachable = (addr: string, cause: unknown) =>
  new MeshError(Status.UNAVAILABLE, `cannot reach the control plane status endpoint at ${addr} (${(cause as Error)?.message ?? cause}); is it running? pass --cp host:port or set MEDIAMESH_CP_STATUS`, { cause });
