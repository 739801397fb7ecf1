/** `mediamesh route`: header-based routing of a service's calls to one version. */
import { UsageError, type Command } from '../command';
import { applyEdit, serviceArg, ZK_OPTIONS } from '../policy-support';
import { withHeaderRoute, withoutHeaderRoutes } from '../../control-plane';

export const command: Command = {
  summary: 'route calls carrying a header to one version of a service',
  usage: `usage: mediamesh route <service> --header name=value --to <version>   exact match
       mediamesh route <service> --header name --to <version>         header present
       mediamesh route <service> --clear                               remove header routes
options: --zk host:port (default MEDIAMESH_ZK), --base-path /mediamesh
Header names are lower case gRPC metadata keys (e.g. x-canary). Header routes are tried
before the canary split.`,
  options: { ...ZK_OPTIONS, header: { type: 'string' }, to: { type: 'string' }, clear: { type: 'boolean' } },
  positionals: 1,
  async run(p) {
    const service = serviceArg(p);
    if (p.flags.clear) return applyEdit(p, service, withoutHeaderRoutes);
    const header = p.flags.header;
    const to = p.flags.to;
    if (typeof header !== 'string' || typeof to !== 'string') throw new UsageError('pass --header name[=value] and --to <version> (or --clear)');
    const eq = header.indexOf('=');
    const name = (eq >= 0 ? header.slice(0, eq) : header).trim().toLowerCase();
    const value = eq >= 0 ? header.slice(eq + 1) : undefined;
    return applyEdit(p, service, (policy) => withHeaderRoute(policy, name, value, to));
  },
};
