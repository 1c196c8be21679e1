/**
 * Services of the library's tiers, and the rule that no two Services of one
 * app ask for the same node port.
 */
import { Lazy } from 'cdk8s';
import { k8s } from './_k8s';
import { Construct, IConstruct, IValidation } from 'constructs';
import { formatProblem, ProblemDetails, Problems, show } from './_errors';
import { objectMeta } from './_labels';
import { checkNodePort } from './_rules';
import { compact } from './_l1';

export interface TierServicePort {
  readonly name: string;
  readonly port: number;
  /** Name of the container port the traffic goes to. */
  readonly targetPort: string;
  readonly nodePort?: number;
}

export interface TierServiceProps {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  /** The labels of the pods, kept as they are: a copy the caller never changes. */
  readonly selector: Record<string, string>;
  readonly type: string;
  readonly ports: TierServicePort[];
  /** A headless governing Service of a StatefulSet. */
  readonly headless?: boolean;
}

/** A Service of a tier (its name is claimed with {@link claimServiceName} when the tier resolves its props). */
export function tierService(scope: Construct, id: string, props: TierServiceProps): k8s.KubeService {
  return compact(
    new k8s.KubeService(scope, id, {
      metadata: objectMeta(props.name, props.namespace, props.labels, props.annotations),
      spec: Lazy.any(new ServiceSpec(props.type, props.headless === true, props.selector, props.ports)),
    }),
  );
}

/**
 * The spec of a tier's Service, rendered at synth (cdk8s' producer of its `spec` Lazy): less to keep than the
 * spec, and the ports are read then (published sidecar ports are added after the Service).
 */
class ServiceSpec {
  constructor(
    private readonly type: string,
    private readonly headless: boolean,
    private readonly selector: Record<string, string>,
    private readonly ports: readonly TierServicePort[],
  ) {}

  public produce(): k8s.ServiceSpec {
    const ports = this.ports.map((p) => ({
      name: p.name,
      port: p.port,
      targetPort: k8s.IntOrString.fromString(p.targetPort),
      protocol: 'TCP',
      ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}),
    }));
    return this.headless
      ? { type: this.type, clusterIp: 'None', publishNotReadyAddresses: true, selector: this.selector, ports }
      : { type: this.type, selector: this.selector, ports };
  }
}

/**
 * Owners of one claim (a Service name, a node port) in one app: the first owner as it is, a list once a second one
 * claims the same (a clash, reported at synth): most claims have one owner, and need no list.
 */
type Owners = IConstruct | IConstruct[];

/** Claims in each app (the root of the construct tree), by key. */
type Claims<K> = Map<K, Owners>;

/** Records that `owner` claims `key` in `claims`. */
function claim<K>(claims: Claims<K>, key: K, owner: IConstruct): void {
  const owners = claims.get(key);
  if (owners === undefined) claims.set(key, owner);
  else if (Array.isArray(owners)) owners.push(owner);
  else claims.set(key, [owners, owner]);
}

/**
 * The validation of one claim: a problem of `owner` when another owner in the app claims the same. (An object of
 * its own rather than a closure: one per claim, kept for the life of the tree.)
 */
abstract class Claim<K> implements IValidation {
  constructor(
    private readonly claims: Claims<K>,
    private readonly key: K,
    private readonly owner: IConstruct,
  ) {
    claim(claims, key, owner);
  }

  public validate(): string[] {
    const owners = this.claims.get(this.key);
    if (!Array.isArray(owners)) return [];
    const others = owners.filter((o) => o !== this.owner).map((o) => o.node.path);
    return others.length === 0 ? [] : [formatProblem(this.problem(others.join(', ')))];
  }

  /** The problem, given the paths of the other owners. */
  protected abstract problem(others: string): ProblemDetails;
}

/** Service names claimed in each app (the root of the construct tree), by namespace and name. */
const serviceNames = new WeakMap<IConstruct, Claims<string>>();

/** A Service name claimed in a namespace: two tiers of one name in one namespace would overwrite each other's objects. */
class ServiceNameClaim extends Claim<string> {
  constructor(
    claims: Claims<string>,
    key: string,
    owner: IConstruct,
    private readonly namespace: string | undefined,
    private readonly name: string,
  ) {
    super(claims, key, owner);
  }

  protected problem(others: string): ProblemDetails {
    const namespace = this.namespace;
    return {
      prop: 'name',
      value: this.name,
      rule: `names a Service that ${others} writes too${namespace !== undefined ? ` in namespace ${show(namespace)}` : ''}; one would overwrite the other`,
      fix: 'give each tier its own name in a namespace',
    };
  }
}

/**
 * Records that `owner` writes a Service `name` in `namespace`; at synth, every
 * owner of a Service that another owner writes too gets a problem (two tiers
 * of one name in one namespace would overwrite each other's objects). Claimed
 * by a tier whether or not it builds, so that the clash is reported with its other problems.
 */
export function claimServiceName(owner: IConstruct, namespace: string | undefined, name: string): void {
  const root = owner.node.root;
  const byName = serviceNames.get(root) ?? new Map<string, Owners>();
  serviceNames.set(root, byName);
  // (a namespace of the wrong type is reported by its tier; as text it still keys the claim)
  const key = JSON.stringify([namespace === undefined ? null : String(namespace), name]);
  owner.node.addValidation(new ServiceNameClaim(byName, key, owner, namespace, name));
}

/** Node ports claimed in each app (the root of the construct tree). */
const claims = new WeakMap<IConstruct, Claims<number>>();

/** A node port asked for (at `prop`): a node port belongs to one Service in the whole cluster. */
class NodePortClaim extends Claim<number> {
  constructor(
    claims: Claims<number>,
    owner: IConstruct,
    private readonly prop: string,
    private readonly nodePort: number,
  ) {
    super(claims, nodePort, owner);
  }

  protected problem(others: string): ProblemDetails {
    return {
      prop: this.prop,
      value: this.nodePort,
      rule: `is also asked for by ${others}; a node port belongs to one Service in the whole cluster`,
      fix: 'give each Service its own nodePort, or leave nodePort out to let the cluster choose',
    };
  }
}

/**
 * Records that `owner` asks for `nodePort`; at synth, every owner of a port
 * that another owner in the same app asks for too gets a problem.
 */
export function claimNodePort(owner: IConstruct, prop: string, nodePort: number): void {
  const root = owner.node.root;
  const byPort = claims.get(root) ?? new Map<number, Owners>();
  claims.set(root, byPort);
  owner.node.addValidation(new NodePortClaim(byPort, owner, prop, nodePort));
}

/**
 * Checks a requested node port against the Service type and the range, and
 * claims it in the app; returns the node port when one was asked for.
 */
export function resolveNodePort(owner: IConstruct, problems: Problems, serviceType: string, nodePort: number | undefined): number | undefined {
  if (nodePort === undefined) return undefined;
  if (serviceType !== 'NodePort')
    problems.add({
      prop: 'nodePort',
      value: nodePort,
      rule: `only a NodePort Service has a node port (serviceType is ${serviceType})`,
      fix: 'remove nodePort, or set serviceType to ServiceType.NODE_PORT',
    });
  if (checkNodePort(problems, 'nodePort', nodePort)) claimNodePort(owner, 'nodePort', nodePort);
  return nodePort;
}
