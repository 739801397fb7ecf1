/** `mediamesh canary`: version weights for a service (canary), promote, roll back. */
import { UsageError, type Command } from '../command';
import { applyEdit, serviceArg, withZk, ZK_OPTIONS } from '../policy-support';
import { parseWeights, promote, readPolicy, rollback, withWeights } from '../../control-plane';

export const command: Command = {
  summary: 'split traffic between versions of a service (canary), promote or roll back',
  usage: `usage: mediamesh canary <service> --weights v1=90,v2=10   set the split (weights sum to 100)
       mediamesh canary <service> --promote v2            all traffic to v2
       mediamesh canary <service> --rollback              all traffic back to the first (stable) version
       mediamesh canary <service> --show                  print the stored policy
options: --zk host:port (default MEDIAMESH_ZK), --base-path /mediamesh
Versions are the MEDIAMESH_VERSION of instances. The policy is validated before it is
written to ZooKeeper (/mediamesh/policy/<service>); the control plane pushes it at once.`,
  options: { ...ZK_OPTIONS, weights: { type: 'string' }, promote: { type: 'string' }, rollback: { type: 'boolean' }, show: { type: 'boolean' } },
  positionals: 1,
  async run(p) {
    const service = serviceArg(p);
    const chosen = ['weights', 'promote', 'rollback', 'show'].filter((f) => p.flags[f] !== undefined);
    if (chosen.length !== 1) throw new UsageError('choose exactly one of --weights, --promote, --rollback, --show');
    if (p.flags.show) {
      const stored = await withZk(p, (s, base) => readPolicy(s, base, service));
      process.stdout.write(stored ? JSON.stringify(stored.policy, null, 2) + '\n' : `${service} has no policy (round robin over every instance)\n`);
      return 0;
    }
    if (typeof p.flags.weights === 'string') {
      let subsets;
      try {
        subsets = parseWeights(p.flags.weights);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      return applyEdit(p, service, (policy) => withWeights(policy, subsets));
    }
    if (typeof p.flags.promote === 'string') {
      const version = p.flags.promote;
      return applyEdit(p, service, (policy) => promote(policy, version));
    }
    return applyEdit(p, service, rollback);
  },
};
