/**
 * The policy seed file (YAML, see deploy/mesh-policy.example.yaml):
 *   services:
 *     image: { lb: { policy: round_robin }, retry: { on: [unavailable], attempts: 2 } }
 * Every service's policy is validated; one bad entry rejects the file with every error.
 * seedPolicies writes only services that have no policy yet: live changes made with the
 * CLI survive a control-plane restart.
 */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import type { ZkSession } from '../../registry';
import { policyFileError } from '../errors';
import { policyPath, writePolicy } from './policy-store';
import type { ServicePolicy } from './types';
import { validatePolicy } from './validate-policy';

/** loadPolicyFile reads and validates a seed file. */
export function loadPolicyFile(file: string): Map<string, ServicePolicy> {
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw policyFileError(file, (err as Error).message);
  }
  const services = (doc as { services?: unknown } | null)?.services;
  if (typeof services !== 'object' || services === null || Array.isArray(services)) throw policyFileError(file, 'expected a top-level `services:` map of service name → policy');
  const out = new Map<string, ServicePolicy>();
  const errors: string[] = [];
  for (const [name, raw] of Object.entries(services)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)) errors.push(`services.${name}: not a valid service name`);
    const checked = validatePolicy(raw ?? {});
    if (checked.ok) out.set(name, checked.value);
    else errors.push(...checked.errors.map((e) => `services.${name}.${e}`));
  }
  if (errors.length) throw policyFileError(file, `\n  ${errors.join('\n  ')}`);
  return out;
}

/** seedPolicies stores the file's policies for services without one; returns the names written. */
export async function seedPolicies(session: ZkSession, base: string, policies: Map<string, ServicePolicy>): Promise<string[]> {
  const written: string[] = [];
  for (const [service, policy] of policies) {
    if (await session.exists(policyPath(base, service))) continue;
    await writePolicy(session, base, service, policy);
    written.push(service);
  }
  return written;
}
