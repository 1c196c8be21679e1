import { createHash } from 'node:crypto';
import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerBuilder } from './_container';
import { Problems, show } from './_errors';
import { AUTOSCALING_OPTIONS, CONNECT_OPTIONS, SIDECAR_OPTIONS, WEB_TIER_PROPS } from './_keys';
import { LABEL_VERSION, objectMeta, resolveIdentity, selectorLabels, tierLabels } from './_labels';
import { checkConnectTarget, checkPeer, envPrefixFor } from './_connection';
import { TierNetworkPolicy } from './_network-policy';
import { tierPdb } from './_pdb';
import { checkProps, constructProps } from './_props';
import { podSecurityContext, resolveResources, resolveSecurity, spreadAndAntiAffinity, writablePaths } from './_pod';
import {
  checkInteger,
  checkNamespaceAndAccount,
  checkPort,
  checkRenderableKey,
  checkScope,
  checkTierName,
  checkUnique,
  isAbsolutePath,
  isObject,
  isPortName,
  listOf,
} from './_rules';
import { resolveNodePort, tierService } from './_service';
import { AutoscalingOptions } from './autoscaling';
import { Connection, ConnectOptions, IConnectable, INetworkPeer } from './connection';
import { EnvValue } from './env';
import { AppGuardrails } from './guardrails/synth';
import { LabelExpression } from './label-expression';
import { Probe } from './probe';
import { Rollout } from './rollout';
import { ServiceType } from './service-type';
import { SidecarOptions } from './sidecar';
import { TierProps } from './tier-props';

/**
 * Props of {@link StatelessWebTier}. Besides the shared {@link TierProps}, whose
 * web-tier defaults are: component "web", minReadySeconds 5,
 * terminationGracePeriodSeconds 30, `ServiceType.NODE_PORT` on service port 80,
 * readiness `Probe.httpGet('/', { periodSeconds: 5 })`, liveness
 * `Probe.tcpSocket({ initialDelaySeconds: 10, periodSeconds: 10 })`, no startup
 * probe, requests 100m CPU / 128Mi memory / 64Mi disk and limits 256Mi memory /
 * 256Mi disk, no fsGroup.
 */
export interface StatelessWebTierProps extends TierProps {
  /** Container image, pinned to a tag (not `latest`) or a digest. */
  readonly image: string;
  /**
   * Desired pods. Not allowed together with `autoscaling`.
   * @default 2
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#scaling-a-deployment
   */
  readonly replicas?: number;
  /** How pods are replaced. @default Rollout.rollingUpdate() (maxSurge 25%, maxUnavailable 0) */
  readonly rollout?: Rollout;
  /** Seconds after which a stuck rollout is reported as failed. @default 600 */
  readonly progressDeadlineSeconds?: number;
  /**
   * Set-based requirements added to the selector; the pod labels (with `labels`) must satisfy them.
   * @default - none: the selector is name and instance
   * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
   */
  readonly selectorExpressions?: LabelExpression[];

  /** Port the container listens on. @default 8080 */
  readonly port?: number;
  /** Name of that port (the Service targets it by name). @default "http" */
  readonly portName?: string;

  /** Entrypoint. @default - the image's */
  readonly command?: string[];
  /** Arguments. @default - the image's */
  readonly args?: string[];
  /**
   * Config files (file name → content), written into a ConfigMap `<name>-config`
   * mounted read-only at `configMountPath`. A change rolls the pods (checksum annotation).
   * @default - no ConfigMap
   */
  readonly configFiles?: { [fileName: string]: string };
  /** Where the config files appear. @default "/config" */
  readonly configMountPath?: string;
  /** Path shared by all containers when there are sidecars (an emptyDir). @default "/shared" */
  readonly sharedPath?: string;
  /** A HorizontalPodAutoscaler. @default - none: fixed `replicas` */
  readonly autoscaling?: AutoscalingOptions;
  /** More containers in the same pod. @default - none */
  readonly sidecars?: SidecarOptions[];
}

const WEB_RESOURCES = { cpuRequest: '100m', memoryRequest: '128Mi', memoryLimit: '256Mi', ephemeralStorageRequest: '64Mi', ephemeralStorageLimit: '256Mi' };
const SIDECAR_RESOURCES = { cpuRequest: '50m', memoryRequest: '64Mi', memoryLimit: '128Mi', ephemeralStorageRequest: '32Mi', ephemeralStorageLimit: '128Mi' };
const CONFIG_VOLUME = 'config';
const SHARED_VOLUME = 'shared';

/**
 * A stateless web tier: a Deployment (rolled out through ReplicaSets) behind
 * a NodePort or ClusterIP Service, hardened, probed, budgeted and fenced by a
 * NetworkPolicy; with a PodDisruptionBudget, spreading and anti-affinity when
 * it runs more than one pod.
 */
export class StatelessWebTier extends Construct implements IConnectable {
  /** Name of every object. */
  public readonly name: string;
  /** Namespace of every object (undefined: the chart's, or the one applied to). */
  public readonly namespace?: string;
  /** Desired pods; undefined when an autoscaler owns the count. */
  public readonly replicas?: number;
  /** Container port. */
  public readonly port: number;
  /** Container port name. */
  public readonly portName: string;
  /** Service port. */
  public readonly servicePort: number;
  /** Service type. */
  public readonly serviceType: ServiceType;
  /** Fixed node port, if one was asked for. */
  public readonly nodePort?: number;
  /** Labels on every object. */
  public readonly labels: { [key: string]: string };
  /** Labels that select the pods: name and instance. */
  public readonly podSelectorLabels: { [key: string]: string };

  /** The Deployment (also `node.defaultChild`). */
  public readonly deployment: k8s.KubeDeployment;
  /** The Service in front of the pods. */
  public readonly service: k8s.KubeService;
  /** The NetworkPolicy of the pods. */
  public readonly networkPolicy: k8s.KubeNetworkPolicy;
  /** The PodDisruptionBudget, when more than one pod runs. */
  public readonly podDisruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The HorizontalPodAutoscaler, when `autoscaling` is set. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The ConfigMap of `configFiles`, when there are any. */
  public readonly configMap?: k8s.KubeConfigMap;

  private readonly problems: Problems;
  private readonly policy: TierNetworkPolicy;
  private readonly main: ContainerBuilder;
  private readonly sidecars: ContainerBuilder[] = [];
  private readonly volumes: k8s.Volume[] = [];
  private readonly sharedPath: string;
  private readonly volumeOwners = new Map<string, string>();
  private readonly chartNamespace?: string;

  constructor(scope: Construct, id: string, props: StatelessWebTierProps) {
    checkScope('StatelessWebTier', scope, id);
    super(scope, id);
    AppGuardrails.enable(this);
    const p = (this.problems = new Problems(this));
    props = constructProps(p, props, WEB_TIER_PROPS);

    const name: unknown = props.name ?? id;
    // a name that is not a string is reported as such (below); the objects are built with it as text
    this.name = typeof name === 'string' ? name : String(name);
    checkTierName(p, name, 63, 'it names the Service', 'shop-front');
    this.namespace = props.namespace;
    checkNamespaceAndAccount(p, this.namespace, props.serviceAccountName, this);
    const chartNamespace = this.namespace ?? Chart.of(this).namespace;

    // ---- identity and labels
    this.port = props.port ?? 8080;
    this.portName = props.portName ?? 'http';
    const main = (this.main = new ContainerBuilder(p, '', {
      name: this.name,
      image: props.image,
      port: this.port,
      portName: this.portName,
      command: props.command,
      args: props.args,
      env: props.env,
      readiness: props.readiness ?? Probe.httpGet('/', { periodSeconds: 5 }),
      liveness: props.liveness ?? Probe.tcpSocket({ initialDelaySeconds: 10, periodSeconds: 10 }),
      startup: props.startup,
      resources: resolveResources(p, 'resources', props.resources, WEB_RESOURCES),
      volumeMounts: [],
      nameChecked: true, // the tier name, checked above by the stricter rule
    }));
    const identity = resolveIdentity(p, this.name, props, 'web', main.imageTag);
    this.labels = tierLabels(identity, props.labels);
    this.podSelectorLabels = selectorLabels(identity);
    // only valid expressions are rendered (the others are reported)
    const expressions = listOf(p, 'selectorExpressions', props.selectorExpressions).filter((e, i) => this.checkExpression(e, `selectorExpressions[${i}]`));

    // ---- scale
    const autoscaling = checkProps(p, 'autoscaling', props.autoscaling, AUTOSCALING_OPTIONS);
    if (props.autoscaling !== undefined) {
      p.expect(props.replicas === undefined, {
        prop: 'replicas',
        value: props.replicas,
        rule: 'cannot be set together with autoscaling: the autoscaler owns the replica count, and a GitOps sync would fight it',
        fix: 'remove replicas and set autoscaling.minReplicas instead',
      });
    } else {
      this.replicas = props.replicas ?? 2;
      checkInteger(p, 'replicas', this.replicas, 0);
    }
    const minReplicas = autoscaling?.minReplicas ?? 2;
    if (autoscaling) this.checkAutoscaling(autoscaling, minReplicas);
    const several = props.autoscaling !== undefined || (this.replicas ?? 0) > 1;

    // ---- rollout
    const rollout = props.rollout ?? Rollout.rollingUpdate();
    if (
      p.expect(rollout instanceof Rollout, {
        prop: 'rollout',
        value: rollout,
        rule: 'must be a Rollout',
        fix: 'use Rollout.rollingUpdate({...}) or Rollout.recreate()',
      })
    ) {
      rollout._check(p, 'rollout');
    }
    const minReadySeconds = props.minReadySeconds ?? 5;
    const progressDeadlineSeconds = props.progressDeadlineSeconds ?? 600;
    const revisionHistoryLimit = props.revisionHistoryLimit ?? 10;
    const terminationGracePeriodSeconds = props.terminationGracePeriodSeconds ?? 30;
    const minReadyOk = checkInteger(p, 'minReadySeconds', minReadySeconds, 0);
    checkInteger(p, 'revisionHistoryLimit', revisionHistoryLimit, 0);
    checkInteger(p, 'terminationGracePeriodSeconds', terminationGracePeriodSeconds, 0, Number.MAX_SAFE_INTEGER); // an int64
    if (checkInteger(p, 'progressDeadlineSeconds', progressDeadlineSeconds, 1) && minReadyOk) {
      p.expect(progressDeadlineSeconds > minReadySeconds, {
        prop: 'progressDeadlineSeconds',
        value: progressDeadlineSeconds,
        rule: `must be greater than minReadySeconds (${minReadySeconds})`,
        fix: 'raise progressDeadlineSeconds or lower minReadySeconds',
      });
    }

    // ---- service
    this.serviceType = props.serviceType ?? ServiceType.NODE_PORT;
    p.expect(Object.values(ServiceType).includes(this.serviceType), {
      prop: 'serviceType',
      value: this.serviceType,
      rule: 'must be ServiceType.NODE_PORT or ServiceType.CLUSTER_IP',
      fix: 'pick one of the two',
    });
    this.servicePort = props.servicePort ?? 80;
    checkPort(p, 'servicePort', this.servicePort);
    this.nodePort = resolveNodePort(this, p, this.serviceType, props.nodePort);

    // ---- volumes: /tmp and writable paths, config files
    const writable = writablePaths(p, 'writablePaths', undefined, props.writablePaths);
    this.addVolumes(writable.volumes, main, writable.mounts, 'writablePaths');
    let configChecksum: string | undefined;
    if (props.configFiles !== undefined) {
      const configMountPath = props.configMountPath ?? '/config';
      configChecksum = this.checkConfig(props.configFiles, configMountPath);
      this.configMap = new k8s.KubeConfigMap(this, 'config', {
        metadata: objectMeta(`${this.name}-config`, this.namespace, this.labels),
        data: { ...props.configFiles },
      });
      this.addVolumes(
        [{ name: CONFIG_VOLUME, configMap: { name: `${this.name}-config` } }],
        main,
        [{ name: CONFIG_VOLUME, mountPath: configMountPath, readOnly: true }],
        'configMountPath',
      );
    } else if (props.configMountPath !== undefined) {
      p.add({
        prop: 'configMountPath',
        value: props.configMountPath,
        rule: 'has no effect without configFiles',
        fix: 'add configFiles, or remove configMountPath',
      });
    }
    this.sharedPath = props.sharedPath ?? '/shared';
    p.expect(isAbsolutePath(this.sharedPath), {
      prop: 'sharedPath',
      value: this.sharedPath,
      rule: 'must be an absolute path',
      fix: 'use a path like "/shared"',
    });

    // ---- the workload
    const podAnnotations = {
      ...props.annotations,
      'kubectl.kubernetes.io/default-container': this.name,
      ...(configChecksum ? { 'checksum/config': configChecksum } : {}),
    };
    this.deployment = new k8s.KubeDeployment(this, 'deployment', {
      metadata: objectMeta(this.name, this.namespace, this.labels, props.annotations),
      spec: {
        ...(this.replicas !== undefined ? { replicas: this.replicas } : {}),
        selector: {
          matchLabels: { ...this.podSelectorLabels },
          ...(expressions.length ? { matchExpressions: expressions.map((e) => e._render()) } : {}),
        },
        strategy: rollout instanceof Rollout ? rollout._render() : undefined,
        minReadySeconds,
        progressDeadlineSeconds,
        revisionHistoryLimit,
        template: {
          metadata: { labels: { ...this.labels }, annotations: podAnnotations },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            ...(props.serviceAccountName ? { serviceAccountName: props.serviceAccountName } : {}),
            securityContext: podSecurityContext(resolveSecurity(p, props.security, false)),
            terminationGracePeriodSeconds,
            containers: Lazy.any({ produce: () => [main, ...this.sidecars].map((c) => c.render()) }),
            volumes: Lazy.any({ produce: () => [...this.volumes] }),
            ...(several ? spreadAndAntiAffinity(this.podSelectorLabels, ['pod-template-hash']) : {}),
          },
        },
      },
    });
    this.node.defaultChild = this.deployment;

    this.service = tierService(this, 'service', {
      name: this.name,
      namespace: this.namespace,
      labels: this.labels,
      annotations: props.annotations,
      selector: this.podSelectorLabels,
      type: this.serviceType,
      ports: [{ name: this.portName, port: this.servicePort, targetPort: this.portName, nodePort: this.nodePort }],
    });

    this.policy = new TierNetworkPolicy(this, 'network-policy', {
      name: this.name,
      namespace: this.namespace,
      labels: this.labels,
      podSelector: this.podSelectorLabels,
      problems: p,
      // an internal tier that nobody connects to accepts its own namespace; once connected, only its clients
      fallbackIngress: { from: [{ podSelector: {} }], ports: [this.port] },
    });
    this.networkPolicy = this.policy.resource;
    if (this.serviceType === ServiceType.NODE_PORT) this.policy.allowIngress(undefined, [this.port]);

    if (several) {
      this.podDisruptionBudget = tierPdb(this, 'pdb', {
        name: this.name,
        namespace: this.namespace,
        labels: this.labels,
        selector: this.podSelectorLabels,
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      });
    }
    if (autoscaling) {
      this.autoscaler = new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
        metadata: objectMeta(this.name, this.namespace, this.labels),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas,
          maxReplicas: autoscaling.maxReplicas,
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilizationPercent ?? 70 } },
            },
          ],
        },
      });
    }
    this.chartNamespace = chartNamespace;
    listOf(p, 'sidecars', props.sidecars).forEach((s, i) => this.addSidecarAt(s, `sidecars[${i}].`));
  }

  /**
   * Adds a container to every pod: same network (localhost), a shared
   * emptyDir at `sharedPath`, the same hardening.
   */
  public addSidecar(options: SidecarOptions): void {
    this.addSidecarAt(options, `addSidecar(${show(isObject(options) ? options.name : options)}).`);
  }

  /**
   * Connects this tier to another: adds `<PREFIX>_HOST`, `<PREFIX>_PORT` (and
   * whatever the target needs, such as credentials from its Secret) to the
   * main container, lets this tier's pods out to the target's pods and the
   * target's NetworkPolicy let them in.
   */
  public connectTo(target: IConnectable, options: ConnectOptions = {}): Connection {
    if (!checkConnectTarget(this.problems, this, target)) return { host: '', port: 0, podPort: 0, env: {} };
    const at = `connectTo(${target.node.path}).env`;
    const o = checkProps(this.problems, `connectTo(${target.node.path}) options`, options, CONNECT_OPTIONS) ?? {};
    const connection = target.acceptConnectionFrom(this);
    const prefix = String(o.envPrefix ?? envPrefixFor(target.name)); // a prefix that is not text gives variable names that are reported
    this.main.addEnv(`${prefix}_HOST`, EnvValue.fromValue(connection.host), at);
    this.main.addEnv(`${prefix}_PORT`, EnvValue.fromValue(String(connection.port)), at);
    for (const [suffix, value] of Object.entries(connection.env)) this.main.addEnv(`${prefix}_${suffix}`, value, at);
    this.policy.allowEgress(target, [connection.podPort]);
    return connection;
  }

  /** Lets `client`'s pods reach this tier's port, and tells the client how to connect. */
  public acceptConnectionFrom(client: INetworkPeer): Connection {
    if (checkPeer(this.problems, 'acceptConnectionFrom', client)) this.policy.allowIngress(client, [this.port]);
    return { host: this.host, port: this.servicePort, podPort: this.port, env: {} };
  }

  /** Lets traffic out to `peer` on `port` (a pod port) beyond DNS, for peers that are not tiers of this library. */
  public allowEgressTo(peer: INetworkPeer, port: number): void {
    if (!checkPeer(this.problems, 'allowEgressTo', peer)) return;
    checkPort(this.problems, `allowEgressTo(${peer.node.path}) port`, port);
    this.policy.allowEgress(peer, [port]);
  }

  /** DNS name of the Service: fully qualified when the namespace is known. */
  public get host(): string {
    return this.chartNamespace ? `${this.name}.${this.chartNamespace}.svc.cluster.local` : this.name;
  }

  private addSidecarAt(options: SidecarOptions, prop: string): void {
    const p = this.problems;
    if (
      !p.expect(options !== undefined && options !== null, {
        prop: prop.slice(0, -1),
        value: options,
        rule: 'must be SidecarOptions',
        fix: 'give at least { name, image, readiness, liveness }, or { name, image, port }',
      }) ||
      !checkProps(p, prop.slice(0, -1), options, SIDECAR_OPTIONS)
    )
      return;
    const name = options.name;
    const taken = [this.main, ...this.sidecars].map((c) => c.portName);
    const portName = options.port !== undefined ? (options.portName ?? defaultPortName(name, taken)) : undefined;
    const tcpDefaults = options.port !== undefined;
    const writable = writablePaths(p, `${prop}writablePaths`, String(name), options.writablePaths);
    const sidecar = new ContainerBuilder(p, prop, {
      name,
      image: options.image,
      port: options.port,
      portName,
      command: options.command,
      args: options.args,
      env: options.env,
      // readiness has no default: only the sidecar knows when it can serve, and a TCP readiness would share its handler with the TCP liveness
      readiness: options.readiness,
      liveness: options.liveness ?? (tcpDefaults ? Probe.tcpSocket({ initialDelaySeconds: 10, periodSeconds: 10 }) : undefined),
      startup: options.startup,
      resources: resolveResources(p, `${prop}resources`, options.resources, SIDECAR_RESOURCES),
      volumeMounts: [],
    });
    const all = [this.main, ...this.sidecars, sidecar];
    checkUnique(
      p,
      `${prop}name`,
      all.map((c) => c.name),
      'container names',
    );
    checkUnique(
      p,
      `${prop}port`,
      all.map((c) => c.port).filter((x) => x !== undefined),
      'container ports',
    );
    checkUnique(
      p,
      `${prop}portName`,
      all.map((c) => c.portName).filter((x) => x !== undefined),
      'port names',
    );
    if (this.sidecars.length === 0) {
      this.addVolumes([{ name: SHARED_VOLUME, emptyDir: {} }], this.main, [{ name: SHARED_VOLUME, mountPath: this.sharedPath }], 'sharedPath');
    }
    this.addVolumes(writable.volumes, sidecar, writable.mounts, `${prop}writablePaths`);
    sidecar.addMount({ name: SHARED_VOLUME, mountPath: this.sharedPath });
    this.sidecars.push(sidecar);
  }

  /** Adds pod volumes and their mounts in one container; clashing names or paths are problems. */
  private addVolumes(volumes: k8s.Volume[], container: ContainerBuilder, mounts: k8s.VolumeMount[], prop: string): void {
    for (const v of volumes) {
      const owner = this.volumeOwners.get(v.name);
      if (
        !this.problems.expect(owner === undefined, {
          prop,
          value: v.name,
          rule: `volume name clashes with the volume of ${owner}`,
          fix: 'choose another path so that the derived volume names differ',
        })
      )
        continue;
      this.volumeOwners.set(v.name, prop);
      this.volumes.push(v);
    }
    for (const m of mounts) {
      if (
        !this.problems.expect(!container.mountPaths.includes(m.mountPath), {
          prop,
          value: m.mountPath,
          rule: `container ${show(container.name)} already mounts a volume at that path`,
          fix: 'use a different path',
        })
      )
        continue;
      container.addMount(m);
    }
  }

  /** Checks one selector expression; returns whether it can be rendered. */
  private checkExpression(e: LabelExpression, prop: string): boolean {
    const p = this.problems;
    if (
      !p.expect(e instanceof LabelExpression, {
        prop,
        value: e,
        rule: 'must be a LabelExpression',
        fix: 'use LabelExpression.in(...), notIn, exists or doesNotExist',
      })
    )
      return false;
    // a key or values that are wrong are the one problem: whether the labels satisfy them follows from it
    if (!e._check(p, prop)) return false;
    return (
      p.expect(e.key !== LABEL_VERSION, {
        prop: `${prop}.key`,
        value: e.key,
        rule: 'the version label changes with every release, and a selector can never change',
        fix: 'select on a label that stays the same for the life of the tier',
      }) &&
      p.expect(e.matches(this.labels), {
        prop,
        value: `${e.key} ${e.operator} ${JSON.stringify(e.values ?? [])}`,
        rule: 'the pod labels do not satisfy it, so the Deployment would select none of its own pods',
        fix: 'add a matching label with the labels prop, or change the expression',
      })
    );
  }

  private checkAutoscaling(a: AutoscalingOptions, minReplicas: number): void {
    const p = this.problems;
    const minOk = checkInteger(p, 'autoscaling.minReplicas', minReplicas, 1);
    const maxOk = checkInteger(p, 'autoscaling.maxReplicas', a.maxReplicas, 1, undefined, 'set autoscaling.maxReplicas (required) to a whole number >= 1');
    if (minOk && maxOk) {
      p.expect(minReplicas <= a.maxReplicas, {
        prop: 'autoscaling.minReplicas',
        value: minReplicas,
        rule: `must not exceed autoscaling.maxReplicas (${a.maxReplicas})`,
        fix: 'lower minReplicas or raise maxReplicas',
      });
    }
    if (a.cpuUtilizationPercent !== undefined) checkInteger(p, 'autoscaling.cpuUtilizationPercent', a.cpuUtilizationPercent, 1, 1000);
  }

  /** Checks the config files; returns the checksum that rolls the pods when they change. */
  private checkConfig(files: { [fileName: string]: string }, mountPath: string): string {
    const p = this.problems;
    p.expect(isAbsolutePath(mountPath), {
      prop: 'configMountPath',
      value: mountPath,
      rule: 'must be an absolute path',
      fix: 'use a path like "/etc/nginx/conf.d"',
    });
    if (
      !p.expect(files !== null && typeof files === 'object' && !Array.isArray(files), {
        prop: 'configFiles',
        value: files,
        rule: 'must be a map of file names to file contents',
        fix: 'give an object like { "app.conf": "..." }, or leave configFiles out',
      })
    )
      return '';
    for (const [file, content] of Object.entries(files)) {
      if (!checkRenderableKey(p, 'configFiles', file)) continue;
      p.expect(/^[-._a-zA-Z0-9]+$/.test(file) && file.length <= 253 && file !== '.' && file !== '..', {
        prop: 'configFiles key',
        value: file,
        rule: 'a ConfigMap key must consist of letters, digits, "-", "_" and "."',
        fix: 'use a file name like "app.conf"',
      });
      p.expect(typeof content === 'string', {
        prop: `configFiles["${file}"]`,
        value: content,
        rule: 'must be the text of the file',
        fix: 'give the content as a string',
      });
    }
    const sorted = Object.keys(files)
      .sort()
      .map((k) => [k, files[k]]);
    // (contents that are not text are reported above; show() renders any value)
    return createHash('sha256').update(show(sorted)).digest('hex');
  }
}

/**
 * The port name of a sidecar that gave none: its container name cut to 15
 * characters; made legal (single dashes, a letter) and free in the pod when
 * that name is not.
 */
function defaultPortName(name: unknown, taken: ReadonlyArray<string | undefined>): string {
  const cut = String(name ?? '')
    .slice(0, 15)
    .replace(/-+$/, '');
  if (isPortName(cut) && !taken.includes(cut)) return cut;
  // (a name that is not a container name is reported as such; its port name only has to be legal)
  let base = cut
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (!/[a-z]/.test(base)) base = `p${base}`.slice(0, 15).replace(/-+$/, '');
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) {
    const numbered = `${base.slice(0, 14 - String(i).length).replace(/-+$/, '')}-${i}`;
    const candidate = isPortName(numbered) ? numbered : `p-${i}`;
    if (!taken.includes(candidate)) return candidate;
  }
}
