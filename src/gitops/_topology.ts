/**
 * A Mermaid flowchart of one environment, derived from its objects only
 * (kinds, selectors, env values and NetworkPolicy rules), deterministic:
 *
 * - solid arrows carry traffic: clients → NodePort Service → pods, a pod
 *   whose env names a Service (`API_HOST=api.shop.svc.cluster.local`) → that Service;
 * - dotted arrows are ownership and configuration: Deployment → ReplicaSet →
 *   pods, StatefulSet → pods → claims, ConfigMap → pods, HPA → workload;
 * - thick arrows are what the NetworkPolicies let through (ingress of the
 *   target and egress of the source both allow it), with the ports.
 */
import { JsonObject, obj, objects, objectsAt, recordAt, scalarText, stringMap, valueAt } from '../_json';
import { Selector } from '../_selector';
import { Manifest } from './_serialize';

type Labels = { [key: string]: string };

interface Group {
  readonly id: string;
  readonly ns: string;
  readonly name: string;
  readonly kind: string;
  readonly labels: Labels;
  readonly pod: JsonObject;
  /** Node of the Deployment, StatefulSet ... */
  readonly workloadId: string;
  /** Egress rules of the NetworkPolicies that select the pods (undefined: egress is not restricted). */
  egress?: JsonObject[];
}

interface Policy {
  readonly ns: string;
  readonly spec: JsonObject;
  readonly types: unknown[];
}

const esc = (s: string): string => s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
const label = (...lines: string[]): string => `"${lines.filter(Boolean).map(esc).join('<br/>')}"`;

/** The policy types of a NetworkPolicy spec, with the API server's default when it lists none. */
const policyTypes = (spec: JsonObject): unknown[] =>
  Array.isArray(spec.policyTypes) ? spec.policyTypes : spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);
/** The pod label of a replicated database's role (primary or replica), shown on its pods. */
const ROLE_LABEL = 'cdk8s-tiers/role';
const ROLE_TEXT: { [role: string]: string } = { primary: 'primary', replica: 'read replicas' };
const EXTERNAL = 'ext';

/**
 * A NetworkPolicy's `podSelector` and a peer's: absent means `{}` (every pod): the spec's field is a value, and a peer
 * without one picks every pod of the namespaces it names.
 */
const podSelectorOf = (v: unknown): Selector => Selector.of(v ?? {});
/** The namespace a peer's namespaceSelector selects through the name label the API server sets on every namespace. */
const selectsNamespace = (selector: unknown, ns: string): boolean => Selector.of(selector).matches({ 'kubernetes.io/metadata.name': ns });

/** The Mermaid source (without the code fence) of the objects of one environment. */
export function topology(objects: readonly Manifest[]): string {
  return new Diagram(objects).render();
}

/**
 * Builds the diagram in a few passes over the objects; pods are found
 * through an index of their labels, so the work grows with the number of
 * objects, not with its square.
 */
class Diagram {
  private readonly nodes = new Map<string, Array<{ rank: number; line: string }>>(); // namespace ('' = outside) → nodes
  private readonly edges: string[] = [];
  private readonly edgeIndex = new Map<string, { labels: Set<string>; at: number }>();
  private readonly ids = new Set<string>();
  private readonly groups: Group[] = [];
  /** Pod groups by `namespace`, and by `namespace|key=value` of each pod label. */
  private readonly groupIndex = new Map<string, Group[]>();
  /** Service node by every host name a client may use for it. */
  private readonly serviceHosts = new Map<string, { id: string; ns: string }>();
  private readonly byKind = new Map<string, Manifest[]>();
  private readonly policies: Policy[] = [];

  constructor(objects: readonly Manifest[]) {
    for (const o of objects) {
      const kind = scalarText(o.kind);
      const list = this.byKind.get(kind) ?? [];
      this.byKind.set(kind, list);
      list.push(o);
    }
  }

  public render(): string {
    this.addWorkloads();
    this.addServices();
    this.addConfig();
    this.addAutoscalers();
    this.addConnections();
    this.addNetworkPolicies();
    const lines = ['flowchart LR'];
    const outside = this.nodes.get('') ?? [];
    lines.push(...outside.map((n) => `  ${n.line}`));
    for (const ns of [...this.nodes.keys()].filter((k) => k !== '').sort()) {
      lines.push(`  subgraph ${this.nodeId('ns', '', ns)}[${label(`namespace ${ns}`)}]`);
      const nodes = this.nodes
        .get(ns)!
        .map((n, i) => ({ ...n, i }))
        .sort((a, b) => a.rank - b.rank || a.i - b.i);
      lines.push(...nodes.map((n) => `    ${n.line}`));
      lines.push('  end');
    }
    for (const e of this.edges) lines.push(`  ${e}`);
    return `${lines.join('\n')}\n`;
  }

  private nodeId(prefix: string, ns: string, name: string): string {
    const base = [prefix, ns, name]
      .filter(Boolean)
      .join('_')
      .replace(/[^A-Za-z0-9]+/g, '_');
    let id = base;
    for (let i = 2; this.ids.has(id); i++) id = `${base}_${i}`;
    this.ids.add(id);
    return id;
  }

  /** Declares a node; within a namespace, Services (rank 0) come first, then workloads and pods, then the rest. */
  private node(ns: string, line: string, rank = 1): void {
    const list = this.nodes.get(ns) ?? [];
    this.nodes.set(ns, list);
    list.push({ rank, line });
  }

  private external(): string {
    if (!this.ids.has(EXTERNAL)) {
      this.ids.add(EXTERNAL);
      this.node('', `${EXTERNAL}((${label('clients')}))`);
    }
    return EXTERNAL;
  }

  /** Adds an edge, or a label to the existing edge of the same kind between the same nodes. */
  private edge(from: string, arrow: string, to: string, text?: string): void {
    const key = `${from} ${arrow} ${to}`;
    const existing = this.edgeIndex.get(key);
    if (existing) {
      if (text) existing.labels.add(text);
      this.edges[existing.at] = this.edgeLine(from, arrow, to, existing.labels);
      return;
    }
    const labels = new Set<string>(text ? [text] : []);
    this.edgeIndex.set(key, { labels, at: this.edges.length });
    this.edges.push(this.edgeLine(from, arrow, to, labels));
  }

  private edgeLine(from: string, arrow: string, to: string, labels: Set<string>): string {
    return labels.size ? `${from} ${arrow}|${label([...labels].join(', '))}| ${to}` : `${from} ${arrow} ${to}`;
  }

  private of(kind: string): Manifest[] {
    return this.byKind.get(kind) ?? [];
  }

  private index(key: string, g: Group): void {
    const list = this.groupIndex.get(key) ?? [];
    this.groupIndex.set(key, list);
    list.push(g);
  }

  /** The pod groups in `ns` that `selector` selects. */
  private selected(ns: string, selector: Selector): Group[] {
    if (selector.selectsNothing) return [];
    const key = selector.anyEquality;
    const candidates = this.groupIndex.get(key ? `${ns}|${key[0]}=${key[1]}` : ns) ?? [];
    return candidates.filter((g) => selector.matches(g.labels));
  }

  /** The pod groups a NetworkPolicy peer names, seen from a policy in `ns` (no namespaceSelector: the policy's namespace). */
  private peerGroups(peer: JsonObject, ns: string): Group[] {
    const namespaces =
      peer.namespaceSelector === undefined ? [ns] : [...new Set(this.groups.map((g) => g.ns))].filter((n) => selectsNamespace(peer.namespaceSelector, n));
    return namespaces.flatMap((n) => this.selected(n, podSelectorOf(peer.podSelector)));
  }

  private peerSelects(peer: JsonObject, policyNs: string, g: Group): boolean {
    if (peer.ipBlock !== undefined) return false;
    if (peer.namespaceSelector === undefined ? g.ns !== policyNs : !selectsNamespace(peer.namespaceSelector, g.ns)) return false;
    return podSelectorOf(peer.podSelector).matches(g.labels);
  }

  private addWorkloads(): void {
    for (const kind of [...WORKLOADS]) {
      for (const w of this.of(kind)) this.addWorkload(w, kind);
    }
    for (const c of this.of('PersistentVolumeClaim')) {
      const meta = obj(c.metadata);
      const ns = scalarText(meta.namespace);
      const name = scalarText(meta.name);
      const id = this.nodeId('pvc', ns, name);
      this.node(ns, `${id}[(${label(`PVC ${name}`, scalarText(valueAt(c, 'spec', 'resources', 'requests', 'storage')))})]`, 2);
      for (const g of this.groupIndex.get(ns) ?? []) {
        if (objectsAt(g.pod, 'spec', 'volumes').some((v) => scalarText(valueAt(v, 'persistentVolumeClaim', 'claimName')) === name))
          this.edge(g.id, '-.->', id, 'claims');
      }
    }
    this.addReplication();
  }

  /** Read replicas → their primary: pods of one instance in one namespace, told apart by the role label. */
  private addReplication(): void {
    const instance = (g: Group) => `${g.ns}|${g.labels['app.kubernetes.io/name']}|${g.labels['app.kubernetes.io/instance']}`;
    const primaries = new Map(this.groups.filter((g) => g.labels[ROLE_LABEL] === 'primary').map((g) => [instance(g), g]));
    for (const g of this.groups.filter((x) => x.labels[ROLE_LABEL] === 'replica')) {
      const primary = primaries.get(instance(g));
      if (primary) this.edge(g.id, '-.->', primary.id, 'replicates from');
    }
  }

  private addWorkload(w: Manifest, kind: string): void {
    const meta = obj(w.metadata);
    const ns = scalarText(meta.namespace);
    const name = scalarText(meta.name);
    const spec = obj(w.spec);
    const pod = obj(spec.template);
    const wid = this.nodeId(kind.toLowerCase(), ns, name);
    this.node(ns, `${wid}[${label(`${kind} ${name}`)}]`);
    const gid = this.nodeId('pods', ns, name);
    const group: Group = { id: gid, ns, name, kind, labels: stringMap(obj(pod.metadata).labels), pod, workloadId: wid };
    this.groups.push(group);
    this.index(ns, group);
    for (const [k, v] of Object.entries(group.labels)) this.index(`${ns}|${k}=${v}`, group);
    const replicas = this.replicaText(w, kind, name);
    if (kind === 'Deployment') {
      const rs = this.nodeId('rs', ns, name);
      this.node(ns, `${rs}[${label(`ReplicaSet ${name}-*`)}]`);
      this.node(ns, `${gid}([${label(`pods ${name}-*`, replicas)}])`);
      this.edge(wid, '-.->', rs, 'owns');
      this.edge(rs, '-.->', gid, 'owns');
    } else {
      const role = ROLE_TEXT[group.labels[ROLE_LABEL]] ?? '';
      this.node(ns, `${gid}([${label(kind === 'StatefulSet' ? `pods ${this.ordinals(name, spec.replicas)}` : `pods ${name}-*`, replicas, role)}])`);
      this.edge(wid, '-.->', gid, 'owns');
    }
    for (const t of objects(spec.volumeClaimTemplates)) {
      const claim = scalarText(obj(t.metadata).name);
      const size = scalarText(valueAt(t, 'spec', 'resources', 'requests', 'storage'));
      const pvc = this.nodeId('pvc', ns, `${name}_${claim}`);
      this.node(
        ns,
        `${pvc}[(${label(`PVC ${this.ordinals(`${claim}-${name}`, spec.replicas)}`, size && typeof spec.replicas === 'number' && spec.replicas > 1 ? `${size} each` : size)})]`,
        2,
      );
      this.edge(gid, '-.->', pvc, 'claims');
    }
  }

  private autoscalerOf?: Map<string, Manifest>;

  private replicaText(w: Manifest, kind: string, name: string): string {
    this.autoscalerOf ??= new Map(
      this.of('HorizontalPodAutoscaler').map((h) => {
        const ref = recordAt(h, 'spec', 'scaleTargetRef');
        return [`${scalarText(obj(h.metadata).namespace)}|${scalarText(ref.kind)}|${scalarText(ref.name)}`, h];
      }),
    );
    const hpa = this.autoscalerOf.get(`${scalarText(obj(w.metadata).namespace)}|${kind}|${name}`);
    if (hpa) return `${scalarText(obj(hpa.spec).minReplicas) || '1'} to ${scalarText(obj(hpa.spec).maxReplicas)} replicas (autoscaled)`;
    if (kind === 'DaemonSet') return 'one per node';
    if (kind === 'Job') return 'run to completion';
    const n = typeof obj(w.spec).replicas === 'number' ? (obj(w.spec).replicas as number) : 1;
    return `${n} replica${n === 1 ? '' : 's'}`;
  }

  /** `db-0 … db-2`: the names a StatefulSet gives its pods (and, with the claim's name, its claims). */
  private ordinals(prefix: string, replicas: unknown): string {
    const n = typeof replicas === 'number' ? replicas : 1;
    return n <= 1 ? `${prefix}-0` : `${prefix}-0 … ${prefix}-${n - 1}`;
  }

  private addServices(): void {
    for (const s of this.of('Service')) {
      const meta = obj(s.metadata);
      const ns = scalarText(meta.namespace);
      const name = scalarText(meta.name);
      const spec = obj(s.spec);
      const type = scalarText(spec.type) || 'ClusterIP';
      const headless = spec.clusterIP === 'None';
      const id = this.nodeId('svc', ns, name);
      for (const host of [`${name}.${ns}`, `${name}.${ns}.svc`, `${name}.${ns}.svc.cluster.local`]) this.serviceHosts.set(host, { id, ns });
      if (!this.serviceHosts.has(`${ns}/${name}`)) this.serviceHosts.set(`${ns}/${name}`, { id, ns });
      this.node(ns, `${id}{{${label(`Service ${name}`, headless ? 'headless' : type)}}}`, 0);
      const ports = objects(spec.ports);
      for (const p of ports) {
        if (type === 'NodePort' || type === 'LoadBalancer') this.edge(this.external(), '-->', id, `node port ${scalarText(p.nodePort) || '(any)'}`);
      }
      // a map selector: absent or empty selects no pods (the endpoints are managed elsewhere)
      for (const g of this.selected(ns, Selector.ofMap(spec.selector))) {
        if (headless) this.edge(id, '-->', g.id, 'stable DNS per pod');
        else for (const p of ports) this.edge(id, '-->', g.id, `${scalarText(p.port)} → ${scalarText(p.targetPort ?? p.port)}`);
      }
    }
  }

  private addConfig(): void {
    const users = new Map<string, Group[]>();
    for (const g of this.groups) {
      for (const name of configMapsOf(g.pod)) {
        const list = users.get(`${g.ns}|${name}`) ?? [];
        users.set(`${g.ns}|${name}`, list);
        list.push(g);
      }
    }
    for (const cm of this.of('ConfigMap')) {
      const meta = obj(cm.metadata);
      const ns = scalarText(meta.namespace);
      const name = scalarText(meta.name);
      const groups = users.get(`${ns}|${name}`) ?? [];
      if (groups.length === 0) continue;
      const id = this.nodeId('cm', ns, name);
      this.node(ns, `${id}[/${label(`ConfigMap ${name}`)}/]`, 2);
      for (const g of groups) this.edge(id, '-.->', g.id, 'configures');
    }
  }

  private addAutoscalers(): void {
    const workloads = new Map(this.groups.map((g) => [`${g.ns}|${g.kind}|${g.name}`, g]));
    for (const h of this.of('HorizontalPodAutoscaler')) {
      const meta = obj(h.metadata);
      const ns = scalarText(meta.namespace);
      const spec = obj(h.spec);
      const ref = obj(spec.scaleTargetRef);
      const target = workloads.get(`${ns}|${scalarText(ref.kind)}|${scalarText(ref.name)}`);
      if (!target) continue;
      const id = this.nodeId('hpa', ns, scalarText(meta.name));
      this.node(ns, `${id}[${label(`HPA ${scalarText(meta.name)}`)}]`, 2);
      this.edge(id, '-.->', target.workloadId, `scales ${scalarText(spec.minReplicas) || '1'} to ${scalarText(spec.maxReplicas)}`);
    }
  }

  /** Edges from pods to the Services their env values name (`api`, `api.shop`, `api.shop.svc.cluster.local`). */
  private addConnections(): void {
    for (const g of this.groups) {
      const containers = [...objects(obj(g.pod.spec).initContainers), ...objects(obj(g.pod.spec).containers)];
      for (const c of containers) {
        for (const e of objects(c.env)) {
          const value = scalarText(e.value);
          if (!value) continue;
          const target = this.serviceHosts.get(value.includes('.') ? value : `${g.ns}/${value}`);
          if (target) this.edge(g.id, '-->', target.id, scalarText(e.name));
        }
      }
    }
  }

  private addNetworkPolicies(): void {
    for (const np of this.of('NetworkPolicy')) {
      const spec = obj(np.spec);
      this.policies.push({ ns: scalarText(obj(np.metadata).namespace), spec, types: policyTypes(spec) });
    }
    for (const p of this.policies.filter((x) => x.types.includes('Egress'))) {
      for (const g of this.selected(p.ns, podSelectorOf(p.spec.podSelector)))
        (g.egress ??= []).push(...objects(p.spec.egress).map((rule) => ({ ...rule, policyNs: p.ns })));
    }
    for (const p of this.policies.filter((x) => x.types.includes('Ingress'))) {
      const targets = this.selected(p.ns, podSelectorOf(p.spec.podSelector));
      for (const rule of objects(p.spec.ingress)) {
        const ports = objects(rule.ports);
        const text = ports.length ? ports.map((x) => `${scalarText(x.protocol) || 'TCP'} ${scalarText(x.port) || 'all'}`).join(', ') : 'all ports';
        const from = objects(rule.from);
        if (from.length === 0) {
          for (const t of targets) this.edge(this.external(), '==>', t.id, text);
          continue;
        }
        for (const peer of from) {
          if (peer.ipBlock !== undefined) {
            for (const t of targets) this.edge(this.external(), '==>', t.id, `${text} from ${scalarText(obj(peer.ipBlock).cidr)}`);
          } else if (podSelectorOf(peer.podSelector).selectsEverything) {
            const any = this.anyPod(peer, p.ns);
            for (const t of targets) this.edge(any, '==>', t.id, text);
          } else {
            const sources = this.peerGroups(peer, p.ns);
            for (const t of targets) {
              for (const src of sources) {
                if (ports.length === 0 ? this.egressAllows(src, t, undefined) : ports.some((x) => this.egressAllows(src, t, x)))
                  this.edge(src.id, '==>', t.id, text);
              }
            }
          }
        }
      }
    }
  }

  /** One node for "every pod of a namespace" (or of the namespaces a selector picks), instead of an edge from each. */
  private anyPod(peer: JsonObject, ns: string): string {
    const named = peer.namespaceSelector === undefined ? ns : stringMap(obj(peer.namespaceSelector).matchLabels)['kubernetes.io/metadata.name'];
    const inside = peer.namespaceSelector === undefined || (named !== undefined && this.nodes.has(named));
    const text =
      named !== undefined
        ? `any pod in ${named}`
        : Selector.of(peer.namespaceSelector).selectsEverything
          ? 'any pod in the cluster'
          : 'any pod in the selected namespaces';
    const key = `any_${text}`.replace(/[^A-Za-z0-9]+/g, '_');
    if (!this.ids.has(key)) {
      this.ids.add(key);
      this.node(inside && named !== undefined ? named : '', `${key}([${label(text)}])`, 2);
    }
    return key;
  }

  /** Whether the egress rules of `s` let it reach `t` on `port` (any port when undefined). */
  private egressAllows(s: Group, t: Group, port: JsonObject | undefined): boolean {
    if (s.egress === undefined) return true;
    const targetPorts = objectsAt(t.pod, 'spec', 'containers').flatMap((c) => objects(c.ports));
    const resolve = (v: unknown) => (typeof v === 'string' ? scalarText(targetPorts.find((cp) => cp.name === v)?.containerPort) || v : scalarText(v));
    const same = (a: JsonObject, b: JsonObject): boolean =>
      (scalarText(a.protocol) || 'TCP') === (scalarText(b.protocol) || 'TCP') && resolve(a.port) === resolve(b.port);
    return s.egress.some((rule) => {
      const to = objects(rule.to);
      const reaches = to.length === 0 || to.some((peer) => this.peerSelects(peer, scalarText(rule.policyNs), t));
      const ports = objects(rule.ports);
      return reaches && (ports.length === 0 || port === undefined || ports.some((x) => same(x, port)));
    });
  }
}

/** Names of the ConfigMaps a pod mounts or reads env from. */
function configMapsOf(pod: JsonObject): Set<string> {
  const spec = obj(pod.spec);
  const names = new Set<string>();
  for (const v of objects(spec.volumes)) if (obj(v.configMap).name) names.add(scalarText(obj(v.configMap).name));
  for (const c of [...objects(spec.initContainers), ...objects(spec.containers)]) {
    for (const e of objects(c.envFrom)) if (obj(e.configMapRef).name) names.add(scalarText(obj(e.configMapRef).name));
    for (const e of objects(c.env))
      if (valueAt(e, 'valueFrom', 'configMapKeyRef', 'name')) names.add(scalarText(valueAt(e, 'valueFrom', 'configMapKeyRef', 'name')));
  }
  return names;
}
