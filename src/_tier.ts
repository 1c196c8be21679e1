/**
 * The skeleton both tiers are built on: identity and labels, the hardened pod
 * template, the pod's volumes, the Services, the NetworkPolicy, the
 * PodDisruptionBudget and the connection methods. A tier resolves and checks
 * its props into one {@link TierSettings} value first; the skeleton then
 * builds from that value only. (Internal: jsii folds the members of this
 * hidden base class into each tier.)
 */
import { Chart } from 'cdk8s';
import { k8s } from './_k8s';
import { Construct } from 'constructs';
import { checkPeer } from './_connection';
import { ContainerBuilder } from './_container';
import { collectProblems, Problems, show, TiersError } from './_errors';
import { TierNetworkPolicy } from './_network-policy';
import { tierPdb } from './_pdb';
import { podSecurityContext, ResolvedSecurity, resolveResources, RoleResources, spreadAndAntiAffinity, writablePaths } from './_pod';
import { checkImageRegistry } from './_image';
import { INIT_CONTAINER_OPTIONS, READ_ONLY_VOLUME_OPTIONS } from './_keys';
import { checkProps } from './_props';
import {
  checkInteger,
  checkLabels,
  checkNamespaceAndAccount,
  checkPort,
  checkScope,
  checkTierName,
  isAbsolutePath,
  isDns1123Label,
  isDns1123Subdomain,
  listOf,
} from './_rules';
import { claimServiceName, resolveNodePort, tierService, TierServicePort } from './_service';
import { Connection, ConnectionSecret, IConnectable, INetworkPeer } from './connection';
import { EnvValue } from './env';
import { AppGuardrails } from './guardrails/synth';
import { checkImagePullSecrets, checkNodeAffinity, checkPriorityClassName, checkTolerations, renderNodeAffinity } from './_scheduling-rules';
import { ResourceOptions } from './resources';
import { NodeAffinityOptions, TolerationOptions } from './scheduling';
import { ServiceType } from './service-type';
import { TierProps } from './tier-props';
import { ReadOnlyVolumeOptions } from './volume-claim';
import { merged } from './_merge';

/** Default resources of the helper containers of a pod (sidecars, init containers). */
export const HELPER_RESOURCES = new RoleResources({
  cpuRequest: '50m',
  memoryRequest: '64Mi',
  memoryLimit: '128Mi',
  ephemeralStorageRequest: '32Mi',
  ephemeralStorageLimit: '128Mi',
});

/** Resolves and checks the init containers: hardened, each with its own `/tmp`, names unique in the pod. */
export function resolveInitContainers(p: Problems, props: TierProps, main: ContainerBuilder, volumes: PodVolumes): ContainerBuilder[] {
  const built: ContainerBuilder[] = [];
  listOf(p, 'initContainers', props.initContainers).forEach((o, i) => {
    const prop = `initContainers[${i}]`;
    if (!((o !== null && o !== undefined) || p.fail({ prop, value: o, rule: 'must be InitContainerOptions', fix: 'give at least { name, image }' }))) return;
    if (!checkProps(p, prop, o, INIT_CONTAINER_OPTIONS)) return;
    const c = new ContainerBuilder(p, `${prop}.`, {
      name: o.name,
      image: o.image,
      command: o.command,
      args: o.args,
      env: o.env,
      init: true,
      resources: resolveResources(p, `${prop}.resources`, o.resources, HELPER_RESOURCES),
    });
    const taken = [main, ...built].map((b) => b.name);
    if (!(
      !taken.includes(c.name) ||
      p.fail({
        prop: `${prop}.name`,
        value: c.name,
        rule: 'container names must be unique in the pod',
        fix: 'give each container its own name',
      })
    ))
      return;
    volumes.addWritable(`${prop}.writablePaths`, c, writablePaths(p, `${prop}.writablePaths`, `init-${String(o.name)}`, o.writablePaths));
    built.push(c);
  });
  return built;
}

/** How the pods of one more workload of a tier differ from the tier's own (a replicated database's replicas). */
export interface PodVariant {
  /** Labels on top of the tier's. */
  readonly labels: Record<string, string>;
  /** Init containers that run before the tier's. @default - none */
  readonly initContainers?: ContainerBuilder[];
  /** Changes the rendered main container. @default - none */
  readonly main?: (c: k8s.Container) => k8s.Container;
}

/** What every tier resolves from its props before anything is built. */
export interface TierSettings {
  readonly name: string;
  readonly namespace?: string;
  /** The namespace the objects land in: the tier's, else the chart's. */
  readonly chartNamespace?: string;
  /** The main container (checked), and the container the pod's volumes are first mounted in. */
  readonly main: ContainerBuilder;
  readonly port: number;
  readonly portName: string;
  readonly labels: Record<string, string>;
  readonly podSelectorLabels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly serviceAccountName?: string;
  readonly security: ResolvedSecurity;
  /** The main container's requests and limits, every default filled in. */
  readonly resources: ResourceOptions;
  readonly timing: TierTiming;
  readonly service: TierServiceSettings;
  readonly volumes: PodVolumes;
  readonly scheduling: PodScheduling;
  readonly initContainers: ContainerBuilder[];
  /** Whether more than one pod runs (spreading, anti-affinity, a disruption budget). */
  readonly several: boolean;
}

export interface TierTiming {
  readonly minReadySeconds: number;
  readonly revisionHistoryLimit: number;
  readonly terminationGracePeriodSeconds: number;
}

export interface TierServiceSettings {
  readonly serviceType: ServiceType;
  readonly servicePort: number;
  readonly nodePort?: number;
}

/** Where the pods run and what they pull with: the same props on every tier. */
export interface PodScheduling {
  readonly priorityClassName?: string;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: TolerationOptions[];
  readonly imagePullSecrets: string[];
  readonly imageRegistry?: string;
  readonly nodeAffinity?: NodeAffinityOptions;
}

/** Resolves and checks priorityClassName, nodeSelector, tolerations, imagePullSecrets, imageRegistry and nodeAffinity (platform defaults applied). */
export function resolveScheduling(p: Problems, props: TierProps): PodScheduling {
  const { priorityClassName, nodeSelector, imageRegistry, nodeAffinity } = props;
  if (priorityClassName !== undefined) checkPriorityClassName(p, 'priorityClassName', priorityClassName);
  checkLabels(p, 'nodeSelector', nodeSelector);
  const tolerations = checkTolerations(p, 'tolerations', props.tolerations);
  const secrets = checkImagePullSecrets(p, 'imagePullSecrets', props.imagePullSecrets);
  const registry = imageRegistry === undefined || checkImageRegistry(p, 'imageRegistry', imageRegistry) ? imageRegistry : undefined;
  const affinity = checkNodeAffinity(p, 'nodeAffinity', nodeAffinity) ? nodeAffinity : undefined;
  return {
    priorityClassName,
    nodeSelector: { ...nodeSelector },
    tolerations: [...tolerations],
    imagePullSecrets: [...secrets],
    ...(registry !== undefined ? { imageRegistry: registry } : {}),
    ...(affinity !== undefined ? { nodeAffinity: affinity } : {}),
  };
}

/** The name rule of a tier kind. */
export interface TierNameRule {
  readonly max: number;
  readonly why: string;
  readonly example: string;
}

/** Resolves and checks the name and namespace of a tier. */
export function resolveName(p: Problems, self: Construct, id: string, props: TierProps, rule: TierNameRule) {
  const given: unknown = props.name ?? id;
  // a name that is not a string is reported as such; the objects are built with it as text
  const name = typeof given === 'string' ? given : String(given);
  checkTierName(p, given, rule.max, rule.why, rule.example);
  checkNamespaceAndAccount(p, props.namespace, props.serviceAccountName, self);
  return { name, rawName: given, namespace: props.namespace, chartNamespace: props.namespace ?? Chart.of(self).namespace };
}

/** Resolves and checks the timing props, given the tier's defaults. */
export function resolveTiming(p: Problems, props: TierProps, defaults: { minReadySeconds: number; terminationGracePeriodSeconds: number }): TierTiming {
  const timing = {
    minReadySeconds: props.minReadySeconds ?? defaults.minReadySeconds,
    revisionHistoryLimit: props.revisionHistoryLimit ?? 10,
    terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? defaults.terminationGracePeriodSeconds,
  };
  checkInteger(p, 'minReadySeconds', timing.minReadySeconds, 0);
  checkInteger(p, 'revisionHistoryLimit', timing.revisionHistoryLimit, 0);
  checkInteger(p, 'terminationGracePeriodSeconds', timing.terminationGracePeriodSeconds, 0, Number.MAX_SAFE_INTEGER); // an int64
  return timing;
}

/** The values of ServiceType (made once). */
const SERVICE_TYPES: readonly string[] = Object.values(ServiceType);

/** Resolves and checks the client Service props, given the tier's default type and port. */
export function resolveServiceSettings(p: Problems, self: Construct, props: TierProps, defaultType: ServiceType, defaultPort: number): TierServiceSettings {
  const serviceType = props.serviceType ?? defaultType;
  // (the message is made only when it is reported: this runs for every tier)
  if (!SERVICE_TYPES.includes(serviceType)) {
    const other = defaultType === ServiceType.NODE_PORT ? 'CLUSTER_IP' : 'NODE_PORT';
    const typeName = defaultType === ServiceType.NODE_PORT ? 'NODE_PORT' : 'CLUSTER_IP';
    p.add({
      prop: 'serviceType',
      value: serviceType,
      rule: `must be ServiceType.${typeName} or ServiceType.${other}`,
      fix: 'pick one of the two',
    });
  }
  const servicePort = props.servicePort ?? defaultPort;
  // (a default port is checked where it comes from)
  if (props.servicePort !== undefined) checkPort(p, 'servicePort', servicePort);
  return { serviceType, servicePort, nodePort: resolveNodePort(self, p, serviceType, props.nodePort) };
}

/**
 * The volumes of a pod: pod volumes and claim templates share one set of
 * names, and no container mounts two volumes at one path.
 */
export class PodVolumes {
  /**
   * The names of the pod's volumes and claim templates and, after each, who added it: pairs in one list, looked
   * up in turn (a pod has a few). Lists here grow by a copy one longer (concat): a push leaves room for 16 more,
   * kept for the life of the tree.
   */
  private owners: string[] = [];
  private added: k8s.Volume[] = [];

  constructor(private readonly problems: Problems) {}

  /** The pod's volumes, in the order they were added. */
  public get volumes(): readonly k8s.Volume[] {
    return this.added;
  }

  /**
   * Registers the volume of `mount` (owned by `owner`; `volume` is the pod
   * volume, none for a claim template) and mounts it in `container`; a clash
   * is a problem of `prop`.
   */
  public add(owner: string, prop: string, container: ContainerBuilder, mount: k8s.VolumeMount, volume?: k8s.Volume): void {
    const taken = this.ownerOf(mount.name);
    if (taken !== undefined) {
      this.problems.add({
        prop,
        value: mount.name,
        rule: `the volume name is already used by ${taken} (pod volumes and claim templates share one set of names)`,
        fix: 'give the claim another name, or choose a path whose derived volume name differs',
      });
      return;
    }
    this.owners = this.owners.concat([mount.name, owner]);
    if (volume) this.added = this.added.concat([volume]);
    this.mount(prop, container, mount);
  }

  /** Who added the volume or claim template `name`, if one was added. */
  private ownerOf(name: string): string | undefined {
    for (let i = 0; i < this.owners.length; i += 2) if (this.owners[i] === name) return this.owners[i + 1];
    return undefined;
  }

  /** Mounts a registered volume in one more container. */
  public mount(prop: string, container: ContainerBuilder, mount: k8s.VolumeMount): void {
    if (!container.mountsAt(mount.mountPath)) container.addMount(mount);
    else {
      this.problems.add({
        prop,
        value: mount.mountPath,
        rule: `container ${show(container.name)} already mounts a volume at that path`,
        fix: 'use a different path',
      });
    }
  }

  /** Adds the Secrets and ConfigMaps of `readOnlyVolumes`, mounted read-only in `container`. */
  public addReadOnly(container: ContainerBuilder, given: readonly ReadOnlyVolumeOptions[] | undefined): void {
    const p = this.problems;
    listOf(p, 'readOnlyVolumes', given).forEach((v, i) => {
      const prop = `readOnlyVolumes[${i}]`;
      if (!((v !== null && v !== undefined) || p.fail({ prop, value: v, rule: 'must be ReadOnlyVolumeOptions', fix: 'give { name, mountPath, secretName }' })))
        return;
      if (!checkProps(p, prop, v, READ_ONLY_VOLUME_OPTIONS)) return;
      const ok = [
        isDns1123Label(v.name) || p.fail({ prop: `${prop}.name`, value: v.name, rule: 'a volume name must be a DNS-1123 label', fix: 'use a name like "tls"' }),
        isAbsolutePath(v.mountPath) ||
          p.fail({
            prop: `${prop}.mountPath`,
            value: v.mountPath,
            rule: 'must be an absolute path',
            fix: 'use a path like "/etc/tls"',
          }),
        (v.secretName === undefined) !== (v.configMapName === undefined) ||
          p.fail({
            prop,
            value: { secretName: v.secretName, configMapName: v.configMapName },
            rule: 'needs exactly one of secretName and configMapName',
            fix: 'name the Secret or the ConfigMap to mount (one volume each)',
          }),
        isDns1123Subdomain(v.secretName ?? v.configMapName) ||
          p.fail({
            prop: `${prop}.${v.secretName !== undefined ? 'secretName' : 'configMapName'}`,
            value: v.secretName ?? v.configMapName,
            rule: 'must be a Secret or ConfigMap name (a DNS-1123 subdomain)',
            fix: 'name an object in the tier\'s namespace, e.g. "shop-tls"',
          }),
      ].every(Boolean);
      if (!ok) return;
      const source = v.secretName !== undefined ? { secret: { secretName: v.secretName } } : { configMap: { name: v.configMapName as string } };
      this.add(prop, prop, container, { name: v.name, mountPath: v.mountPath, readOnly: true }, { name: v.name, ...source });
    });
  }

  /** Adds the writable emptyDirs of `writablePaths(...)`, mounted in `container`. */
  public addWritable(prop: string, container: ContainerBuilder, w: { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] }): void {
    w.mounts.forEach((m, i) => this.add(prop, prop, container, m, w.volumes[i]));
  }
}

/** @internal */
export abstract class TierBase extends Construct implements IConnectable {
  /** Name of every object. */
  public readonly name: string;
  /** Namespace of every object (undefined: the chart's, or the one applied to). */
  public readonly namespace?: string;
  /** Container port. */
  public readonly port: number;
  /** Container port name. */
  public readonly portName: string;
  /** Port of the client Service. */
  public readonly servicePort: number;
  /** Type of the client Service. */
  public readonly serviceType: ServiceType;
  /** Fixed node port, if one was asked for. */
  public readonly nodePort?: number;
  /** Labels on every object. */
  public readonly labels: { [key: string]: string };
  /** Labels that select the pods: name and instance. */
  public readonly podSelectorLabels: { [key: string]: string };
  /** Seconds a new pod must be ready before it counts as available. */
  public readonly minReadySeconds: number;
  /** Old revisions kept for rollback. */
  public readonly revisionHistoryLimit: number;
  /** Seconds a pod gets to shut down after SIGTERM. */
  public readonly terminationGracePeriodSeconds: number;
  /** PriorityClass of the pods, if one was named. */
  public readonly priorityClassName?: string;
  /** Node labels the pods' nodes must have (empty: any node). */
  public readonly nodeSelector: { [key: string]: string };
  /** Taints the pods tolerate. */
  public readonly tolerations: TolerationOptions[];
  /** Secrets the images are pulled with. */
  public readonly imagePullSecrets: string[];
  /** Registry every image is pulled from instead of its own (a mirror), if one was set. */
  public readonly imageRegistry?: string;
  /** Node affinity of the pods, if any was set. */
  public readonly nodeAffinity?: NodeAffinityOptions;
  /** Extra annotations on every object and pod (besides the library's own). */
  public readonly annotations: { [key: string]: string };
  /** User id of every container. */
  public readonly runAsUser: number;
  /** Group id of every container. */
  public readonly runAsGroup: number;
  /** Group that owns mounted volumes, if one is set. */
  public readonly fsGroup?: number;
  /** Requests and limits of the main container. */
  public readonly resources: ResourceOptions;

  /** @internal */
  protected readonly _problems: Problems;
  /** @internal */
  protected readonly _settings: TierSettings;
  /** @internal */
  protected readonly _containers: ContainerBuilder[];
  /**
   * @internal The pod selector labels as they were when the tier was built: one copy that every object of the tier
   * selects its pods by (workloads, Services, budget, NetworkPolicy); `podSelectorLabels` is the user's to change.
   */
  protected readonly _selector: Record<string, string>;
  private _service?: k8s.KubeService;
  /** The client Service's ports and the pod ports clients may reach (both grow with published sidecar ports). */
  private readonly _servicePorts: TierServicePort[];
  private readonly _servedPorts: number[];
  private _policy?: TierNetworkPolicy;
  private _pdb?: k8s.KubePodDisruptionBudget;

  /** @internal */
  protected constructor(scope: Construct, id: string, kind: string, resolve: (p: Problems, self: Construct) => TierSettings) {
    checkScope(kind, scope, id);
    super(scope, id);
    AppGuardrails.enable(this);
    this._problems = new Problems(this);
    const s = (this._settings = resolve(this._problems, this));
    this.name = s.name;
    this.namespace = s.namespace;
    this.port = s.port;
    this.portName = s.portName;
    this.labels = s.labels;
    this.podSelectorLabels = s.podSelectorLabels;
    ({ serviceType: this.serviceType, servicePort: this.servicePort, nodePort: this.nodePort } = s.service);
    ({
      minReadySeconds: this.minReadySeconds,
      revisionHistoryLimit: this.revisionHistoryLimit,
      terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
    } = s.timing);
    ({ priorityClassName: this.priorityClassName, nodeSelector: this.nodeSelector } = s.scheduling);
    ({ tolerations: this.tolerations, imagePullSecrets: this.imagePullSecrets } = s.scheduling);
    ({ imageRegistry: this.imageRegistry, nodeAffinity: this.nodeAffinity } = s.scheduling);
    ({ runAsUser: this.runAsUser, runAsGroup: this.runAsGroup, fsGroup: this.fsGroup } = s.security);
    this.annotations = { ...s.annotations };
    this.resources = s.resources;
    this._containers = [s.main];
    this._selector = { ...s.podSelectorLabels };
    // (lists made with their first entry are as long as that; most tiers add none)
    this._servicePorts = [{ name: s.portName, port: s.service.servicePort, targetPort: s.portName, nodePort: s.service.nodePort }];
    this._servedPorts = [s.port];
  }

  /** The Service clients connect to. A tier whose props have a problem builds nothing: reading it then throws those problems. */
  public get service(): k8s.KubeService {
    return this._child(this._service);
  }

  /** The NetworkPolicy of the pods. A tier whose props have a problem builds nothing: reading it then throws those problems. */
  public get networkPolicy(): k8s.KubeNetworkPolicy {
    return this._child(this._policy).resource;
  }

  /** The PodDisruptionBudget, when more than one pod runs. */
  public get podDisruptionBudget(): k8s.KubePodDisruptionBudget | undefined {
    return this._pdb;
  }

  /** DNS name of the client Service: fully qualified when the namespace is known. */
  public get host(): string {
    const ns = this._settings.chartNamespace;
    return ns ? `${this.name}.${ns}.svc.cluster.local` : this.name;
  }

  /** Lets `client`'s pods in on the container port, and tells the client how to connect. */
  public acceptConnectionFrom(client: INetworkPeer): Connection {
    if (checkPeer(this._problems, 'acceptConnectionFrom', client)) this._policy?.allowIngress(client, this._servedPorts);
    const secret = this._clientSecret();
    return { host: this.host, port: this.servicePort, podPort: this.port, env: this._clientEnv(), ...(secret ? { secret } : {}) };
  }

  /** Lets traffic out of this tier's pods to `peer` on `port` (a pod port) beyond DNS, for peers that are not tiers of this library. */
  public allowEgressTo(peer: INetworkPeer, port: number): void {
    if (!checkPeer(this._problems, 'allowEgressTo', peer)) return;
    checkPort(this._problems, `allowEgressTo(${peer.node.path}) port`, port);
    this._policy?.allowEgress(peer, [port]);
  }

  /** @internal What a client gets to connect with besides host and port. */
  protected _clientEnv(): { [suffix: string]: EnvValue } {
    return {};
  }

  /** @internal The Secret behind the credentials of `_clientEnv`, if any. */
  protected _clientSecret(): ConnectionSecret | undefined {
    return undefined;
  }

  /**
   * @internal Whether the tier built its children (its workload is `node.defaultChild`). A tier builds them only
   * when its props resolved without a problem: a tier with a problem builds nothing, so nothing is built from an
   * invalid value; its synth reports every problem together and writes nothing, and reading one of its children
   * throws those problems.
   */
  public get _complete(): boolean {
    return this.node.defaultChild !== undefined;
  }

  /** @internal Claims the name of a Service the tier writes (also when it builds nothing: a clash is a problem of its props). */
  protected _claimServiceName(name: string): void {
    claimServiceName(this, this._settings.namespace ?? Chart.of(this).namespace, name);
  }

  /** @internal The NetworkPolicy builder (none when the tier built nothing). */
  protected get _networkPolicy(): TierNetworkPolicy | undefined {
    return this._policy;
  }

  /** @internal `child`, built when the tier is complete; reading a child of a tier that built nothing throws its problems. */
  protected _child<T>(child: T | undefined): T {
    if (child === undefined) throw new TiersError(collectProblems(this));
    return child;
  }

  /**
   * @internal The hardened pod template (every container, every volume, spreading when several pods run), rendered
   * each time the returned function is called: at synth, so the workload does not hold it for the life of the tree.
   * What the user could still change after the tier is built (the maps and lists of its props and public fields)
   * is copied now, as the template has always had it; containers, init containers and volumes are read when it is
   * rendered, as they always were (connections and sidecars add to them).
   */
  protected _podTemplate(annotations: Record<string, string>, matchLabelKeys?: string[], variant?: PodVariant): () => k8s.PodTemplateSpec {
    const s = this._settings;
    const labels = merged(s.labels, variant?.labels);
    const podAnnotations = merged(s.annotations, { 'kubectl.kubernetes.io/default-container': s.name }, annotations);
    const selector = s.several ? this._selector : undefined;
    const rendered = renderScheduling(s.scheduling);
    // (most pods set none of them: no empty object kept for them)
    const scheduling = Object.keys(rendered).length ? rendered : undefined;
    const nodeAffinity = s.scheduling.nodeAffinity ? renderNodeAffinity(s.scheduling.nodeAffinity) : undefined;
    const inits = variant?.initContainers?.length ? [...variant.initContainers, ...s.initContainers] : s.initContainers;
    return () => {
      const registry = s.scheduling.imageRegistry;
      const spread = selector ? spreadAndAntiAffinity(selector, matchLabelKeys) : {};
      const affinity = nodeAffinity || spread.affinity ? merged(nodeAffinity ? { nodeAffinity } : undefined, spread.affinity) : undefined;
      const main = variant?.main;
      return {
        metadata: { labels: { ...labels }, annotations: { ...podAnnotations } },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          ...(s.serviceAccountName ? { serviceAccountName: s.serviceAccountName } : {}),
          securityContext: podSecurityContext(s.security),
          terminationGracePeriodSeconds: s.timing.terminationGracePeriodSeconds,
          ...scheduling,
          ...(inits.length ? { initContainers: inits.map((c) => c.render(registry)) } : {}),
          containers: this._containers.map((c, i) => (i === 0 && main ? main(c.render(registry)) : c.render(registry))),
          volumes: [...s.volumes.volumes],
          ...(spread.topologySpreadConstraints ? { topologySpreadConstraints: spread.topologySpreadConstraints } : {}),
          ...(affinity ? { affinity } : {}),
        },
      };
    };
  }

  /**
   * @internal A Service of the pods on the container port; the client Service unless `headlessName` is given;
   * `selector` narrows the pods it selects.
   */
  protected _publish(headlessName?: string, selector?: Record<string, string>): k8s.KubeService {
    const s = this._settings;
    const { namespace, labels, annotations } = s;
    const pods = selector ? merged(this._selector, selector) : this._selector;
    if (headlessName !== undefined) {
      const ports = [{ name: s.portName, port: s.port, targetPort: s.portName }];
      return tierService(this, 'headless', {
        namespace,
        labels,
        annotations,
        selector: pods,
        name: headlessName,
        type: ServiceType.CLUSTER_IP,
        headless: true,
        ports,
      });
    }
    const type = s.service.serviceType;
    return (this._service = tierService(this, 'service', { namespace, labels, annotations, selector: pods, name: s.name, type, ports: this._servicePorts }));
  }

  /**
   * @internal The NetworkPolicy: the served ports open to every source for a NodePort Service, else only to what
   * connects (or to `fallbackFrom` until something does).
   */
  protected _fence(fallbackFrom?: readonly k8s.NetworkPolicyPeer[]): void {
    const s = this._settings;
    const policy = new TierNetworkPolicy(this, 'network-policy', {
      name: s.name,
      namespace: s.namespace,
      labels: s.labels,
      annotations: s.annotations,
      podSelector: this._selector,
      problems: this._problems,
      ...(fallbackFrom ? { fallbackIngress: { from: fallbackFrom, ports: this._servedPorts } } : {}),
    });
    this._policy = policy;
    if (s.service.serviceType === ServiceType.NODE_PORT) policy.allowIngress(undefined, this._servedPorts);
  }

  /**
   * @internal Publishes one more container port on the client Service (under the container port's name) and opens it
   * to whoever may reach the main port; a port number the Service already has is a problem of `prop`.
   */
  protected _publishPort(prop: string, name: string, port: number): void {
    const clash = this._servicePorts.find((sp) => sp.port === port);
    if (!(
      clash === undefined ||
      this._problems.fail({
        prop,
        value: port,
        rule: `the Service already has port ${port} (${show(clash?.name)}), and a Service port number can be used once`,
        fix: 'give the sidecar another port, or change servicePort',
      })
    ))
      return;
    this._servicePorts.push({ name, port, targetPort: name });
    this._servedPorts.push(port);
  }

  /** @internal The PodDisruptionBudget, when several pods run. */
  protected _budget(unhealthyPodEvictionPolicy: 'AlwaysAllow' | 'IfHealthyBudget'): void {
    const s = this._settings;
    if (!s.several) return;
    this._pdb = tierPdb(this, 'pdb', {
      name: s.name,
      namespace: s.namespace,
      labels: s.labels,
      annotations: s.annotations,
      selector: this._selector,
      unhealthyPodEvictionPolicy,
    });
  }
}

/** The scheduling fields of a pod spec (only those that are set, so that other output stays as it was). */
export function renderScheduling(s: PodScheduling): Partial<k8s.PodSpec> {
  return merged<Partial<k8s.PodSpec>>(
    s.priorityClassName !== undefined ? { priorityClassName: s.priorityClassName } : undefined,
    Object.keys(s.nodeSelector).length ? { nodeSelector: { ...s.nodeSelector } } : undefined,
    s.tolerations.length ? { tolerations: s.tolerations.map((t) => ({ ...t })) } : undefined,
    s.imagePullSecrets.length ? { imagePullSecrets: s.imagePullSecrets.map((name) => ({ name })) } : undefined,
  );
}
