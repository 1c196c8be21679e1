/**
 * The NetworkPolicy of one tier: ingress only to its ports, egress only to
 * DNS and to what it is connected to. Rules are added by connections and
 * rendered at synth.
 */
import { Chart, Lazy } from 'cdk8s';
import { k8s } from './_k8s';
import { Construct, IConstruct } from 'constructs';
import { objectMeta } from './_labels';
import { Problems } from './_errors';
import { isDns1123Label, isLabelKey, isLabelValue, isObject, isPort } from './_rules';
import { INetworkPeer } from './connection';
import { compact } from './_l1';

export interface TierNetworkPolicyProps {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  /** The tier's extra annotations. @default - none */
  readonly annotations?: Record<string, string>;
  /** The labels of the pods it applies to, kept as they are: a copy the caller never changes. */
  readonly podSelector: Record<string, string>;
  /** Ingress allowed while no other ingress rule was added (from pods and ports). */
  readonly fallbackIngress?: { from: readonly k8s.NetworkPolicyPeer[]; ports: number[] };
  /** Where a peer that cannot be named in a rule is reported. @default - not reported */
  readonly problems?: Problems;
}

const DNS_PEER: k8s.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};

const tcp = (ports: number[]): k8s.NetworkPolicyPort[] => ports.map((p) => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(p) }));

const DNS_EGRESS: k8s.NetworkPolicyEgressRule = {
  to: [DNS_PEER],
  ports: [
    { protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) },
    { protocol: 'TCP', port: k8s.IntOrString.fromNumber(53) },
  ],
};

/** Rules of one kind compared by their JSON while there are at most this many (remade to compare), by a set of their JSON beyond. */
const FEW = 8;

/**
 * Rules of one kind, each once (by its JSON, `keyOf`), in the order first added. A policy keeps few: their JSON
 * is remade to compare instead of being kept (it is longer than the rule), and the list has no room to spare.
 */
class RuleList<R> {
  private rules: R[] = [];
  /** The JSON of every rule, once there are more than {@link FEW}. */
  private keys?: Set<string>;

  constructor(private readonly keyOf: (rule: R) => string) {}

  /** The rules, in order. */
  public get values(): readonly R[] {
    return this.rules;
  }

  /** Adds `rule` unless a rule of the same JSON was added before. */
  public add(rule: R): void {
    const key = this.keyOf(rule);
    if (this.keys !== undefined) {
      if (this.keys.has(key)) return;
      this.keys.add(key);
      this.rules.push(rule);
      return;
    }
    for (let i = 0; i < this.rules.length; i++) if (this.keyOf(this.rules[i]) === key) return;
    // (concat makes a list of exactly the rules: a spread or a push leaves room for 16 more)
    this.rules = this.rules.concat([rule]);
    if (this.rules.length > FEW) this.keys = new Set(this.rules.map(this.keyOf));
  }
}

/**
 * An ingress rule of a peer (none: from anywhere): its ports are read at synth, and `count` of them were there when
 * it was added, which is what its JSON compares (a tier's served ports only ever grow, by a published sidecar port).
 */
interface PeerIngress {
  readonly from?: k8s.NetworkPolicyPeer;
  readonly ports: number[];
  readonly count: number;
}

/** The JSON a peer's ingress rule was added with: its peer and the ports it had then. */
function peerIngressKey(r: PeerIngress): string {
  const ports = r.ports.length === r.count ? r.ports : r.ports.slice(0, r.count);
  return JSON.stringify(r.from ? { from: [r.from], ports } : { ports });
}

const ruleKey = (rule: object): string => JSON.stringify(rule);

/**
 * The NetworkPolicy of one tier. Its spec is rendered at synth from what is kept here (this is its producer):
 * the pods it applies to (a copy of the labels as they were when it was built), and its rules.
 */
export class TierNetworkPolicy {
  public readonly resource: k8s.KubeNetworkPolicy;
  private readonly name: string;
  private readonly namespace?: string;
  private readonly problems?: Problems;
  private readonly podSelector: Record<string, string>;
  private readonly fallbackIngress?: { from: readonly k8s.NetworkPolicyPeer[]; ports: number[] };
  private ingress?: RuleList<PeerIngress>;
  private egress?: RuleList<k8s.NetworkPolicyEgressRule>;
  /** Rules for peers named by selectors (scrapers): kept apart, so that they never replace the fallback ingress. */
  private selectorIngress?: RuleList<k8s.NetworkPolicyIngressRule>;

  constructor(scope: Construct, id: string, props: TierNetworkPolicyProps) {
    this.name = props.name;
    this.namespace = props.namespace;
    this.problems = props.problems;
    this.podSelector = props.podSelector;
    this.fallbackIngress = props.fallbackIngress;
    this.resource = compact(
      new k8s.KubeNetworkPolicy(scope, id, {
        metadata: objectMeta(props.name, props.namespace, props.labels, props.annotations),
        spec: Lazy.any(this),
      }),
    );
  }

  /** The spec, as it is now (cdk8s' producer of the `spec` Lazy). */
  public produce(): k8s.NetworkPolicySpec {
    return {
      podSelector: { matchLabels: this.podSelector },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [...this.peerIngressRules(), ...(this.selectorIngress?.values ?? [])],
      egress: [DNS_EGRESS, ...(this.egress?.values ?? [])],
    };
  }

  /**
   * Lets traffic in on `ports` from `peer`, or from anywhere when no peer is given.
   * Ports that are not port numbers are left out (their tier reports them); a rule
   * left without ports is not added, since a rule without ports allows every port.
   * The list is read at synth, so ports the caller adds to it later are opened too.
   */
  public allowIngress(peer: INetworkPeer | undefined, ports: number[]): void {
    if (ports.filter(isPort).length === 0 || (peer && !this.nameable(peer))) return;
    // (the ports are read at synth: a tier's served ports can grow, e.g. by a published sidecar port)
    const rule: PeerIngress = peer ? { from: this.peerOf(peer), ports, count: ports.length } : { ports, count: ports.length };
    (this.ingress ??= new RuleList(peerIngressKey)).add(rule);
  }

  /** Lets traffic in on `ports` from the pods `from` selects (e.g. a monitoring namespace's Prometheus), besides every other rule. */
  public allowIngressFromSelector(from: k8s.NetworkPolicyPeer, ports: number[]): void {
    (this.selectorIngress ??= new RuleList<k8s.NetworkPolicyIngressRule>(ruleKey)).add({ from: [from], ports: tcp(ports.filter(isPort)) });
  }

  /** Lets traffic out on `ports` to `peer` (ports that are not port numbers are left out, as for ingress). */
  public allowEgress(peer: INetworkPeer, ports: number[]): void {
    ports = ports.filter(isPort);
    if (ports.length === 0 || !this.nameable(peer)) return;
    (this.egress ??= new RuleList<k8s.NetworkPolicyEgressRule>(ruleKey)).add({ to: [this.peerOf(peer)], ports: tcp(ports) });
  }

  private peerIngressRules(): k8s.NetworkPolicyIngressRule[] {
    const fallback = this.fallbackIngress;
    if (this.ingress === undefined && fallback) return [{ from: [...fallback.from], ports: tcp(fallback.ports.filter(isPort)) }];
    return (this.ingress?.values ?? []).map((r) => (r.from ? { from: [r.from], ports: tcp(r.ports.filter(isPort)) } : { ports: tcp(r.ports.filter(isPort)) }));
  }

  /**
   * Whether a rule can name the peer's pods: a namespace and selector labels
   * of the right form. A peer of this library with bad props reports them
   * itself; the problem recorded here keeps this policy from being judged (and
   * rendered with them) meanwhile, and names a foreign peer's mistake.
   */
  private nameable(peer: INetworkPeer): boolean {
    const namespace = namespaceOf(peer, peer.namespace);
    const labels = peer.podSelectorLabels;
    const ok =
      (namespace === undefined || isDns1123Label(namespace)) && isObject(labels) && Object.entries(labels).every(([k, v]) => isLabelKey(k) && isLabelValue(v));
    const problems = this.problems;
    if (!ok) {
      // a tier of this library that reports problems reports these too; this policy only leaves the rule out meanwhile
      if (Problems.of(peer)?.empty === false) return ok;
      return (
        problems?.fail({
          prop: `network peer ${peer.node.path}`,
          value: { namespace, labels },
          rule: "a NetworkPolicy rule needs the peer's namespace (a DNS-1123 label) and pod labels (label keys and values)",
          fix: 'correct the namespace and labels of the peer (a tier of this library reports its own)',
        }) ?? false
      );
    }
    // Without namespaces on both sides, rules name pods only and work in whatever namespace both are applied to;
    // a rule in a known namespace cannot name the pods of a peer whose namespace is not known.
    const own = namespaceOf(this.resource, this.namespace);
    // a namespace of this policy's own tier that is not a label is reported by that tier: leave the rule out quietly
    if (own !== undefined && !isDns1123Label(own)) return false;
    // (the message names the peer's path, which is built by walking the tree: only for a peer that is not located)
    if (namespace !== undefined || own === undefined) return true;
    return (
      problems?.fail({
        prop: `network peer ${peer.node.path}`,
        value: namespace,
        rule: `the NetworkPolicy ${JSON.stringify(this.name)} is in namespace ${JSON.stringify(own)}, but the peer has no namespace (neither its namespace prop nor its chart's), so a rule cannot name where its pods run`,
        fix: 'give the chart of the peer a namespace (new Chart(app, id, { namespace })) or the peer its namespace prop; or leave both without one',
      }) ?? false
    );
  }

  private peerOf(peer: INetworkPeer): k8s.NetworkPolicyPeer {
    const podSelector = { matchLabels: { ...peer.podSelectorLabels } };
    // compare effective namespaces: a tier without a namespace prop lives in its chart's
    const peerNamespace = namespaceOf(peer, peer.namespace);
    // (a peer without a namespace is only named by a policy without one, see nameable())
    if (peerNamespace === undefined || peerNamespace === namespaceOf(this.resource, this.namespace)) return { podSelector };
    return { podSelector, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peerNamespace } } };
  }
}

/** The namespace `given`, else that of the chart `c` is in (undefined when neither sets one). */
function namespaceOf(c: IConstruct, given: string | undefined): string | undefined {
  if (given !== undefined) return given;
  // the nearest chart up the tree (c itself included)
  for (let s: IConstruct | undefined = c; s !== undefined; s = s.node.scope) if (Chart.isChart(s)) return s.namespace;
  return undefined;
}
