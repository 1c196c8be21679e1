import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerBuilder } from './_container';
import { Problems, show } from './_errors';
import { CLAIM_RETENTION_POLICY, DATABASE_PROPS, VOLUME_CLAIM_OPTIONS } from './_keys';
import { checkProps, constructProps } from './_props';
import { LABEL_MANAGED_BY, MANAGED_BY, objectMeta, resolveIdentity, selectorLabels, tierLabels } from './_labels';
import { checkPeer } from './_connection';
import { TierNetworkPolicy } from './_network-policy';
import { tierPdb } from './_pdb';
import { podSecurityContext, resolveResources, resolveSecurity, spreadAndAntiAffinity, writablePaths } from './_pod';
import { quantityValue } from './_quantity';
import {
  checkInteger,
  checkNamespaceAndAccount,
  checkPort,
  checkScope,
  checkMap,
  checkStringList,
  checkTierName,
  isAbsolutePath,
  listOf,
  isDns1123Label,
  isDns1123Subdomain,
  isString,
} from './_rules';
import { resolveNodePort, tierService } from './_service';
import { Connection, IConnectable, INetworkPeer } from './connection';
import { DatabaseEngine } from './engines';
import { EnvValue } from './env';
import { Probe } from './probe';
import { AppGuardrails } from './guardrails/synth';
import { WAIVER_ANNOTATION } from './guardrails/waivers';
import { ServiceType } from './service-type';
import { PodManagementPolicy, StatefulUpdate } from './stateful-update';
import { TierProps } from './tier-props';
import { ClaimRetention, ClaimRetentionPolicy, VolumeAccessMode, VolumeClaimOptions } from './volume-claim';

/**
 * Props of {@link StatefulDatabase}. Besides the shared {@link TierProps}, whose
 * database defaults are: name at most 52 characters, component "database",
 * minReadySeconds 10, terminationGracePeriodSeconds 120, `ServiceType.CLUSTER_IP`
 * on the engine's port, the engine's exec probes, requests 250m CPU / 512Mi
 * memory / 128Mi disk and limits 1Gi memory / 1Gi disk, fsGroup equal to the gid.
 */
export interface StatefulDatabaseProps extends TierProps {
  /** The server: `DatabaseEngine.postgres({ version: '16.4' })`, `.mysql(...)`, `.redis(...)` or `.custom(...)`. */
  readonly engine: DatabaseEngine;
  /**
   * Name of a Secret you create in the same namespace that holds the
   * credentials; the library only references it (the keys: see the engine,
   * `engine.secretKeys`).
   * @default - required for the postgres, mysql and redis presets; not used by a custom engine
   */
  readonly secretName?: string;

  /**
   * Desired pods. The presets run one server without replication, so they allow 0 or 1.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * How pods are created and removed.
   * @default PodManagementPolicy.ORDERED_READY
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#pod-management-policies
   */
  readonly podManagementPolicy?: PodManagementPolicy;
  /**
   * How pods are replaced when the template changes.
   * @default StatefulUpdate.rollingUpdate() (partition 0)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies
   */
  readonly updateStrategy?: StatefulUpdate;

  /**
   * Size of each replica's data claim (`data`), a Kubernetes quantity of at least 1Mi.
   * @default "10Gi"
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/#persistentvolumeclaims
   */
  readonly storage?: string;
  /** StorageClass of the data claim; `""` binds only to volumes without a class. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /** Access modes of the data claim. @default [VolumeAccessMode.READ_WRITE_ONCE] */
  readonly accessModes?: VolumeAccessMode[];
  /** More claims per replica, mounted by name. @default - none */
  readonly volumeClaims?: VolumeClaimOptions[];
  /**
   * What happens to the claims when the StatefulSet is deleted or scaled down.
   * @default - Retain and Retain
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention
   */
  readonly claimRetention?: ClaimRetentionPolicy;

  /** More server arguments, after the engine's. @default - none */
  readonly args?: string[];
}

const DB_RESOURCES = { cpuRequest: '250m', memoryRequest: '512Mi', memoryLimit: '1Gi', ephemeralStorageRequest: '128Mi', ephemeralStorageLimit: '1Gi' };
const DATA_CLAIM = 'data';
const MIN_CLAIM_BYTES = 2 ** 20;
const MAX_NAME = 52;
const RETAIN_WAIVER = 'policy/retain-volumes=claimRetention asks for ClaimRetention.DELETE by name';

/**
 * A database tier: a StatefulSet whose replicas keep their names, DNS entries
 * and data (one PersistentVolumeClaim each, retained by default) through
 * restarts, rescheduling, scale-down and deletion; a headless governing
 * Service, a client Service, a NetworkPolicy that lets in only connected
 * tiers, and the same pod hardening as the web tier.
 */
export class StatefulDatabase extends Construct implements IConnectable {
  /** Name of the StatefulSet, the client Service and every other object. */
  public readonly name: string;
  /** Namespace of every object (undefined: the chart's, or the one applied to). */
  public readonly namespace?: string;
  /** The engine. */
  public readonly engine: DatabaseEngine;
  /** Desired pods. */
  public readonly replicas: number;
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
  /** Name of the headless governing Service (`<name>-headless`). */
  public readonly headlessServiceName: string;
  /** Size of each replica's data claim. */
  public readonly storage: string;
  /** StorageClass of the data claim, if one was named. */
  public readonly storageClassName?: string;
  /** Access modes of the data claim. */
  public readonly accessModes: VolumeAccessMode[];
  /** Where the data claim is mounted in the container. */
  public readonly dataPath: string;
  /** What happens to the claims when the StatefulSet is deleted. */
  public readonly whenDeleted: ClaimRetention;
  /** What happens to a replica's claims when it is scaled away. */
  public readonly whenScaled: ClaimRetention;
  /** Pod management policy. */
  public readonly podManagementPolicy: PodManagementPolicy;
  /** Update strategy. */
  public readonly updateStrategy: StatefulUpdate;
  /** Seconds a new pod must be ready before it counts as available. */
  public readonly minReadySeconds: number;
  /** Old revisions kept. */
  public readonly revisionHistoryLimit: number;
  /** Seconds the server gets to shut down. */
  public readonly terminationGracePeriodSeconds: number;
  /** The Secret of credentials, if one was named. */
  public readonly secretName?: string;
  /** Labels on every object. */
  public readonly labels: { [key: string]: string };
  /** Labels that select the pods: name and instance. */
  public readonly podSelectorLabels: { [key: string]: string };

  /** The StatefulSet (also `node.defaultChild`). */
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The headless Service that gives each replica its DNS name. */
  public readonly headlessService: k8s.KubeService;
  /** The Service clients connect to. */
  public readonly service: k8s.KubeService;
  /** The NetworkPolicy of the pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** The PodDisruptionBudget, when more than one replica runs. */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;

  private readonly problems: Problems;
  private readonly policy: TierNetworkPolicy;
  private readonly clientEnv: { [suffix: string]: EnvValue };
  private readonly chartNamespace?: string;

  constructor(scope: Construct, id: string, props: StatefulDatabaseProps) {
    checkScope('StatefulDatabase', scope, id);
    super(scope, id);
    AppGuardrails.enable(this);
    const p = (this.problems = new Problems(this));
    props = constructProps(p, props, DATABASE_PROPS);

    const name: unknown = props.name ?? id;
    // a name that is not a string is reported as such (below); the objects are built with it as text
    this.name = typeof name === 'string' ? name : String(name);
    checkTierName(p, name, MAX_NAME, 'the StatefulSet controller adds "-<hash>" to it in a label of at most 63; it also names the Services', 'orders-db');
    this.namespace = props.namespace;
    checkNamespaceAndAccount(p, this.namespace, props.serviceAccountName, this);
    this.chartNamespace = this.namespace ?? Chart.of(this).namespace;
    this.headlessServiceName = `${this.name}-headless`;

    // ---- engine and credentials
    const engine = props.engine;
    const engineOk = p.expect(engine instanceof DatabaseEngine, {
      prop: 'engine',
      value: engine,
      rule: 'must be a DatabaseEngine',
      fix: "use DatabaseEngine.postgres({ version: '16.4' }), .mysql(...), .redis(...) or .custom(...)",
    });
    this.engine = engineOk ? engine : standInEngine();
    this.secretName = props.secretName;
    // (the raw name: an engine derives nothing from a name that is not a string, which is reported above)
    const b = this.engine._bind(p, { name: name as string, secretName: engineOk ? this.checkSecret(props.secretName) : undefined });
    this.clientEnv = b.clientEnv;

    // ---- scale and rollout
    this.replicas = props.replicas ?? 1;
    const replicasOk = checkInteger(p, 'replicas', this.replicas, 0);
    if (replicasOk && b.maxReplicas !== undefined) {
      p.expect(this.replicas <= b.maxReplicas, {
        prop: 'replicas',
        value: this.replicas,
        rule: `the ${this.engine.engine} preset runs one server without replication (at most ${b.maxReplicas}): more replicas would be independent databases behind one Service, each with part of the data`,
        fix: 'keep replicas at 1 (0 stops the server and keeps its data), or use DatabaseEngine.custom({...}) with an image that replicates itself',
      });
    }
    const several = replicasOk && this.replicas > 1;
    this.podManagementPolicy = props.podManagementPolicy ?? PodManagementPolicy.ORDERED_READY;
    p.expect(Object.values(PodManagementPolicy).includes(this.podManagementPolicy), {
      prop: 'podManagementPolicy',
      value: this.podManagementPolicy,
      rule: 'must be PodManagementPolicy.ORDERED_READY or PodManagementPolicy.PARALLEL',
      fix: 'pick one of the two',
    });
    this.updateStrategy = props.updateStrategy ?? StatefulUpdate.rollingUpdate();
    if (
      p.expect(this.updateStrategy instanceof StatefulUpdate, {
        prop: 'updateStrategy',
        value: this.updateStrategy,
        rule: 'must be a StatefulUpdate',
        fix: 'use StatefulUpdate.rollingUpdate({ partition }) or StatefulUpdate.onDelete()',
      })
    )
      this.updateStrategy._check(p, 'updateStrategy', replicasOk ? this.replicas : undefined);
    this.minReadySeconds = props.minReadySeconds ?? 10;
    this.revisionHistoryLimit = props.revisionHistoryLimit ?? 10;
    this.terminationGracePeriodSeconds = props.terminationGracePeriodSeconds ?? 120;
    checkInteger(p, 'minReadySeconds', this.minReadySeconds, 0);
    checkInteger(p, 'revisionHistoryLimit', this.revisionHistoryLimit, 0);
    checkInteger(p, 'terminationGracePeriodSeconds', this.terminationGracePeriodSeconds, 0, Number.MAX_SAFE_INTEGER); // an int64

    // ---- the container
    const userArgs = props.args === undefined || props.args === null || checkStringList(p, 'args', props.args) ? (props.args ?? []) : [];
    const main = new ContainerBuilder(p, '', {
      name: this.name,
      image: b.image,
      port: b.port,
      portName: b.portName,
      command: b.command,
      args: b.args.length || userArgs.length ? [...b.args, ...userArgs] : undefined,
      readiness: props.readiness ?? b.readiness,
      liveness: props.liveness ?? b.liveness,
      startup: props.startup ?? b.startup,
      resources: resolveResources(p, 'resources', props.resources, DB_RESOURCES),
      volumeMounts: [],
      propNames: { image: 'engine.image', port: 'engine.port', portName: 'engine.portName' },
      nameChecked: true, // the database name, checked above by the stricter rule
    });
    for (const [name, value] of Object.entries(b.env)) main.addEnv(name, value, `engine.env["${name}"]`);
    for (const [name, value] of Object.entries(checkMap(p, 'env', props.env, "{ TZ: EnvValue.fromValue('UTC') }") ?? {}))
      main.addEnv(name, value, `env["${name}"]`);
    this.port = b.port;
    this.portName = b.portName;

    // ---- labels
    const identity = resolveIdentity(p, this.name, props, 'database', main.imageTag);
    this.labels = tierLabels(identity, props.labels);
    this.podSelectorLabels = selectorLabels(identity);
    // the API server refuses any change to claim templates: only labels that can never change
    const claimLabels = { ...this.podSelectorLabels, [LABEL_MANAGED_BY]: MANAGED_BY };

    // ---- storage: the data claim, writable paths, more claims
    this.storage = props.storage ?? '10Gi';
    this.storageClassName = props.storageClassName;
    this.accessModes = props.accessModes ?? [VolumeAccessMode.READ_WRITE_ONCE];
    this.dataPath = b.dataPath;
    const volumes = new PodVolumes(p, main);
    const claims = [
      this.claimTemplate(
        '',
        { name: DATA_CLAIM, mountPath: b.dataPath, storage: this.storage, storageClassName: this.storageClassName, accessModes: this.accessModes },
        claimLabels,
      ),
    ];
    volumes.add({ name: DATA_CLAIM, mountPath: b.dataPath }, 'the data claim', 'engine.dataPath');
    const writable = writablePaths(p, 'writablePaths', undefined, [
      ...b.writablePaths,
      ...listOf(p, 'writablePaths', props.writablePaths).filter((x) => !b.writablePaths.includes(x)),
    ]);
    writable.mounts.forEach((m) => volumes.add(m, 'writablePaths', 'writablePaths'));
    listOf(p, 'volumeClaims', props.volumeClaims).forEach((c, i) => {
      const prop = `volumeClaims[${i}]`;
      if (
        !p.expect(c !== null && c !== undefined, { prop, value: c, rule: 'must be VolumeClaimOptions', fix: 'give at least { name, mountPath }' }) ||
        !checkProps(p, prop, c, VOLUME_CLAIM_OPTIONS)
      )
        return;
      claims.push(this.claimTemplate(`${prop}.`, { ...c, storage: c.storage ?? '1Gi' }, claimLabels));
      p.expect(isAbsolutePath(c.mountPath), {
        prop: `${prop}.mountPath`,
        value: c.mountPath,
        rule: 'must be an absolute path',
        fix: 'use a path like "/var/lib/postgresql/wal"',
      });
      volumes.add({ name: c.name, mountPath: c.mountPath }, prop, prop);
    });
    const retention = checkProps(p, 'claimRetention', props.claimRetention, CLAIM_RETENTION_POLICY) ?? {};
    this.whenDeleted = retention.whenDeleted ?? ClaimRetention.RETAIN;
    this.whenScaled = retention.whenScaled ?? ClaimRetention.RETAIN;
    for (const [prop, value] of [
      ['claimRetention.whenDeleted', this.whenDeleted],
      ['claimRetention.whenScaled', this.whenScaled],
    ] as const) {
      p.expect(Object.values(ClaimRetention).includes(value), {
        prop,
        value,
        rule: 'must be ClaimRetention.RETAIN or ClaimRetention.DELETE',
        fix: 'leave it out to keep the data (Retain)',
      });
    }

    // ---- the workload
    // ClaimRetention.DELETE is the by-name opt-in the retain-volumes guardrail asks for
    const deletes = this.whenDeleted === ClaimRetention.DELETE || this.whenScaled === ClaimRetention.DELETE;
    this.statefulSet = new TierStatefulSet(this, 'statefulset', {
      metadata: objectMeta(this.name, this.namespace, this.labels, deletes ? withWaiver(props.annotations, RETAIN_WAIVER) : props.annotations),
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: { ...this.podSelectorLabels } },
        serviceName: this.headlessServiceName,
        podManagementPolicy: this.podManagementPolicy,
        updateStrategy: this.updateStrategy instanceof StatefulUpdate ? this.updateStrategy._render() : undefined,
        minReadySeconds: this.minReadySeconds,
        revisionHistoryLimit: this.revisionHistoryLimit,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: this.whenDeleted, whenScaled: this.whenScaled },
        template: {
          metadata: { labels: { ...this.labels }, annotations: { ...props.annotations, 'kubectl.kubernetes.io/default-container': this.name } },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            ...(props.serviceAccountName ? { serviceAccountName: props.serviceAccountName } : {}),
            securityContext: podSecurityContext(resolveSecurity(p, props.security, true)),
            terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
            containers: Lazy.any({ produce: () => [main.render()] }),
            volumes: writable.volumes,
            ...(several ? spreadAndAntiAffinity(this.podSelectorLabels) : {}),
          },
        },
        volumeClaimTemplates: claims,
      },
    });
    this.node.defaultChild = this.statefulSet;

    // ---- services
    this.serviceType = props.serviceType ?? ServiceType.CLUSTER_IP;
    p.expect(Object.values(ServiceType).includes(this.serviceType), {
      prop: 'serviceType',
      value: this.serviceType,
      rule: 'must be ServiceType.CLUSTER_IP or ServiceType.NODE_PORT',
      fix: 'pick one of the two',
    });
    this.servicePort = props.servicePort ?? this.port;
    // (the default, the engine's port, is checked as engine.port)
    if (props.servicePort !== undefined) checkPort(p, 'servicePort', this.servicePort);
    this.nodePort = resolveNodePort(this, p, this.serviceType, props.nodePort);
    const service = { namespace: this.namespace, labels: this.labels, annotations: props.annotations, selector: this.podSelectorLabels };
    this.headlessService = tierService(this, 'headless', {
      ...service,
      name: this.headlessServiceName,
      type: ServiceType.CLUSTER_IP,
      headless: true,
      ports: [{ name: this.portName, port: this.port, targetPort: this.portName }],
    });
    this.service = tierService(this, 'service', {
      ...service,
      name: this.name,
      type: this.serviceType,
      ports: [{ name: this.portName, port: this.servicePort, targetPort: this.portName, nodePort: this.nodePort }],
    });

    // ---- network policy and disruption budget
    this.policy = new TierNetworkPolicy(this, 'network-policy', {
      name: this.name,
      namespace: this.namespace,
      labels: this.labels,
      podSelector: this.podSelectorLabels,
      problems: p,
    });
    this.networkPolicy = this.policy.resource;
    if (this.serviceType === ServiceType.NODE_PORT) this.policy.allowIngress(undefined, [this.port]);
    if (several) {
      // replicas of a clustered engine talk to each other on the database port
      this.policy.allowIngress(this, [this.port]);
      this.policy.allowEgress(this, [this.port]);
      this.podDisruptionBudget = tierPdb(this, 'pdb', {
        name: this.name,
        namespace: this.namespace,
        labels: this.labels,
        selector: this.podSelectorLabels,
        unhealthyPodEvictionPolicy: 'IfHealthyBudget',
      });
    }
  }

  /** DNS name of the client Service: fully qualified when the namespace is known. */
  public get host(): string {
    return this.chartNamespace ? `${this.name}.${this.chartNamespace}.svc.cluster.local` : this.name;
  }

  /**
   * Stable DNS name of replica `ordinal` (through the headless Service):
   * `<name>-<i>.<name>-headless.<namespace>.svc.cluster.local`. It reaches
   * that pod on the container port (`port`), ready or not.
   */
  public replicaHost(ordinal: number): string {
    checkInteger(
      this.problems,
      `replicaHost(${show(ordinal)})`,
      ordinal,
      0,
      Math.max(this.replicas - 1, 0),
      `ask for a replica from 0 to ${Math.max(this.replicas - 1, 0)} (replicas is ${this.replicas})`,
    );
    const pod = `${this.name}-${String(ordinal)}.${this.headlessServiceName}`;
    return this.chartNamespace ? `${pod}.${this.chartNamespace}.svc.cluster.local` : pod;
  }

  /**
   * Lets `client`'s pods in on the database port, and tells the client how
   * to connect: the client Service and the engine's credential references.
   */
  public acceptConnectionFrom(client: INetworkPeer): Connection {
    if (checkPeer(this.problems, 'acceptConnectionFrom', client)) this.policy.allowIngress(client, [this.port]);
    return { host: this.host, port: this.servicePort, podPort: this.port, env: { ...this.clientEnv } };
  }

  /** Lets the database out to `peer` on `port` (a pod port) beyond DNS, e.g. to a backup target. */
  public allowEgressTo(peer: INetworkPeer, port: number): void {
    if (!checkPeer(this.problems, 'allowEgressTo', peer)) return;
    checkPort(this.problems, `allowEgressTo(${peer.node.path}) port`, port);
    this.policy.allowEgress(peer, [port]);
  }

  /** The Secret name when the engine needs one and it is valid; records what is wrong otherwise. */
  private checkSecret(secretName: string | undefined): string | undefined {
    const p = this.problems;
    const keys = this.engine.secretKeys;
    if (keys.length === 0) {
      p.expect(secretName === undefined, {
        prop: 'secretName',
        value: secretName,
        rule: 'a custom engine does not read a Secret by itself',
        fix: "reference the Secret in the engine's env and clientEnv with EnvValue.fromSecretKey(...), and remove secretName",
      });
      return undefined;
    }
    const list = keys.map(show).join(', ');
    if (
      !p.expect(secretName !== undefined, {
        prop: 'secretName',
        value: secretName,
        rule: `the ${this.engine.engine} engine reads its credentials from a Secret you create, with the keys ${list}; the library never writes secret values`,
        fix: `create the Secret in the database's namespace (e.g. with kubectl, a sealed secret or an external secret) and set secretName: "${this.name}-credentials"`,
      })
    )
      return undefined;
    return p.expect(isDns1123Subdomain(secretName), {
      prop: 'secretName',
      value: secretName,
      rule: 'must be a Secret name: a DNS-1123 subdomain (lower-case letters, digits, "-" and ".")',
      fix: `use a name like "${this.name}-credentials"`,
    })
      ? secretName
      : undefined;
  }

  /** One claim template, checked; `prop` prefixes the messages ("" for the data claim). */
  private claimTemplate(prop: string, c: VolumeClaimOptions, labels: Record<string, string>): k8s.KubePersistentVolumeClaimProps {
    const p = this.problems;
    p.expect(isDns1123Label(c.name), {
      prop: `${prop}name`,
      value: c.name,
      rule: 'a claim template name must be a DNS-1123 label (it names the volume and prefixes each claim)',
      fix: 'use a name like "wal"',
    });
    const bytes = quantityValue(c.storage);
    p.expect(bytes !== undefined && Number.isFinite(bytes) && bytes >= MIN_CLAIM_BYTES, {
      prop: `${prop}storage`,
      value: c.storage,
      rule: 'must be a Kubernetes quantity of at least 1Mi (note that "m" means thousandths: "10m" is 10 milli-bytes)',
      fix: `write ${prop}storage like "10Gi"`,
    });
    if (c.storageClassName !== undefined) {
      p.expect(c.storageClassName === '' || isDns1123Subdomain(c.storageClassName), {
        prop: `${prop}storageClassName`,
        value: c.storageClassName,
        rule: 'must be a StorageClass name (a DNS-1123 subdomain), or "" for volumes without a class',
        fix: 'name an existing StorageClass, e.g. "standard"',
      });
    }
    const modes = c.accessModes ?? [VolumeAccessMode.READ_WRITE_ONCE];
    p.expect(Array.isArray(modes) && modes.length > 0 && modes.every((m) => Object.values(VolumeAccessMode).includes(m)), {
      prop: `${prop}accessModes`,
      value: modes,
      rule: 'must be a non-empty list of VolumeAccessMode values',
      fix: 'leave it out for [VolumeAccessMode.READ_WRITE_ONCE]',
    });
    return {
      metadata: { name: c.name, labels: { ...labels } },
      spec: {
        accessModes: Array.isArray(modes) ? [...modes] : [],
        volumeMode: 'Filesystem',
        ...(c.storageClassName !== undefined ? { storageClassName: c.storageClassName } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(isString(c.storage) ? c.storage : '') } },
      },
    };
  }
}

/** `annotations` with one more guardrails waiver entry (after the user's own). */
function withWaiver(annotations: Record<string, string> | undefined, entry: string): Record<string, string> {
  const own = annotations?.[WAIVER_ANNOTATION];
  return { ...annotations, [WAIVER_ANNOTATION]: own ? `${own}; ${entry}` : entry };
}

/**
 * A StatefulSet whose claim templates carry `apiVersion` and `kind`, as the
 * API server stores them, so that a GitOps diff (Argo CD) stays empty. The
 * typed props cannot hold those two keys, so they are added to the output.
 */
class TierStatefulSet extends k8s.KubeStatefulSet {
  public toJson(): ReturnType<k8s.KubeStatefulSet['toJson']> {
    const json = super.toJson();
    const templates = json?.spec?.volumeClaimTemplates;
    if (Array.isArray(templates)) {
      json.spec.volumeClaimTemplates = templates.map((t: object) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...t }));
    }
    return json;
  }
}

/** Stands in for an engine that is not one, so that the rest still checks; the synth fails on the engine problem. */
function standInEngine(): DatabaseEngine {
  return DatabaseEngine.custom({
    image: 'registry.invalid/engine:0',
    port: 1,
    dataPath: '/data',
    readiness: Probe.exec(['true']),
    liveness: Probe.tcpSocket(),
  });
}

/**
 * The volumes of the database pod: claim templates and emptyDirs share one
 * name space in the pod, and no two are mounted at one path.
 */
class PodVolumes {
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly problems: Problems,
    private readonly container: ContainerBuilder,
  ) {}

  /** Registers volume `m.name` (owned by `owner`) and mounts it; clashes are problems of `prop`. */
  public add(m: k8s.VolumeMount, owner: string, prop: string): void {
    const taken = this.owners.get(m.name);
    if (
      !this.problems.expect(taken === undefined, {
        prop,
        value: m.name,
        rule: `the volume name is already used by ${taken} (claim templates and pod volumes share one set of names)`,
        fix: 'give the claim another name (or, for a writable path, choose a path whose derived volume name differs)',
      })
    )
      return;
    this.owners.set(m.name, owner);
    if (
      !this.problems.expect(!this.container.mountPaths.includes(m.mountPath), {
        prop,
        value: m.mountPath,
        rule: `the container already mounts a volume at that path`,
        fix: 'use a different mountPath',
      })
    )
      return;
    this.container.addMount({ name: m.name, mountPath: m.mountPath });
  }
}
