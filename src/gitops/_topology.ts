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
import { isObject, JsonObject, list, obj, objects, recordAt, scalarText, stringMap, valueAt } from '../_json';
import { Selector } from '../_selector';
import { Manifest } from './_serialize';

type Labels = { readonly [key: string]: string };

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
  /** The pod groups its podSelector selects, found on first need (its egress and its ingress both need them). */
  targets?: readonly Group[];
}

/** A NetworkPolicy peer, its selectors parsed once: its pod selector on first need (see podsOf). */
interface Peer {
  readonly ipBlock: boolean;
  /** The namespaces it picks; undefined: the policy's own. */
  readonly namespaces: Selector | undefined;
  readonly podSelector: unknown;
  pods: Selector | undefined;
}

/**
 * An egress rule of a NetworkPolicy in `policyNs`, shared by every pod group the policy selects; its peers and ports
 * are read the first time a pod of such a group is a source (most groups never are, and the peers' parsed selectors
 * would be kept until the diagram is written).
 */
interface EgressRule {
  readonly policyNs: string;
  readonly rule: JsonObject;
  to?: readonly Peer[];
  ports?: readonly JsonObject[];
}

/** An arrow between two nodes and its labels (in the order first given), rendered once at the end. */
interface Edge {
  readonly from: string;
  readonly arrow: string;
  readonly to: string;
  /** Shared by the edges that start with the same labels and are not in the edge index (nothing adds to theirs). */
  readonly labels: readonly string[];
}

/** An edge in the edge index: later edges of its kind between its nodes add their labels to it. */
interface IndexedEdge extends Edge {
  readonly labels: string[];
}

const ESCAPED = /["<>]/;
const esc = (s: string): string => (ESCAPED.test(s) ? s.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;') : s);
/** A node's label: its non-empty lines, escaped, one `<br/>` apart (the quotes around it are the node's). */
function label(first: string, second = '', third = ''): string {
  let text = first ? esc(first) : '';
  if (second) text = text ? `${text}<br/>${esc(second)}` : esc(second);
  if (third) text = text ? `${text}<br/>${esc(third)}` : esc(third);
  return text;
}

const NO_GROUPS: readonly Group[] = [];

/** The arrows of the diagram, numbered for the edge index. */
const ARROWS: { readonly [arrow: string]: number } = { '-.->': 0, '-->': 1, '==>': 2 };
/** Node numbers stay below this (the edge index keys `(from * MAX_NODES + to) * 4 + arrow` are exact doubles); no diagram comes near it. */
const MAX_NODES = 2 ** 26;

const NOT_ID = /[^A-Za-z0-9]+/;
/**
 * `text` as a node id: each run of other characters than letters and digits made one `_`. Split and joined, which is
 * `replace(/[^A-Za-z0-9]+/g, '_')` as one string of its characters: V8's `replace` gives a string that keeps the pieces
 * of its input (seven times the memory, and every id is kept until the diagram is written).
 */
const nodeIdText = (text: string): string => text.split(NOT_ID).join('_');

/**
 * `_` and `text` as id text: a part of node ids. The id text of `a_b` is the id text of `a` and of `_b` one after
 * the other, but one `_` where the first ends with `_` (both were the ends of one run), so each namespace and each
 * name is made id text once, however many ids it is a part of.
 */
const idPart = (text: string): string => nodeIdText(`_${text}`);

/** The policy types of a NetworkPolicy spec, with the API server's default when it lists none. */
const policyTypes = (spec: JsonObject): unknown[] =>
  Array.isArray(spec.policyTypes) ? spec.policyTypes : spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);
/** The pod label of a replicated database's role (primary or replica), shown on its pods. */
const ROLE_LABEL = 'cdk8s-tiers/role';
const ROLE_TEXT: ReadonlyMap<unknown, string> = new Map([
  ['primary', 'primary'],
  ['replica', 'read replicas'],
]);
const EXTERNAL = 'ext';
/** The labels of edges that are not indexed (see newEdge), shared. */
const OWNS: readonly string[] = Object.freeze(['owns']);
const CLAIMS: readonly string[] = Object.freeze(['claims']);
const CONFIGURES: readonly string[] = Object.freeze(['configures']);
const STABLE_DNS: readonly string[] = Object.freeze(['stable DNS per pod']);

/**
 * A NetworkPolicy's `podSelector` and a peer's: absent means `{}` (every pod): the spec's field is a value, and a peer
 * without one picks every pod of the namespaces it names.
 */
const podSelectorOf = (v: unknown): Selector => Selector.of(v ?? {});
const peerOf = (peer: JsonObject): Peer => ({
  ipBlock: peer.ipBlock !== undefined,
  namespaces: peer.namespaceSelector === undefined ? undefined : Selector.of(peer.namespaceSelector),
  podSelector: peer.podSelector,
  pods: undefined,
});
/** The pods a peer picks in the namespaces it names: parsed when first asked (a peer of an egress rule is often asked only of its namespaces). */
const podsOf = (peer: Peer): Selector => (peer.pods ??= podSelectorOf(peer.podSelector));

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
  return `${[...topologyChunks(objects)].join('')}\n`;
}

/**
 * The same source in chunks of some kilobytes, without its last line break,
 * made as they are read: a caller writes them one after the other instead
 * of holding a text that grows with the objects.
 */
export function topologyChunks(objects: readonly Manifest[]): Generator<string> {
  return new Diagram(objects).render();
}

/**
 * Pieces of text joined into one chunk (a chunk stays well below V8's large-object size). Chunks end between
 * pieces, and a piece with a user's text is always followed by one of the diagram's own (ASCII), so a chunk never
 * ends inside a character (each chunk is written as UTF-8 on its own).
 */
const CHUNK_PIECES = 4096;

/**
 * The first `n` pieces of `pieces` as one text. The array is kept for the next chunk, which writes over it: its length
 * is cut to `n`, which keeps its storage (V8 gives storage back only when less than half is kept).
 */
export function joined(pieces: string[], n: number): string {
  pieces.length = n;
  return pieces.join('');
}

/** An env value of a pod group that may name a Service, and the key it is looked up by. */
interface ServiceReference {
  readonly group: Group;
  readonly key: string;
  readonly env: JsonObject;
}

/** The pod groups of one namespace, and an index of them by label key and value, made for a key on first need. */
interface NamespaceGroups {
  readonly all: Group[];
  readonly byLabel: Map<string, Map<string, Group[]>>;
}

/**
 * Builds the diagram in a few passes over the objects; pods are found
 * through an index of their labels, so the work grows with the number of
 * objects, not with its square. Edges are kept as records (found again by a
 * number made of their ends' numbers) and written once at the end, as pieces
 * of one text, so adding one (or a label to one) builds no text.
 */
class Diagram {
  /** Lines of the nodes outside any namespace, in order of declaration. */
  private readonly outside: string[] = [];
  /** Per namespace, the lines of its nodes by rank (Services 0, workloads and pods 1, the rest 2), each in order of declaration. */
  private readonly nodes = new Map<string, [string[], string[], string[]]>();
  private readonly edges: Edge[] = [];
  /** Edge by `(from * MAX_NODES + to) * 4 + arrow`, the ends by their numbers in `ids`. */
  private readonly edgeIndex = new Map<number, IndexedEdge>();
  /** Every node id, with its number. */
  private readonly ids = new Map<string, number>();
  /** The id part of each namespace (see idPart). */
  private readonly nsParts = new Map<string, string>();
  private readonly groups: Group[] = [];
  /** Pod groups by namespace. */
  private readonly groupIndex = new Map<string, NamespaceGroups>();
  /** Service node by the host names (and `namespace/name`) that env values of the pods use for it. */
  private readonly serviceHosts = new Map<string, string>();
  private readonly byKind = new Map<string, Manifest[]>();
  private readonly namespaceLabels = new Map<string, Labels>();
  /** The namespaces of the pod groups, in order of appearance. */
  private groupNamespaces?: string[];
  /** The env values that may name a Service, from addServices to addConnections. */
  private references?: ServiceReference[];

  constructor(objects: readonly Manifest[]) {
    for (let i = 0; i < objects.length; i++) {
      const o = objects[i];
      const kind = scalarText(o.kind);
      const list = this.byKind.get(kind);
      if (list) list.push(o);
      else this.byKind.set(kind, [o]);
    }
  }

  /** The source, without its last line break, in chunks. */
  public *render(): Generator<string> {
    this.addWorkloads();
    this.addServices();
    this.addConfig();
    this.addAutoscalers();
    this.addConnections();
    this.addNetworkPolicies();
    // the pieces of a chunk, in one array written again for each chunk (`n` of them so far)
    const out = ['flowchart LR'];
    let n = 1;
    for (const line of this.outside) {
      out[n++] = '\n  ';
      out[n++] = line;
    }
    for (const ns of [...this.nodes.keys()].sort()) {
      out[n++] = '\n  subgraph ';
      out[n++] = this.newId('ns', this.nsPart(ns));
      out[n++] = '["';
      out[n++] = label(`namespace ${ns}`);
      out[n++] = '"]';
      for (const lines of this.nodes.get(ns)!) {
        for (let i = 0; i < lines.length; i++) {
          out[n++] = '\n    ';
          out[n++] = lines[i];
          if (n >= CHUNK_PIECES) {
            yield joined(out, n);
            n = 0;
          }
        }
      }
      out[n++] = '\n  end';
    }
    const edges = this.edges;
    for (let i = 0; i < edges.length; i++) {
      const e = edges[i];
      out[n++] = '\n  ';
      out[n++] = e.from;
      out[n++] = ' ';
      out[n++] = e.arrow;
      if (e.labels.length > 0) {
        out[n++] = '|"';
        out[n++] = esc(e.labels.length === 1 ? e.labels[0] : e.labels.join(', '));
        out[n++] = '"| ';
      } else out[n++] = ' ';
      out[n++] = e.to;
      if (n >= CHUNK_PIECES) {
        yield joined(out, n);
        n = 0;
      }
    }
    yield joined(out, n);
  }

  /** A new node id: `prefix`, the namespace and the name as id text (each left out when empty), numbered when taken. */
  private nodeId(prefix: string, ns: string, name: string): string {
    return this.newId(prefix, ns ? this.nsPart(ns) : '', name ? idPart(name) : '');
  }

  /** The id part of a namespace, made once. */
  private nsPart(ns: string): string {
    let part = this.nsParts.get(ns);
    if (part === undefined) this.nsParts.set(ns, (part = idPart(ns)));
    return part;
  }

  /**
   * A new node id from `prefix` (letters and digits) and id parts (see idPart; '' for none), one string of its
   * characters (joined), numbered when taken. Where a part ends with `_`, it and the next make one run: the id text of
   * the parts one after the other is the id (id text of id text is itself, but for such runs).
   */
  private newId(prefix: string, nsPart: string, namePart = '', lastPart = ''): string {
    const pieces = [prefix, nsPart, namePart, lastPart].join('');
    const base = nsPart.endsWith('_') || namePart.endsWith('_') ? nodeIdText(pieces) : pieces;
    let id = base;
    for (let i = 2; this.ids.has(id); i++) id = `${base}_${i}`;
    this.addId(id);
    return id;
  }

  private addId(id: string): void {
    this.ids.set(id, this.ids.size);
  }

  /**
   * Declares a node: its id, its label (see label) in quotes between the two halves of its shape (`[` and `]`); within
   * a namespace, Services (rank 0) come first, then workloads and pods, then the rest. The line is kept until the
   * diagram is written: joined, it is one string of its characters, where a template literal would keep a tree of its
   * pieces (three times the memory in V8).
   */
  private node(ns: string, rank: 0 | 1 | 2, id: string, open: string, text: string, close: string): void {
    const line = [id, open, '"', text, '"', close].join('');
    if (ns === '') {
      this.outside.push(line);
      return;
    }
    let ranks = this.nodes.get(ns);
    if (!ranks) this.nodes.set(ns, (ranks = [[], [], []]));
    ranks[rank].push(line);
  }

  private external(): string {
    if (!this.ids.has(EXTERNAL)) {
      this.addId(EXTERNAL);
      this.node('', 1, EXTERNAL, '((', label('clients'), '))');
    }
    return EXTERNAL;
  }

  /** Adds an edge, or a label to the existing edge of the same kind between the same nodes. */
  private edge(from: string, arrow: string, to: string, text?: string): void {
    const key = (this.ids.get(from)! * MAX_NODES + this.ids.get(to)!) * 4 + ARROWS[arrow];
    const existing = this.edgeIndex.get(key);
    if (existing) {
      if (text && !existing.labels.includes(text)) existing.labels.push(text);
      return;
    }
    const e: IndexedEdge = { from, arrow, to, labels: text ? [text] : [] };
    this.edgeIndex.set(key, e);
    this.edges.push(e);
  }

  /**
   * Adds an edge that no other call adds: one of its ends was just declared, and no later edge of its kind has that
   * end (so it is not indexed, and `labels`, distinct and not empty, may be those of other such edges).
   */
  private newEdge(from: string, arrow: string, to: string, labels: readonly string[]): void {
    this.edges.push({ from, arrow, to, labels });
  }

  private of(kind: string): Manifest[] {
    return this.byKind.get(kind) ?? [];
  }

  private index(g: Group): void {
    let inNs = this.groupIndex.get(g.ns);
    if (!inNs) this.groupIndex.set(g.ns, (inNs = { all: [], byLabel: new Map() }));
    inNs.all.push(g);
    for (const [key, byValue] of inNs.byLabel) if (Object.prototype.hasOwnProperty.call(g.labels, key)) addTo(byValue, g.labels[key], g);
  }

  /**
   * The pod groups in `ns` that `selector` selects: the index's own list when it selects all of its candidates (read
   * only; every group is indexed before a selector is evaluated). Its candidates are the groups with its first
   * `matchLabels` entry, or all of the namespace when it has none (only matchExpressions, or `{}`).
   */
  private selected(ns: string, selector: Selector): readonly Group[] {
    if (selector.selectsNothing) return NO_GROUPS;
    const inNs = this.groupIndex.get(ns);
    if (!inNs) return NO_GROUPS;
    if (selector.selectsEverything) return inNs.all;
    const key = selector.anyEquality;
    const candidates = key ? this.withLabel(inNs, key[0]).get(key[1]) : inNs.all;
    if (!candidates) return NO_GROUPS;
    let i = 0;
    while (i < candidates.length && selector.matches(candidates[i].labels)) i++;
    if (i === candidates.length) return candidates;
    const out = candidates.slice(0, i);
    for (i++; i < candidates.length; i++) if (selector.matches(candidates[i].labels)) out.push(candidates[i]);
    return out;
  }

  /** The groups of a namespace by their value of the label `key` (indexed on first need: selectors use few keys). */
  private withLabel(inNs: NamespaceGroups, key: string): Map<string, Group[]> {
    let byValue = inNs.byLabel.get(key);
    if (!byValue) {
      inNs.byLabel.set(key, (byValue = new Map()));
      for (const g of inNs.all) if (Object.prototype.hasOwnProperty.call(g.labels, key)) addTo(byValue, g.labels[key], g);
    }
    return byValue;
  }

  private labelsOfNamespace(ns: string): Labels {
    let labels = this.namespaceLabels.get(ns);
    if (!labels) this.namespaceLabels.set(ns, (labels = namespaceLabels(ns)));
    return labels;
  }

  /** The pod groups a NetworkPolicy peer names, seen from a policy in `ns` (no namespaceSelector: the policy's namespace). */
  private peerGroups(peer: Peer, ns: string): readonly Group[] {
    if (peer.namespaces === undefined) return this.selected(ns, podsOf(peer));
    this.groupNamespaces ??= [...new Set(this.groups.map((g) => g.ns))];
    const out: Group[] = [];
    for (const n of this.groupNamespaces) if (peer.namespaces.matches(this.labelsOfNamespace(n))) out.push(...this.selected(n, podsOf(peer)));
    return out;
  }

  private peerSelects(peer: Peer, policyNs: string, g: Group): boolean {
    if (peer.ipBlock) return false;
    if (peer.namespaces === undefined ? g.ns !== policyNs : !peer.namespaces.matches(this.labelsOfNamespace(g.ns))) return false;
    return podsOf(peer).matches(g.labels);
  }

  private addWorkloads(): void {
    for (const kind of WORKLOADS) {
      const workloads = this.of(kind);
      for (let i = 0; i < workloads.length; i++) this.addWorkload(workloads[i], kind);
    }
    const claims = this.of('PersistentVolumeClaim');
    if (claims.length > 0) {
      // the pod groups that mount each claim, by `namespace|claimName`, in the order of the groups
      const users = new Map<string, Group[]>();
      for (const g of this.groups) {
        const seen = new Set<string>();
        for (const v of list(obj(g.pod.spec).volumes)) {
          if (!isObject(v)) continue;
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
        this.node(ns, 2, id, '[(', label(`PVC ${name}`, scalarText(valueAt(c, 'spec', 'resources', 'requests', 'storage'))), ')]');
        for (const g of users.get(`${ns}|${name}`) ?? []) this.newEdge(g.id, '-.->', id, CLAIMS);
      }
    }
    this.addReplication();
  }

  /** Read replicas → their primary: pods of one instance in one namespace, told apart by the role label. */
  private addReplication(): void {
    const replicas = this.groups.filter((x) => x.labels[ROLE_LABEL] === 'replica');
    if (replicas.length === 0) return;
    const instance = (g: Group) => `${g.ns}|${g.labels['app.kubernetes.io/name']}|${g.labels['app.kubernetes.io/instance']}`;
    const primaries = new Map(this.groups.filter((g) => g.labels[ROLE_LABEL] === 'primary').map((g) => [instance(g), g]));
    for (const g of replicas) {
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
    // the ids of its nodes share their parts: the namespace's and the name's
    const nsPart = ns ? this.nsPart(ns) : '';
    const namePart = idPart(name);
    const nameIdPart = name ? namePart : '';
    const wid = this.newId(kind.toLowerCase(), nsPart, nameIdPart);
    this.node(ns, 1, wid, '[', label(`${kind} ${name}`), ']');
    const gid = this.newId('pods', nsPart, nameIdPart);
    const group: Group = { id: gid, ns, name, kind, labels: stringMap(obj(pod.metadata).labels), pod, workloadId: wid, egress: undefined, ports: undefined };
    this.groups.push(group);
    this.index(group);
    const replicas = this.replicaText(w, kind, name);
    if (kind === 'Deployment') {
      const rs = this.newId('rs', nsPart, nameIdPart);
      this.node(ns, 1, rs, '[', label(`ReplicaSet ${name}-*`), ']');
      this.node(ns, 1, gid, '([', label(`pods ${name}-*`, replicas), '])');
      this.newEdge(wid, '-.->', rs, OWNS);
      this.newEdge(rs, '-.->', gid, OWNS);
    } else {
      const role = ROLE_TEXT.get(group.labels[ROLE_LABEL]) ?? '';
      this.node(ns, 1, gid, '([', label(kind === 'StatefulSet' ? `pods ${this.ordinals(name, spec.replicas)}` : `pods ${name}-*`, replicas, role), '])');
      this.newEdge(wid, '-.->', gid, OWNS);
    }
    const templates = list(spec.volumeClaimTemplates);
    for (let i = 0; i < templates.length; i++) {
      const t = templates[i];
      if (!isObject(t)) continue;
      const claim = scalarText(obj(t.metadata).name);
      const size = scalarText(valueAt(t, 'spec', 'resources', 'requests', 'storage'));
      const pvc = this.newId('pvc', nsPart, namePart, idPart(claim)); // the id of `${name}_${claim}`
      this.node(
        ns,
        2,
        pvc,
        '[(',
        label(
          `PVC ${this.ordinals(`${claim}-${name}`, spec.replicas)}`,
          size && typeof spec.replicas === 'number' && spec.replicas > 1 ? `${size} each` : size,
        ),
        ')]',
      );
      this.newEdge(gid, '-.->', pvc, CLAIMS);
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
    const hpa = this.autoscalerOf.size === 0 ? undefined : this.autoscalerOf.get(`${scalarText(obj(w.metadata).namespace)}|${kind}|${name}`);
    if (hpa) return `${scalarText(obj(hpa.spec).minReplicas) || '1'} to ${scalarText(obj(hpa.spec).maxReplicas)} replicas (autoscaled)`;
    if (kind === 'DaemonSet') return 'one per node';
    if (kind === 'Job') return 'run to completion';
    const n = typeof obj(w.spec).replicas === 'number' ? (obj(w.spec).replicas as number) : 1;
    return n === 1 ? '1 replica' : `${n} replicas`;
  }

  /** `db-0 … db-2`: the names a StatefulSet gives its pods (and, with the claim's name, its claims). */
  private ordinals(prefix: string, replicas: unknown): string {
    const n = typeof replicas === 'number' ? replicas : 1;
    return n <= 1 ? `${prefix}-0` : `${prefix}-0 … ${prefix}-${n - 1}`;
  }

  /**
   * Every env value of the pods' containers that may name a Service, with the key it is looked up by in
   * `serviceHosts`: the value itself when it has a dot, else `namespace/value`; in the order of the groups. When each
   * Service has a plain name (isPlainName), only the values whose key may name one of them (serviceNameIn) are kept.
   */
  private serviceReferences(): ServiceReference[] {
    let names: Set<string> | undefined = new Set();
    const services = this.of('Service');
    for (let i = 0; i < services.length; i++) {
      const meta = obj(services[i].metadata);
      const name = scalarText(meta.name);
      if (!isPlainName(name, scalarText(meta.namespace))) {
        names = undefined;
        break;
      }
      names.add(name);
    }
    const out: ServiceReference[] = [];
    if (names?.size === 0) return out;
    for (let gi = 0; gi < this.groups.length; gi++) {
      const g = this.groups[gi];
      const spec = obj(g.pod.spec);
      for (let i = 0; i < 2; i++) {
        const containers = i === 0 ? spec.initContainers : spec.containers;
        if (!Array.isArray(containers)) continue;
        for (let ci = 0; ci < containers.length; ci++) {
          const c: unknown = containers[ci];
          if (!isObject(c) || !Array.isArray(c.env)) continue;
          for (let ei = 0; ei < c.env.length; ei++) {
            const e: unknown = c.env[ei];
            const value = isObject(e) ? scalarText(e.value) : '';
            // the key's serviceNameIn is that of the value
            if (value && (names === undefined || names.has(serviceNameIn(value))))
              out.push({ group: g, key: value.includes('.') ? value : `${g.ns}/${value}`, env: e as JsonObject });
          }
        }
      }
    }
    return out;
  }

  private addServices(): void {
    // only the host names some env value uses are kept (each Service has four)
    this.references = this.serviceReferences();
    const wanted = new Set<string>();
    const named = new Set<string>();
    for (let i = 0; i < this.references.length; i++) {
      const key = this.references[i].key;
      if (wanted.has(key)) continue;
      wanted.add(key);
      named.add(serviceNameIn(key));
    }
    const host = (key: string, id: string, first: boolean) => {
      if (wanted.has(key) && !(first && this.serviceHosts.has(key))) this.serviceHosts.set(key, id);
    };
    // the edges of a Service are added only here, and its node is new (see newEdge): each gets its labels at once
    const services = this.of('Service');
    for (let si = 0; si < services.length; si++) {
      const meta = obj(services[si].metadata);
      const ns = scalarText(meta.namespace);
      const name = scalarText(meta.name);
      const spec = obj(services[si].spec);
      const type = scalarText(spec.type) || 'ClusterIP';
      const headless = spec.clusterIP === 'None';
      const id = this.nodeId('svc', ns, name);
      if (wanted.size > 0 && (named.has(name) || !isPlainName(name, ns))) {
        host(`${name}.${ns}`, id, false);
        host(`${name}.${ns}.svc`, id, false);
        host(`${name}.${ns}.svc.cluster.local`, id, false);
        host(`${ns}/${name}`, id, true);
      }
      this.node(ns, 0, id, '{{', label(`Service ${name}`, headless ? 'headless' : type), '}}');
      const ports = list(spec.ports);
      if (type === 'NodePort' || type === 'LoadBalancer') {
        const nodePorts: string[] = [];
        for (let i = 0; i < ports.length; i++) {
          const p = ports[i];
          if (isObject(p)) addLabel(nodePorts, `node port ${scalarText(p.nodePort) || '(any)'}`);
        }
        if (nodePorts.length > 0) this.newEdge(this.external(), '-->', id, nodePorts);
      }
      // a map selector: absent or empty selects no pods (the endpoints are managed elsewhere)
      const pods = this.selected(ns, Selector.ofMap(spec.selector));
      if (pods.length === 0) continue;
      if (headless) {
        for (let i = 0; i < pods.length; i++) this.newEdge(id, '-->', pods[i].id, STABLE_DNS);
        continue;
      }
      const portTexts: string[] = [];
      for (let i = 0; i < ports.length; i++) {
        const p = ports[i];
        if (isObject(p)) addLabel(portTexts, `${scalarText(p.port)} → ${scalarText(p.targetPort ?? p.port)}`);
      }
      if (portTexts.length > 0) for (let i = 0; i < pods.length; i++) this.newEdge(id, '-->', pods[i].id, portTexts);
    }
  }

  private addConfig(): void {
    const configMaps = this.of('ConfigMap');
    if (configMaps.length === 0) return;
    const users = new Map<string, Group[]>();
    for (const g of this.groups) {
      for (const name of configMapsOf(g.pod)) {
        const list = users.get(`${g.ns}|${name}`) ?? [];
        users.set(`${g.ns}|${name}`, list);
        list.push(g);
      }
    }
    for (const cm of configMaps) {
      const meta = obj(cm.metadata);
      const ns = scalarText(meta.namespace);
      const name = scalarText(meta.name);
      const groups = users.get(`${ns}|${name}`) ?? [];
      if (groups.length === 0) continue;
      const id = this.nodeId('cm', ns, name);
      this.node(ns, 2, id, '[/', label(`ConfigMap ${name}`), '/]');
      for (const g of groups) this.newEdge(id, '-.->', g.id, CONFIGURES);
    }
  }

  private addAutoscalers(): void {
    const autoscalers = this.of('HorizontalPodAutoscaler');
    if (autoscalers.length === 0) return;
    const workloads = new Map(this.groups.map((g) => [`${g.ns}|${g.kind}|${g.name}`, g]));
    for (const h of autoscalers) {
      const meta = obj(h.metadata);
      const ns = scalarText(meta.namespace);
      const spec = obj(h.spec);
      const ref = obj(spec.scaleTargetRef);
      const target = workloads.get(`${ns}|${scalarText(ref.kind)}|${scalarText(ref.name)}`);
      if (!target) continue;
      const id = this.nodeId('hpa', ns, scalarText(meta.name));
      this.node(ns, 2, id, '[', label(`HPA ${scalarText(meta.name)}`), ']');
      this.newEdge(id, '-.->', target.workloadId, [`scales ${scalarText(spec.minReplicas) || '1'} to ${scalarText(spec.maxReplicas)}`]);
    }
  }

  /** Edges from pods to the Services their env values name (`api`, `api.shop`, `api.shop.svc.cluster.local`). */
  private addConnections(): void {
    const references = this.references ?? [];
    this.references = undefined;
    if (this.serviceHosts.size === 0) return;
    for (let i = 0; i < references.length; i++) {
      const r = references[i];
      const target = this.serviceHosts.get(r.key);
      if (target) this.edge(r.group.id, '-->', target, scalarText(r.env.name));
    }
  }

  private addNetworkPolicies(): void {
    const policies = this.of('NetworkPolicy').map((np): Policy => {
      const spec = obj(np.spec);
      return { ns: scalarText(obj(np.metadata).namespace), spec, types: policyTypes(spec), targets: undefined };
    });
    for (let pi = 0; pi < policies.length; pi++) {
      const p = policies[pi];
      if (!p.types.includes('Egress')) continue;
      const rules: EgressRule[] = objects(p.spec.egress).map((rule) => ({ policyNs: p.ns, rule, to: undefined, ports: undefined }));
      const targets = this.targetsOf(p);
      for (let i = 0; i < targets.length; i++) {
        const g = targets[i];
        if (rules.length === 0) g.egress ??= [];
        else if (g.egress) g.egress.push(...rules);
        else g.egress = rules.slice();
      }
    }
    for (let pi = 0; pi < policies.length; pi++) {
      const p = policies[pi];
      if (!p.types.includes('Ingress')) continue;
      const ingress = list(p.spec.ingress);
      if (ingress.length === 0) continue;
      const targets = this.targetsOf(p);
      for (let ri = 0; ri < ingress.length; ri++) {
        const rule = ingress[ri];
        if (!isObject(rule)) continue;
        const ports = objects(rule.ports);
        const text = ports.length ? ports.map((x) => `${scalarText(x.protocol) || 'TCP'} ${scalarText(x.port) || 'all'}`).join(', ') : 'all ports';
        const from = objects(rule.from);
        if (from.length === 0) {
          this.edgesTo(targets, EXTERNAL, text);
          continue;
        }
        for (let fi = 0; fi < from.length; fi++) {
          const raw = from[fi];
          const peer = peerOf(raw);
          if (peer.ipBlock) this.edgesTo(targets, EXTERNAL, `${text} from ${scalarText(obj(raw.ipBlock).cidr)}`);
          else if (podsOf(peer).selectsEverything) this.edgesTo(targets, this.anyPod(raw, p.ns), text);
          else {
            const sources = this.peerGroups(peer, p.ns);
            for (let ti = 0; ti < targets.length; ti++) {
              const t = targets[ti];
              for (let si = 0; si < sources.length; si++) if (this.egressAllowsAny(sources[si], t, ports)) this.edge(sources[si].id, '==>', t.id, text);
            }
          }
        }
      }
    }
  }

  /** Thick arrows from the node `from` to each of `targets`, labelled `text` (the clients' node is declared with the first). */
  private edgesTo(targets: readonly Group[], from: string, text: string): void {
    for (let i = 0; i < targets.length; i++) this.edge(from === EXTERNAL ? this.external() : from, '==>', targets[i].id, text);
  }

  /** The pod groups a NetworkPolicy applies to, found once. */
  private targetsOf(p: Policy): readonly Group[] {
    return (p.targets ??= this.selected(p.ns, podSelectorOf(p.spec.podSelector)));
  }

  /** One node for "every pod of a namespace" (or of the namespaces a selector picks), instead of an edge from each. */
  private anyPod(peer: JsonObject, ns: string): string {
    const named = peer.namespaceSelector === undefined ? ns : stringMap(obj(peer.namespaceSelector).matchLabels)['kubernetes.io/metadata.name'];
    const inside = peer.namespaceSelector === undefined || (named !== undefined && this.hasNodes(named));
    const text =
      named !== undefined
        ? `any pod in ${named}`
        : Selector.of(peer.namespaceSelector).selectsEverything
          ? 'any pod in the cluster'
          : 'any pod in the selected namespaces';
    const key = nodeIdText(`any_${text}`);
    if (!this.ids.has(key)) {
      this.addId(key);
      this.node(inside && named !== undefined ? named : '', 2, key, '([', label(text), '])');
    }
    return key;
  }

  /** Whether a node was declared in namespace `ns` ('' = outside) so far. */
  private hasNodes(ns: string): boolean {
    return ns === '' ? this.outside.length > 0 : this.nodes.has(ns);
  }

  /** Whether the egress rules of `s` let it reach `t` on one of `ports` (an ingress rule's; none: any port). */
  private egressAllowsAny(s: Group, t: Group, ports: readonly JsonObject[]): boolean {
    if (s.egress === undefined) return true;
    if (ports.length === 0) return this.egressAllows(s, t, undefined);
    for (let i = 0; i < ports.length; i++) if (this.egressAllows(s, t, ports[i])) return true;
    return false;
  }

  /** Whether the egress rules of `s` let it reach `t` on `port` (any port when undefined). */
  private egressAllows(s: Group, t: Group, port: JsonObject | undefined): boolean {
    if (s.egress === undefined) return true;
    for (let i = 0; i < s.egress.length; i++) {
      const rule = s.egress[i];
      const to = (rule.to ??= objects(rule.rule.to).map(peerOf));
      if (to.length > 0 && !this.anyPeerSelects(to, rule.policyNs, t)) continue;
      const ports = (rule.ports ??= objects(rule.rule.ports));
      if (ports.length === 0 || port === undefined) return true;
      const targetPorts = (t.ports ??= containerPorts(t.pod));
      for (let j = 0; j < ports.length; j++) if (samePort(ports[j], port, targetPorts)) return true;
    }
    return false;
  }

  /** Whether one of the peers of a rule of a policy in `policyNs` picks the pods of `g`. */
  private anyPeerSelects(peers: readonly Peer[], policyNs: string, g: Group): boolean {
    for (let i = 0; i < peers.length; i++) if (this.peerSelects(peers[i], policyNs, g)) return true;
    return false;
  }
}

/** Adds `text` to the labels of an edge, unless they have it. */
function addLabel(labels: string[], text: string): void {
  if (!labels.includes(text)) labels.push(text);
}

/**
 * The one Service name a lookup key of an env value (see serviceReferences) may name, if it names a Service whose name
 * and namespace are plain (isPlainName): after the last `/` of a `namespace/name`, else before the first dot of a host
 * name. A plain Service whose name is not that of a key has none of its host names looked up by it.
 */
function serviceNameIn(key: string): string {
  const slash = key.lastIndexOf('/');
  if (slash >= 0) return key.slice(slash + 1);
  const dot = key.indexOf('.');
  return dot >= 0 ? key.slice(0, dot) : key;
}

/** Whether a Service's host names start with its name and a dot, and its `namespace/name` has one `/`: true of every legal name. */
const isPlainName = (name: string, ns: string): boolean => !name.includes('.') && !name.includes('/') && !ns.includes('/');

/** Adds `g` to the groups of `value` in an index. */
function addTo(byValue: Map<string, Group[]>, value: string, g: Group): void {
  const list = byValue.get(value);
  if (list) list.push(g);
  else byValue.set(value, [g]);
}

/** The container ports of a pod template (of its containers, not its init containers). */
function containerPorts(pod: JsonObject): JsonObject[] {
  const out: JsonObject[] = [];
  const containers = list(obj(pod.spec).containers);
  for (let i = 0; i < containers.length; i++) {
    const ports = list(isObject(containers[i]) ? (containers[i] as JsonObject).ports : undefined);
    for (let j = 0; j < ports.length; j++) if (isObject(ports[j])) out.push(ports[j] as JsonObject);
  }
  return out;
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
