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
import { isObject, JsonObject, obj, objects, objectsAt, recordAt, scalarText, stringMap, valueAt } from '../_json';
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
  egress?: EgressRule[];
  /** The container ports of the pods (for named ports), read on first need. */
  ports?: JsonObject[];
}

interface Policy {
  readonly ns: string;
  readonly spec: JsonObject;
  readonly types: unknown[];
}

/** A NetworkPolicy peer, its selectors parsed once. */
interface Peer {
  readonly ipBlock: boolean;
  /** The namespaces it picks; undefined: the policy's own. */
  readonly namespaces: Selector | undefined;
  readonly pods: Selector;
}

/** An egress rule of a NetworkPolicy in `policyNs`, shared by every pod group the policy selects. */
interface EgressRule {
  readonly policyNs: string;
  readonly to: readonly Peer[];
  readonly ports: readonly JsonObject[];
}

/** An arrow between two nodes and its labels (in the order first given), rendered once at the end. */
interface Edge {
  readonly from: string;
  readonly arrow: string;
  readonly to: string;
  readonly labels: string[];
}

const ESCAPED = /["<>]/;
const esc = (s: string): string => (ESCAPED.test(s) ? s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;') : s);
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
const peerOf = (peer: JsonObject): Peer => ({
  ipBlock: peer.ipBlock !== undefined,
  namespaces: peer.namespaceSelector === undefined ? undefined : Selector.of(peer.namespaceSelector),
  pods: podSelectorOf(peer.podSelector),
});

/** The labels of a namespace that a namespaceSelector sees: the name label the API server sets on every namespace. */
const namespaceLabels = (ns: string): Labels => ({ 'kubernetes.io/metadata.name': ns });

/** A port of a NetworkPolicy rule as its number, a named port resolved through the target's container ports. */
function portNumber(v: unknown, targetPorts: readonly JsonObject[]): string {
  if (typeof v !== 'string') return scalarText(v);
  for (const cp of targetPorts) if (cp.name === v) return scalarText(cp.containerPort) || v;
  return v;
}

/** Whether two NetworkPolicy ports name the same protocol and port of the target. */
const samePort = (a: JsonObject, b: JsonObject, targetPorts: readonly JsonObject[]): boolean =>
  (scalarText(a.protocol) || 'TCP') === (scalarText(b.protocol) || 'TCP') && portNumber(a.port, targetPorts) === portNumber(b.port, targetPorts);

/** The Mermaid source (without the code fence) of the objects of one environment. */
export function topology(objects: readonly Manifest[]): string {
  return new Diagram(objects).render();
}

/**
 * Builds the diagram in a few passes over the objects; pods are found
 * through an index of their labels, so the work grows with the number of
 * objects, not with its square. Edges are kept as records and rendered
 * once at the end, so adding one (or a label to one) builds no text.
 */
class Diagram {
  private readonly nodes = new Map<string, Array<{ rank: number; line: string }>>(); // namespace ('' = outside) → nodes
  private readonly edges: Edge[] = [];
  /** Edge by `from arrow to`. */
  private readonly edgeIndex = new Map<string, Edge>();
  private readonly ids = new Set<string>();
  private readonly groups: Group[] = [];
  /** Pod groups by namespace, and by label key and value within it. */
  private readonly groupIndex = new Map<string, { all: Group[]; byLabel: Map<string, Map<string, Group[]>> }>();
  /** Service node by every host name a client may use for it. */
  private readonly serviceHosts = new Map<string, { id: string; ns: string }>();
  private readonly byKind = new Map<string, Manifest[]>();
  private readonly policies: Policy[] = [];
  private readonly namespaceLabels = new Map<string, Labels>();
  /** The namespaces of the pod groups, in order of appearance. */
  private groupNamespaces?: string[];

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
    for (const n of this.nodes.get('') ?? []) lines.push(`  ${n.line}`);
    for (const ns of [...this.nodes.keys()].filter((k) => k !== '').sort()) {
      lines.push(`  subgraph ${this.nodeId('ns', '', ns)}[${label(`namespace ${ns}`)}]`);
      // a stable sort: within a rank, in the order declared
      for (const n of this.nodes.get(ns)!.sort((a, b) => a.rank - b.rank)) lines.push(`    ${n.line}`);
      lines.push('  end');
    }
    for (const e of this.edges) {
      lines.push(e.labels.length ? `  ${e.from} ${e.arrow}|"${esc(e.labels.join(', '))}"| ${e.to}` : `  ${e.from} ${e.arrow} ${e.to}`);
    }
    return `${lines.join('\n')}\n`;
  }

  private nodeId(prefix: string, ns: string, name: string): string {
    const base = (ns ? (name ? `${prefix}_${ns}_${name}` : `${prefix}_${ns}`) : name ? `${prefix}_${name}` : prefix).replace(/[^A-Za-z0-9]+/g, '_');
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
      if (text && !existing.labels.includes(text)) existing.labels.push(text);
      return;
    }
    const e: Edge = { from, arrow, to, labels: text ? [text] : [] };
    this.edgeIndex.set(key, e);
    this.edges.push(e);
  }

  private of(kind: string): Manifest[] {
    return this.byKind.get(kind) ?? [];
  }

  private index(g: Group): void {
    let inNs = this.groupIndex.get(g.ns);
    if (!inNs) this.groupIndex.set(g.ns, (inNs = { all: [], byLabel: new Map() }));
    inNs.all.push(g);
    for (const k in g.labels) {
      let byValue = inNs.byLabel.get(k);
      if (!byValue) inNs.byLabel.set(k, (byValue = new Map()));
      const v = g.labels[k];
      const list = byValue.get(v);
      if (list) list.push(g);
      else byValue.set(v, [g]);
    }
  }

  /** The pod groups in `ns` that `selector` selects. */
  private selected(ns: string, selector: Selector): Group[] {
    if (selector.selectsNothing) return [];
    const inNs = this.groupIndex.get(ns);
    if (!inNs) return [];
    const key = selector.anyEquality;
    const candidates = key ? inNs.byLabel.get(key[0])?.get(key[1]) : inNs.all;
    return candidates ? candidates.filter((g) => selector.matches(g.labels)) : [];
  }

  private labelsOfNamespace(ns: string): Labels {
    let labels = this.namespaceLabels.get(ns);
    if (!labels) this.namespaceLabels.set(ns, (labels = namespaceLabels(ns)));
    return labels;
  }

  /** The pod groups a NetworkPolicy peer names, seen from a policy in `ns` (no namespaceSelector: the policy's namespace). */
  private peerGroups(peer: Peer, ns: string): Group[] {
    if (peer.namespaces === undefined) return this.selected(ns, peer.pods);
    this.groupNamespaces ??= [...new Set(this.groups.map((g) => g.ns))];
    const out: Group[] = [];
    for (const n of this.groupNamespaces) if (peer.namespaces.matches(this.labelsOfNamespace(n))) out.push(...this.selected(n, peer.pods));
    return out;
  }

  private peerSelects(peer: Peer, policyNs: string, g: Group): boolean {
    if (peer.ipBlock) return false;
    if (peer.namespaces === undefined ? g.ns !== policyNs : !peer.namespaces.matches(this.labelsOfNamespace(g.ns))) return false;
    return peer.pods.matches(g.labels);
  }

  private addWorkloads(): void {
    for (const kind of WORKLOADS) {
      for (const w of this.of(kind)) this.addWorkload(w, kind);
    }
    const claims = this.of('PersistentVolumeClaim');
    if (claims.length > 0) {
      // the pod groups that mount each claim, by `namespace|claimName`, in the order of the groups
      const users = new Map<string, Group[]>();
      for (const g of this.groups) {
        const seen = new Set<string>();
        for (const v of objectsAt(g.pod, 'spec', 'volumes')) {
          const key = `${g.ns}|${scalarText(valueAt(v, 'persistentVolumeClaim', 'claimName'))}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const list = users.get(key);
          if (list) list.push(g);
          else users.set(key, [g]);
        }
      }
      for (const c of claims) {
        const meta = obj(c.metadata);
        const ns = scalarText(meta.namespace);
        const name = scalarText(meta.name);
        const id = this.nodeId('pvc', ns, name);
        this.node(ns, `${id}[(${label(`PVC ${name}`, scalarText(valueAt(c, 'spec', 'resources', 'requests', 'storage')))})]`, 2);
        for (const g of users.get(`${ns}|${name}`) ?? []) this.edge(g.id, '-.->', id, 'claims');
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
    this.index(group);
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
      if (type === 'NodePort' || type === 'LoadBalancer')
        for (const p of ports) this.edge(this.external(), '-->', id, `node port ${scalarText(p.nodePort) || '(any)'}`);
      // a map selector: absent or empty selects no pods (the endpoints are managed elsewhere)
      const pods = this.selected(ns, Selector.ofMap(spec.selector));
      if (pods.length === 0) continue;
      const portTexts = headless ? ['stable DNS per pod'] : ports.map((p) => `${scalarText(p.port)} → ${scalarText(p.targetPort ?? p.port)}`);
      for (const g of pods) for (const text of portTexts) this.edge(id, '-->', g.id, text);
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
      const spec = obj(g.pod.spec);
      for (const containers of [spec.initContainers, spec.containers]) {
        if (!Array.isArray(containers)) continue;
        for (const c of containers) {
          if (!isObject(c) || !Array.isArray(c.env)) continue;
          for (const e of c.env) {
            const value = isObject(e) ? scalarText(e.value) : '';
            if (!value) continue;
            const target = this.serviceHosts.get(value.includes('.') ? value : `${g.ns}/${value}`);
            if (target) this.edge(g.id, '-->', target.id, scalarText((e as JsonObject).name));
          }
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
      const rules: EgressRule[] = objects(p.spec.egress).map((rule) => ({ policyNs: p.ns, to: objects(rule.to).map(peerOf), ports: objects(rule.ports) }));
      for (const g of this.selected(p.ns, podSelectorOf(p.spec.podSelector))) (g.egress ??= []).push(...rules);
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
        for (const raw of from) {
          const peer = peerOf(raw);
          if (peer.ipBlock) {
            const fromText = `${text} from ${scalarText(obj(raw.ipBlock).cidr)}`;
            for (const t of targets) this.edge(this.external(), '==>', t.id, fromText);
          } else if (peer.pods.selectsEverything) {
            const any = this.anyPod(raw, p.ns);
            for (const t of targets) this.edge(any, '==>', t.id, text);
          } else {
            const sources = this.peerGroups(peer, p.ns);
            for (const t of targets) {
              for (const src of sources) if (this.egressAllowsAny(src, t, ports)) this.edge(src.id, '==>', t.id, text);
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

  /** Whether the egress rules of `s` let it reach `t` on one of `ports` (an ingress rule's; none: any port). */
  private egressAllowsAny(s: Group, t: Group, ports: readonly JsonObject[]): boolean {
    if (s.egress === undefined) return true;
    if (ports.length === 0) return this.egressAllows(s, t, undefined);
    for (const port of ports) if (this.egressAllows(s, t, port)) return true;
    return false;
  }

  /** Whether the egress rules of `s` let it reach `t` on `port` (any port when undefined). */
  private egressAllows(s: Group, t: Group, port: JsonObject | undefined): boolean {
    if (s.egress === undefined) return true;
    for (const rule of s.egress) {
      if (rule.to.length > 0 && !rule.to.some((peer) => this.peerSelects(peer, rule.policyNs, t))) continue;
      if (rule.ports.length === 0 || port === undefined) return true;
      const targetPorts = (t.ports ??= objectsAt(t.pod, 'spec', 'containers').flatMap((c) => objects(c.ports)));
      if (rule.ports.some((x) => samePort(x, port, targetPorts))) return true;
    }
    return false;
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
