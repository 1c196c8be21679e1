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
import { Manifest } from './_serialize';

type Labels = { [key: string]: string };

interface Group {
  readonly id: string;
  readonly ns: string;
  readonly name: string;
  readonly kind: string;
  readonly labels: Labels;
  readonly pod: Manifest;
  /** Node of the Deployment, StatefulSet ... */
  readonly workloadId: string;
}

const rec = (v: unknown): Manifest => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Manifest : {});
const arr = (v: unknown): Manifest[] => (Array.isArray(v) ? v.map(rec) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const labelsOf = (v: unknown): Labels => Object.fromEntries(Object.entries(rec(v)).filter(([, x]) => typeof x === 'string')) as Labels;
const esc = (s: string): string => s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
const label = (...lines: string[]): string => `"${lines.filter(Boolean).map(esc).join('<br/>')}"`;

/** The policy types of a NetworkPolicy spec, with the API server's default when it lists none. */
const policyTypes = (spec: Manifest): unknown[] => (Array.isArray(spec.policyTypes) ? spec.policyTypes
  : spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress']);

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);
const EXTERNAL = 'ext';

/** Whether a label selector (matchLabels and matchExpressions) selects `labels`; an empty selector selects all. */
export function selects(selector: unknown, labels: Labels): boolean {
  const s = rec(selector);
  for (const [k, v] of Object.entries(labelsOf(s.matchLabels))) if (labels[k] !== v) return false;
  for (const e of arr(s.matchExpressions)) {
    const key = str(e.key);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    const values = Array.isArray(e.values) ? e.values.map(str) : [];
    const ok = e.operator === 'In' ? has && values.includes(labels[key])
      : e.operator === 'NotIn' ? !(has && values.includes(labels[key]))
        : e.operator === 'Exists' ? has
          : e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

/** The Mermaid source (without the code fence) of the objects of one environment. */
export function topology(objects: readonly Manifest[]): string {
  return new Diagram(objects).render();
}

class Diagram {
  private readonly nodes = new Map<string, Array<{ rank: number; line: string }>>(); // namespace ('' = outside) → nodes
  private readonly edges: string[] = [];
  private readonly edgeIndex = new Map<string, { arrow: string; labels: Set<string>; at: number }>();
  private readonly ids = new Set<string>();
  private readonly groups: Group[] = [];
  private readonly services: Array<{ id: string; ns: string; name: string; o: Manifest }> = [];

  constructor(private readonly objects: readonly Manifest[]) {}

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
      const nodes = this.nodes.get(ns)!.map((n, i) => ({ ...n, i })).sort((a, b) => a.rank - b.rank || a.i - b.i);
      lines.push(...nodes.map((n) => `    ${n.line}`));
      lines.push('  end');
    }
    for (const e of this.edges) lines.push(`  ${e}`);
    return `${lines.join('\n')}\n`;
  }

  private nodeId(prefix: string, ns: string, name: string): string {
    const base = [prefix, ns, name].filter(Boolean).join('_').replace(/[^A-Za-z0-9]+/g, '_');
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
    this.edgeIndex.set(key, { arrow, labels, at: this.edges.length });
    this.edges.push(this.edgeLine(from, arrow, to, labels));
  }

  private edgeLine(from: string, arrow: string, to: string, labels: Set<string>): string {
    return labels.size ? `${from} ${arrow}|${label([...labels].join(', '))}| ${to}` : `${from} ${arrow} ${to}`;
  }

  private of(kind: string): Manifest[] {
    return this.objects.filter((o) => o.kind === kind);
  }

  private addWorkloads(): void {
    for (const w of this.objects.filter((o) => WORKLOADS.has(str(o.kind)))) {
      const meta = rec(w.metadata);
      const ns = str(meta.namespace);
      const name = str(meta.name);
      const kind = str(w.kind);
      const spec = rec(w.spec);
      const pod = rec(spec.template);
      const wid = this.nodeId(kind.toLowerCase(), ns, name);
      this.node(ns, `${wid}[${label(`${kind} ${name}`)}]`);
      const gid = this.nodeId('pods', ns, name);
      const group: Group = { id: gid, ns, name, kind, labels: labelsOf(rec(pod.metadata).labels), pod, workloadId: wid };
      this.groups.push(group);
      const replicas = this.replicaText(w, kind, name);
      if (kind === 'Deployment') {
        const rs = this.nodeId('rs', ns, name);
        this.node(ns, `${rs}[${label(`ReplicaSet ${name}-*`)}]`);
        this.node(ns, `${gid}([${label(`pods ${name}-*`, replicas)}])`);
        this.edge(wid, '-.->', rs, 'owns');
        this.edge(rs, '-.->', gid, 'owns');
      } else {
        this.node(ns, `${gid}([${label(kind === 'StatefulSet' ? `pods ${this.ordinals(name, spec.replicas)}` : `pods ${name}-*`, replicas)}])`);
        this.edge(wid, '-.->', gid, 'owns');
      }
      for (const t of arr(spec.volumeClaimTemplates)) {
        const claim = str(rec(t.metadata).name);
        const size = str(rec(rec(rec(t.spec).resources).requests).storage);
        const pvc = this.nodeId('pvc', ns, `${name}_${claim}`);
        this.node(ns, `${pvc}[(${label(`PVC ${this.ordinals(`${claim}-${name}`, spec.replicas)}`, size ? `${size} each` : '')})]`, 2);
        this.edge(gid, '-.->', pvc, 'claims');
      }
    }
    for (const c of this.of('PersistentVolumeClaim')) {
      const meta = rec(c.metadata);
      const ns = str(meta.namespace);
      const name = str(meta.name);
      const id = this.nodeId('pvc', ns, name);
      this.node(ns, `${id}[(${label(`PVC ${name}`, str(rec(rec(rec(c.spec).resources).requests).storage))})]`, 2);
      for (const g of this.groups.filter((x) => x.ns === ns)) {
        if (arr(rec(g.pod.spec).volumes).some((v) => str(rec(v.persistentVolumeClaim).claimName) === name)) this.edge(g.id, '-.->', id, 'claims');
      }
    }
  }

  private replicaText(w: Manifest, kind: string, name: string): string {
    const hpa = this.of('HorizontalPodAutoscaler').find((h) => {
      const ref = rec(rec(h.spec).scaleTargetRef);
      return ref.kind === kind && ref.name === name && str(rec(h.metadata).namespace) === str(rec(w.metadata).namespace);
    });
    if (hpa) return `${str(rec(hpa.spec).minReplicas) || '1'} to ${str(rec(hpa.spec).maxReplicas)} replicas (autoscaled)`;
    if (kind === 'DaemonSet') return 'one per node';
    if (kind === 'Job') return 'run to completion';
    const n = typeof rec(w.spec).replicas === 'number' ? rec(w.spec).replicas as number : 1;
    return `${n} replica${n === 1 ? '' : 's'}`;
  }

  /** `db-0 … db-2`: the names a StatefulSet gives its pods (and, with the claim's name, its claims). */
  private ordinals(prefix: string, replicas: unknown): string {
    const n = typeof replicas === 'number' ? replicas : 1;
    return n <= 1 ? `${prefix}-0` : `${prefix}-0 … ${prefix}-${n - 1}`;
  }

  private addServices(): void {
    for (const s of this.of('Service')) {
      const meta = rec(s.metadata);
      const ns = str(meta.namespace);
      const name = str(meta.name);
      const spec = rec(s.spec);
      const type = str(spec.type) || 'ClusterIP';
      const headless = spec.clusterIP === 'None';
      const id = this.nodeId('svc', ns, name);
      this.services.push({ id, ns, name, o: s });
      this.node(ns, `${id}{{${label(`Service ${name}`, headless ? 'headless' : type)}}}`, 0);
      const ports = arr(spec.ports);
      for (const p of ports) {
        if (type === 'NodePort' || type === 'LoadBalancer') this.edge(this.external(), '-->', id, `node port ${str(p.nodePort) || '(any)'}`);
      }
      if (spec.selector === undefined) continue;
      const selector = labelsOf(spec.selector);
      for (const g of this.groups.filter((x) => x.ns === ns && Object.entries(selector).every(([k, v]) => x.labels[k] === v))) {
        if (headless) this.edge(id, '-->', g.id, 'stable DNS per pod');
        for (const p of ports) {
          if (!headless) this.edge(id, '-->', g.id, `${str(p.port)} → ${str(p.targetPort ?? p.port)}`);
        }
      }
    }
  }

  private addConfig(): void {
    for (const cm of this.of('ConfigMap')) {
      const meta = rec(cm.metadata);
      const ns = str(meta.namespace);
      const name = str(meta.name);
      const users = this.groups.filter((g) => g.ns === ns && this.usesConfigMap(g.pod, name));
      if (users.length === 0) continue;
      const id = this.nodeId('cm', ns, name);
      this.node(ns, `${id}[/${label(`ConfigMap ${name}`)}/]`, 2);
      for (const g of users) this.edge(id, '-.->', g.id, 'configures');
    }
  }

  private usesConfigMap(pod: Manifest, name: string): boolean {
    const spec = rec(pod.spec);
    if (arr(spec.volumes).some((v) => str(rec(v.configMap).name) === name)) return true;
    const containers = [...arr(spec.initContainers), ...arr(spec.containers)];
    return containers.some((c) => arr(c.envFrom).some((e) => str(rec(e.configMapRef).name) === name)
      || arr(c.env).some((e) => str(rec(rec(e.valueFrom).configMapKeyRef).name) === name));
  }

  private addAutoscalers(): void {
    for (const h of this.of('HorizontalPodAutoscaler')) {
      const meta = rec(h.metadata);
      const ns = str(meta.namespace);
      const spec = rec(h.spec);
      const ref = rec(spec.scaleTargetRef);
      const target = this.groups.find((g) => g.ns === ns && g.kind === ref.kind && g.name === ref.name);
      if (!target) continue;
      const id = this.nodeId('hpa', ns, str(meta.name));
      this.node(ns, `${id}[${label(`HPA ${str(meta.name)}`)}]`, 2);
      this.edge(id, '-.->', target.workloadId, `scales ${str(spec.minReplicas) || '1'} to ${str(spec.maxReplicas)}`);
    }
  }

  /** Edges from pods to the Services their env values name. */
  private addConnections(): void {
    for (const g of this.groups) {
      const containers = [...arr(rec(g.pod.spec).initContainers), ...arr(rec(g.pod.spec).containers)];
      for (const c of containers) {
        for (const e of arr(c.env)) {
          const value = str(e.value);
          if (!value) continue;
          const target = this.services.find((s) => [s.name, `${s.name}.${s.ns}`, `${s.name}.${s.ns}.svc`, `${s.name}.${s.ns}.svc.cluster.local`].includes(value)
            && (value.includes('.') || s.ns === g.ns));
          if (target) this.edge(g.id, '-->', target.id, str(e.name));
        }
      }
    }
  }

  private addNetworkPolicies(): void {
    for (const np of this.of('NetworkPolicy')) {
      const ns = str(rec(np.metadata).namespace);
      const spec = rec(np.spec);
      if (!policyTypes(spec).includes('Ingress')) continue;
      const targets = this.groups.filter((g) => g.ns === ns && selects(spec.podSelector, g.labels));
      for (const rule of arr(spec.ingress)) {
        const ports = arr(rule.ports);
        const text = ports.length ? ports.map((p) => `${str(p.protocol) || 'TCP'} ${str(p.port) || 'all'}`).join(', ') : 'all ports';
        const from = arr(rule.from);
        for (const t of targets) {
          if (from.length === 0) this.edge(this.external(), '==>', t.id, text);
          for (const peer of from) {
            if (peer.ipBlock !== undefined) {
              this.edge(this.external(), '==>', t.id, `${text} from ${str(rec(peer.ipBlock).cidr)}`);
              continue;
            }
            for (const s of this.groups.filter((g) => this.peerSelects(peer, ns, g))) {
              if (ports.length === 0 ? this.egressAllows(s, t, undefined) : ports.some((p) => this.egressAllows(s, t, p))) this.edge(s.id, '==>', t.id, text);
            }
          }
        }
      }
    }
  }

  private peerSelects(peer: Manifest, policyNs: string, g: Group): boolean {
    if (peer.namespaceSelector === undefined) {
      if (g.ns !== policyNs) return false;
    } else if (!selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': g.ns })) {
      return false;
    }
    return peer.podSelector === undefined || selects(peer.podSelector, g.labels);
  }

  /** Whether the egress policies of `s` let it reach `t` on `port` (any port when undefined). */
  private egressAllows(s: Group, t: Group, port: Manifest | undefined): boolean {
    const policies = this.of('NetworkPolicy').filter((np) => str(rec(np.metadata).namespace) === s.ns
      && policyTypes(rec(np.spec)).includes('Egress')
      && selects(rec(np.spec).podSelector, s.labels));
    if (policies.length === 0) return true;
    const targetPorts = arr(rec(t.pod.spec).containers).flatMap((c) => arr(c.ports));
    const same = (a: Manifest, b: Manifest): boolean => {
      if ((str(a.protocol) || 'TCP') !== (str(b.protocol) || 'TCP')) return false;
      const resolve = (v: unknown) => (typeof v === 'string' ? str(targetPorts.find((cp) => cp.name === v)?.containerPort) || v : str(v));
      return resolve(a.port) === resolve(b.port);
    };
    return policies.some((np) => arr(rec(np.spec).egress).some((rule) => {
      const to = arr(rule.to);
      const reaches = to.length === 0 || to.some((peer) => peer.ipBlock === undefined && this.peerSelects(peer, s.ns, t));
      const ports = arr(rule.ports);
      return reaches && (ports.length === 0 || port === undefined || ports.some((p) => same(p, port)));
    }));
  }
}
