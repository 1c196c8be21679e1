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
import { merged } from './_merge';
import { compact } from './_l1';

export interface TierNetworkPolicyProps {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  /** The tier's extra annotations. @default - none */
  readonly annotations?: Record<string, string>;
  readonly podSelector: Record<string, string>;
  /** Ingress allowed while no other ingress rule was added (from pods and ports). */
  readonly fallbackIngress?: { from: k8s.NetworkPolicyPeer[]; ports: number[] };
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

/** Rules by their JSON (a rule added twice is kept once), in the order they were first added. */
type Rules<R> = Map<string, R> | undefined;

/** `rules` with `rule` (keyed by `key`): the map is made with its first rule (most policies leave some kinds empty). */
function withRule<R>(rules: Rules<R>, key: string, rule: R): Map<string, R> {
  return (rules ?? new Map<string, R>()).set(key, rule);
}

/** The rules, in order. */
function rulesOf<R>(rules: Rules<R>): R[] {
  return rules ? [...rules.values()] : [];
}

export class TierNetworkPolicy {
  public readonly resource: k8s.KubeNetworkPolicy;
  private ingress: Rules<{ from: { from?: k8s.NetworkPolicyPeer[] }; ports: number[] }>;
  private egress: Rules<k8s.NetworkPolicyEgressRule>;
  /** Rules for peers named by selectors (scrapers): kept apart, so that they never replace the fallback ingress. */
  private selectorIngress: Rules<k8s.NetworkPolicyIngressRule>;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: TierNetworkPolicyProps,
  ) {
    this.resource = compact(
      new k8s.KubeNetworkPolicy(scope, id, {
        metadata: objectMeta(props.name, props.namespace, props.labels, props.annotations),
        spec: {
          podSelector: { matchLabels: { ...props.podSelector } },
          policyTypes: ['Ingress', 'Egress'],
          ingress: Lazy.any({ produce: () => this.ingressRules() }),
          egress: Lazy.any({ produce: () => [DNS_EGRESS, ...rulesOf(this.egress)] }),
        },
      }),
    );
  }

  /**
   * Lets traffic in on `ports` from `peer`, or from anywhere when no peer is given.
   * Ports that are not port numbers are left out (their tier reports them); a rule
   * left without ports is not added, since a rule without ports allows every port.
   * The list is read at synth, so ports the caller adds to it later are opened too.
   */
  public allowIngress(peer: INetworkPeer | undefined, ports: number[]): void {
    if (ports.filter(isPort).length === 0 || (peer && !this.nameable(peer))) return;
    const from = peer ? { from: [this.peerOf(peer)] } : {};
    // (the ports are read at synth: a tier's served ports can grow, e.g. by a published sidecar port)
    this.ingress = withRule(this.ingress, JSON.stringify(merged<{ from?: k8s.NetworkPolicyPeer[]; ports: number[] }>(from, { ports })), { from, ports });
  }

  /** Lets traffic in on `ports` from the pods `from` selects (e.g. a monitoring namespace's Prometheus), besides every other rule. */
  public allowIngressFromSelector(from: k8s.NetworkPolicyPeer, ports: number[]): void {
    const rule: k8s.NetworkPolicyIngressRule = { from: [from], ports: tcp(ports.filter(isPort)) };
    this.selectorIngress = withRule(this.selectorIngress, JSON.stringify(rule), rule);
  }

  /** Lets traffic out on `ports` to `peer` (ports that are not port numbers are left out, as for ingress). */
  public allowEgress(peer: INetworkPeer, ports: number[]): void {
    ports = ports.filter(isPort);
    if (ports.length === 0 || !this.nameable(peer)) return;
    const rule: k8s.NetworkPolicyEgressRule = { to: [this.peerOf(peer)], ports: tcp(ports) };
    this.egress = withRule(this.egress, JSON.stringify(rule), rule);
  }

  private ingressRules(): k8s.NetworkPolicyIngressRule[] {
    return [...this.peerIngressRules(), ...rulesOf(this.selectorIngress)];
  }

  private peerIngressRules(): k8s.NetworkPolicyIngressRule[] {
    const fallback = this.props.fallbackIngress;
    if (this.ingress === undefined && fallback) return [{ from: fallback.from, ports: tcp(fallback.ports.filter(isPort)) }];
    return rulesOf(this.ingress).map((r) => merged<k8s.NetworkPolicyIngressRule>(r.from, { ports: tcp(r.ports.filter(isPort)) }));
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
    const problems = this.props.problems;
    if (!ok) {
      // a tier of this library that reports problems reports these too; this policy only leaves the rule out meanwhile
      if (Problems.of(peer)?.empty === false) return ok;
      return (
        problems?.expect(ok, {
          prop: `network peer ${peer.node.path}`,
          value: { namespace, labels },
          rule: "a NetworkPolicy rule needs the peer's namespace (a DNS-1123 label) and pod labels (label keys and values)",
          fix: 'correct the namespace and labels of the peer (a tier of this library reports its own)',
        }) ?? ok
      );
    }
    // Without namespaces on both sides, rules name pods only and work in whatever namespace both are applied to;
    // a rule in a known namespace cannot name the pods of a peer whose namespace is not known.
    const own = namespaceOf(this.resource, this.props.namespace);
    // a namespace of this policy's own tier that is not a label is reported by that tier: leave the rule out quietly
    if (own !== undefined && !isDns1123Label(own)) return false;
    // (the message names the peer's path, which is built by walking the tree: only for a peer that is not located)
    if (namespace !== undefined || own === undefined) return true;
    return (
      problems?.expect(false, {
        prop: `network peer ${peer.node.path}`,
        value: namespace,
        rule: `the NetworkPolicy ${JSON.stringify(this.props.name)} is in namespace ${JSON.stringify(own)}, but the peer has no namespace (neither its namespace prop nor its chart's), so a rule cannot name where its pods run`,
        fix: 'give the chart of the peer a namespace (new Chart(app, id, { namespace })) or the peer its namespace prop; or leave both without one',
      }) ?? false
    );
  }

  private peerOf(peer: INetworkPeer): k8s.NetworkPolicyPeer {
    const podSelector = { matchLabels: { ...peer.podSelectorLabels } };
    // compare effective namespaces: a tier without a namespace prop lives in its chart's
    const peerNamespace = namespaceOf(peer, peer.namespace);
    // (a peer without a namespace is only named by a policy without one, see nameable())
    if (peerNamespace === undefined || peerNamespace === namespaceOf(this.resource, this.props.namespace)) return { podSelector };
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
