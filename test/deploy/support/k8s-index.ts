/**
 * k8s-index: the Kubernetes objects of deploy/k8s loaded into one index (kind/name), with the
 * lookups the checks need: ConfigMap/Secret data for envFrom and volumes, the pod template a
 * Service selects, and whether `host:port` names a Service port (or a StatefulSet pod behind
 * its headless Service).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { asList, asObj, readYaml, type Obj } from './yaml-files';

export interface K8sObject {
  readonly kind: string;
  readonly name: string;
  readonly file: string;
  readonly body: Obj;
}

export interface K8sIndex {
  readonly objects: K8sObject[];
  readonly errors: string[];
  get(kind: string, name: string): K8sObject | undefined;
  /** dataOf returns a ConfigMap's data or a Secret's stringData (base64 data decoded). */
  dataOf(kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> | undefined;
  /** workloads are Deployments and StatefulSets. */
  readonly workloads: K8sObject[];
  /** hostPortServed tells whether a pod reaches host:port through a Service of the namespace. */
  hostPortServed(host: string, port: number): boolean;
}

/** podTemplateLabels returns the labels of a workload's pod template. */
export const podTemplateLabels = (w: K8sObject): Record<string, string> =>
  asObj(asObj(asObj(asObj(w.body.spec).template).metadata).labels) as Record<string, string>;

/** selects tells whether a label selector (plain map) matches labels. */
export const selects = (selector: Record<string, unknown>, labels: Record<string, string>): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** loadK8s reads every *.yaml in dir (kustomization.yaml aside) into an index. */
export function loadK8s(root: string, dir: string, namespace = 'mediamesh'): K8sIndex {
  const objects: K8sObject[] = [];
  const errors: string[] = [];
  for (const f of fs.readdirSync(dir).filter((x) => /\.ya?ml$/.test(x) && x !== 'kustomization.yaml').sort()) {
    const rel = path.relative(root, path.join(dir, f));
    const parsed = readYaml(path.join(dir, f), rel);
    errors.push(...parsed.errors);
    for (const [i, d] of parsed.docs.entries()) {
      const body = asObj(d);
      const kind = String(body.kind ?? '');
      const name = String(asObj(body.metadata).name ?? '');
      if (!body.apiVersion || !kind || !name) {
        errors.push(`${rel} document ${i + 1}: apiVersion, kind and metadata.name are required`);
        continue;
      }
      if (objects.some((o) => o.kind === kind && o.name === name)) errors.push(`${rel}: duplicate ${kind}/${name}`);
      objects.push({ kind, name, file: rel, body });
    }
  }
  const get = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.name === name);
  const workloads = objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet');
  const suffix = new RegExp(`(\\.${namespace}(\\.svc(\\.cluster\\.local)?)?)$`);
  const servicePorts = (name: string) => asList(asObj(get('Service', name)?.body.spec).ports).map((p) => Number(asObj(p).port));
  return {
    objects,
    errors,
    get,
    workloads,
    dataOf(kind, name) {
      const o = get(kind, name);
      if (!o) return undefined;
      if (kind === 'ConfigMap') return asObj(o.body.data) as Record<string, string>;
      const decoded = Object.fromEntries(Object.entries(asObj(o.body.data)).map(([k, v]) => [k, Buffer.from(String(v), 'base64').toString()]));
      return { ...decoded, ...(asObj(o.body.stringData) as Record<string, string>) };
    },
    hostPortServed(host, port) {
      const labels = host.replace(suffix, '').split('.');
      if (labels.length === 1) return servicePorts(labels[0]).includes(port);
      if (labels.length !== 2) return false;
      // <pod>.<headless service>: a StatefulSet pod named by its governing Service.
      const [pod, svc] = labels;
      const sts = workloads.find((w) => w.kind === 'StatefulSet' && asObj(w.body.spec).serviceName === svc && new RegExp(`^${w.name}-\\d+$`).test(pod));
      const ordinal = Number(pod.slice(pod.lastIndexOf('-') + 1));
      return !!sts && ordinal < Number(asObj(sts.body.spec).replicas ?? 1) && servicePorts(svc).includes(port);
    },
  };
}
