import { createHash } from 'node:crypto';
import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from './_k8s';
import { Construct } from 'constructs';
import { ContainerBuilder } from './_container';
import { Problems, show } from './_errors';
import { addMetricsEndpoint, metricsPort, ResolvedWebMetrics, resolveWebMetrics } from './_metrics';
import { AUTOSCALING_OPTIONS, CONNECT_OPTIONS, SIDECAR_OPTIONS, WEB_TIER_PROPS } from './_keys';
import { LABEL_VERSION, objectMeta, resolveIdentity, selectorLabels, tierLabels } from './_labels';
import { checkConnectTarget, envPrefixFor } from './_connection';
import { clientCredentialEnv, resolveCredentials } from './_credential-files';
import { checkProps, constructProps } from './_props';
import { EMPTY_DIR, effectiveResources, resolveResources, resolveSecurity, WEB_RESOURCES, writablePaths } from './_pod';
import { checkChoice, checkInteger, checkRenderableKey, checkUnique, entryProp, isAbsolutePath, isObject, isPortName, listOf } from './_rules';
import {
  HELPER_RESOURCES,
  PodVolumes,
  resolveInitContainers,
  resolveName,
  resolveScheduling,
  resolveServiceSettings,
  resolveTiming,
  TierBase,
  TierSettings,
} from './_tier';
import { AutoscalingOptions } from './autoscaling';
import { Connection, ConnectOptions, IConnectable } from './connection';
import { DatabaseCredentials } from './credentials';
import { EnvValue } from './env';
import { LabelExpression } from './label-expression';
import { WebMetrics } from './metrics';
import { Probe } from './probe';
import { Rollout } from './rollout';
import { ServiceType } from './service-type';
import { SidecarOptions } from './sidecar';
import { TierDefaults } from './tier-defaults';
import { TierProps } from './tier-props';
import { merged } from './_merge';
import { compact } from './_l1';

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
   * Seconds the main container waits (`sleep` in a preStop hook) before it gets SIGTERM, so that
   * Services and ingress controllers stop sending it requests first: a pod is removed from the
   * endpoints at the same time as it is told to stop, and without the delay a rolling update drops
   * the requests that still arrive. Must be less than `terminationGracePeriodSeconds`. The image
   * needs a `sleep` binary (most do; a distroless image does not: set 0 there). 0 turns the hook off.
   * @default 5
   * @see https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/
   */
  readonly preStopDelaySeconds?: number;
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
  /**
   * Prometheus metrics the tier serves: `WebMetrics.prometheus({ scrapedBy: {...}, portName, path })` adds a
   * `<name>-metrics` Service (its `metrics` port targets the main port or a sidecar's), NetworkPolicy ingress on
   * that port from the scrapers, and optionally a ServiceMonitor. The tier's name can then have at most 55 characters.
   * @default - none
   */
  readonly metrics?: WebMetrics;
}

/**
 * The default probes (a Probe is never changed once made: the tiers that keep the defaults share these, rather than
 * holding two probes and their options each).
 */
const DEFAULT_READINESS = Probe.httpGet('/', { periodSeconds: 5 });
const DEFAULT_LIVENESS = Probe.tcpSocket({ initialDelaySeconds: 10, periodSeconds: 10 });
/** The default rollout (never changed either: its budgets are values). */
const DEFAULT_ROLLOUT = Rollout.rollingUpdate();
/** Who may reach an internal tier that nobody connects to: its own namespace's pods (a list nothing changes: the rendered policies share it). */
const OWN_NAMESPACE: readonly k8s.NetworkPolicyPeer[] = [{ podSelector: {} }];

const CONFIG_VOLUME = 'config';
const SHARED_VOLUME = 'shared';
const NAME_RULE = { max: 63, why: 'it names the Service', example: 'shop-front' };

/** The web tier's props, resolved and checked. */
interface WebTierSettings extends TierSettings {
  readonly replicas?: number;
  readonly autoscaling?: AutoscalingOptions;
  readonly minReplicas: number;
  readonly expressions: LabelExpression[];
  readonly rollout: Rollout;
  readonly progressDeadlineSeconds: number;
  readonly preStopDelaySeconds: number;
  readonly configFiles?: { [fileName: string]: string };
  readonly configMountPath: string;
  readonly configChecksum?: string;
  readonly sharedPath: string;
  readonly sidecars: readonly SidecarOptions[];
  readonly metrics?: ResolvedWebMetrics;
}

/**
 * A stateless web tier: a Deployment (rolled out through ReplicaSets) behind
 * a NodePort or ClusterIP Service, hardened, probed, budgeted and fenced by a
 * NetworkPolicy; with a PodDisruptionBudget, spreading and anti-affinity when
 * it runs more than one pod.
 */
export class StatelessWebTier extends TierBase implements IConnectable {
  /** Desired pods; undefined when an autoscaler owns the count. */
  public readonly replicas?: number;
  /** How pods are replaced. */
  public readonly rollout: Rollout;
  /** Seconds after which a stuck rollout is reported as failed. */
  public readonly progressDeadlineSeconds: number;
  /** Seconds the main container waits in its preStop hook before SIGTERM (0: no hook). */
  public readonly preStopDelaySeconds: number;
  /** Where the config files appear (when there are any). */
  public readonly configMountPath: string;
  /** Path shared by all containers when there are sidecars. */
  public readonly sharedPath: string;

  /** The HorizontalPodAutoscaler, when `autoscaling` is set. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** The ConfigMap of `configFiles`, when there are any. */
  public readonly configMap?: k8s.KubeConfigMap;
  /** The Service of the `metrics` port (`<name>-metrics`), when `metrics` is set. */
  public readonly metricsService?: k8s.KubeService;
  /** The ServiceMonitor, when `metrics` asks for one. */
  public readonly serviceMonitor?: ApiObject;
  private _deployment?: k8s.KubeDeployment;

  constructor(scope: Construct, id: string, props: StatelessWebTierProps) {
    let s!: WebTierSettings;
    super(scope, id, 'StatelessWebTier', (p, self) => (s = resolveWebTier(p, self, id, props)));
    ({
      replicas: this.replicas,
      rollout: this.rollout,
      progressDeadlineSeconds: this.progressDeadlineSeconds,
      preStopDelaySeconds: this.preStopDelaySeconds,
    } = s);
    ({ configMountPath: this.configMountPath, sharedPath: this.sharedPath } = s);
    s.sidecars.forEach((sidecar, i) => this.addSidecarAt(sidecar, `sidecars[${i}].`));
    this._claimServiceName(s.name);
    // a tier with a problem builds nothing (see TierBase._complete), so nothing is built from an invalid value
    if (!this._problems.empty) return;

    this.configMap = this.buildConfigMap(s);
    this._deployment = this.buildDeployment(s);
    this.node.defaultChild = this._deployment;
    this._publish();
    // an internal tier that nobody connects to accepts its own namespace; once connected, only its clients
    this._fence(OWN_NAMESPACE);
    this._budget('AlwaysAllow');
    this.autoscaler = this.buildAutoscaler(s);
    const m = s.metrics;
    const port = m ? metricsPort(this._problems, this._containers, m.portName ?? s.portName) : undefined;
    const policy = this._networkPolicy;
    if (m && port !== undefined && policy) {
      ({ service: this.metricsService, serviceMonitor: this.serviceMonitor } = addMetricsEndpoint(
        this,
        { ...s, policy },
        port,
        m.portName ?? s.portName,
        m.scrape,
      ));
    }
  }

  /** The Deployment (also `node.defaultChild`). A tier whose props have a problem builds nothing: reading it then throws those problems. */
  public get deployment(): k8s.KubeDeployment {
    return this._child(this._deployment);
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
    if (!checkConnectTarget(this._problems, this, target)) return { host: '', port: 0, podPort: 0, env: {} };
    const call = `connectTo(${target.node.path})`;
    const at = `${call}.env`;
    const o = checkProps(this._problems, `${call} options`, options, CONNECT_OPTIONS) ?? {};
    const connection = target.acceptConnectionFrom(this);
    // a target with a problem built nothing: nothing here is built from its values either (the synth reports it)
    if ((target as Partial<TierBase>)._complete === false) return connection;
    const prefix = String(o.envPrefix ?? envPrefixFor(target.name)); // a prefix that is not text gives variable names that are reported
    this._settings.main.addEnv(`${prefix}_HOST`, EnvValue.fromValue(connection.host), at);
    this._settings.main.addEnv(`${prefix}_PORT`, EnvValue.fromValue(String(connection.port)), at);
    const s = this._settings;
    const prop = `${call} options.credentials`;
    const credentials = resolveCredentials(this._problems, prop, o.credentials, DatabaseCredentials.asEnvironment());
    const client = { problems: this._problems, prop, volumes: s.volumes, container: s.main, fsGroup: s.security.fsGroup, targetName: target.name, connection };
    const env = clientCredentialEnv(client, credentials);
    for (const [suffix, value] of Object.entries(env)) this._settings.main.addEnv(`${prefix}_${suffix}`, value, at);
    this._networkPolicy?.allowEgress(target, [connection.podPort]);
    return connection;
  }

  private addSidecarAt(options: SidecarOptions, prop: string): void {
    const p = this._problems;
    if (
      !(
        (options !== undefined && options !== null) ||
        p.fail({
          prop: prop.slice(0, -1),
          value: options,
          rule: 'must be SidecarOptions',
          fix: 'give at least { name, image, readiness, liveness }, or { name, image, port }',
        })
      ) ||
      !checkProps(p, prop.slice(0, -1), options, SIDECAR_OPTIONS)
    )
      return;
    const name = options.name;
    const taken = this._containers.map((c) => c.portName);
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
      liveness: options.liveness ?? (tcpDefaults ? DEFAULT_LIVENESS : undefined),
      startup: options.startup,
      resources: resolveResources(p, `${prop}resources`, options.resources, HELPER_RESOURCES),
    });
    const all = [...this._containers, sidecar];
    checkUnique(
      p,
      `${prop}name`,
      [...this._settings.initContainers, ...all].map((c) => c.name),
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
    const volumes = this._settings.volumes;
    if (this._containers.length === 1) {
      volumes.add(
        'sharedPath',
        'sharedPath',
        this._settings.main,
        { name: SHARED_VOLUME, mountPath: this.sharedPath },
        { name: SHARED_VOLUME, emptyDir: EMPTY_DIR },
      );
    }
    volumes.addWritable(`${prop}writablePaths`, sidecar, writable);
    sidecar.addMount({ name: SHARED_VOLUME, mountPath: this.sharedPath });
    this._containers.push(sidecar);
    if (options.publish === undefined || options.publish === false) return;
    const published =
      (options.publish === true && options.port !== undefined) ||
      p.fail({
        prop: `${prop}publish`,
        value: options.publish,
        rule: options.publish === true ? 'needs the port of the sidecar to publish' : 'must be true or false',
        fix: options.publish === true ? 'give the sidecar a port, or remove publish' : 'write publish: true',
      });
    if (published && sidecar.port !== undefined && sidecar.portName !== undefined) this._publishPort(`${prop}port`, sidecar.portName, sidecar.port);
  }

  private buildConfigMap(s: WebTierSettings): k8s.KubeConfigMap | undefined {
    if (s.configFiles === undefined) return undefined;
    return compact(
      new k8s.KubeConfigMap(this, 'config', {
        metadata: objectMeta(`${s.name}-config`, s.namespace, s.labels, s.annotations),
        data: { ...s.configFiles },
      }),
    );
  }

  private buildDeployment(s: WebTierSettings): k8s.KubeDeployment {
    const template = this._podTemplate(s.configChecksum ? { 'checksum/config': s.configChecksum } : {}, ['pod-template-hash']);
    // (the spec is rendered at synth, see _podTemplate; what the user could still change is copied now)
    const matchLabels = this._selector;
    const matchExpressions = s.expressions.length ? s.expressions.map((e) => e._render()) : undefined;
    const { replicas, rollout, progressDeadlineSeconds } = s;
    const { minReadySeconds, revisionHistoryLimit } = s.timing;
    const spec = (): k8s.DeploymentSpec =>
      merged<k8s.DeploymentSpec>(replicas !== undefined ? { replicas } : undefined, {
        selector: { matchLabels: { ...matchLabels }, ...(matchExpressions ? { matchExpressions } : {}) },
        strategy: rollout._render(),
        minReadySeconds,
        progressDeadlineSeconds,
        revisionHistoryLimit,
        template: template(),
      });
    return compact(
      new k8s.KubeDeployment(this, 'deployment', {
        metadata: objectMeta(s.name, s.namespace, s.labels, s.annotations),
        spec: Lazy.any({ produce: spec }),
      }),
    );
  }

  private buildAutoscaler(s: WebTierSettings): k8s.KubeHorizontalPodAutoscalerV2 | undefined {
    const a = s.autoscaling;
    if (!a) return undefined;
    return compact(
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'hpa', {
        metadata: objectMeta(s.name, s.namespace, s.labels, s.annotations),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: s.name },
          minReplicas: s.minReplicas,
          maxReplicas: a.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpuUtilizationPercent ?? 70 } } }],
        },
      }),
    );
  }
}

/** Resolves and checks every prop of a web tier, in the order its problems are reported. */
function resolveWebTier(p: Problems, self: Construct, id: string, given: StatelessWebTierProps): WebTierSettings {
  // a prop the tier leaves out comes from the nearest TierDefaults that sets it
  const props = TierDefaults._apply(self, constructProps(p, given, WEB_TIER_PROPS));
  const { name, namespace, chartNamespace } = resolveName(p, self, id, props, NAME_RULE);
  const port = props.port ?? 8080;
  const portName = props.portName ?? 'http';
  const preStopDelaySeconds = props.preStopDelaySeconds ?? 5;
  const main = new ContainerBuilder(p, '', {
    name,
    image: props.image,
    port,
    portName,
    command: props.command,
    args: props.args,
    env: props.env,
    readiness: props.readiness ?? DEFAULT_READINESS,
    liveness: props.liveness ?? DEFAULT_LIVENESS,
    startup: props.startup,
    resources: resolveResources(p, 'resources', props.resources, WEB_RESOURCES),
    nameChecked: true, // the tier name, checked by the stricter rule
    preStopDelaySeconds,
  });
  const identity = resolveIdentity(p, name, props, 'web', main.imageTag);
  const labels = tierLabels(identity, props.labels);
  // only valid expressions are rendered (the others are reported)
  const expressions = listOf(p, 'selectorExpressions', props.selectorExpressions).filter((e, i) => checkExpression(p, labels, e, `selectorExpressions[${i}]`));
  const scale = resolveScale(p, props);
  const rollout = resolveRollout(p, props);
  const timing = resolveTiming(p, props, { minReadySeconds: 5, terminationGracePeriodSeconds: 30 });
  const progressDeadlineSeconds = props.progressDeadlineSeconds ?? 600;
  if (checkInteger(p, 'progressDeadlineSeconds', progressDeadlineSeconds, 1) && Number.isSafeInteger(timing.minReadySeconds) && timing.minReadySeconds >= 0) {
    // (the message is made only when it is reported: this runs for every web tier)
    if (!(progressDeadlineSeconds > timing.minReadySeconds)) {
      p.add({
        prop: 'progressDeadlineSeconds',
        value: progressDeadlineSeconds,
        rule: `must be greater than minReadySeconds (${timing.minReadySeconds})`,
        fix: 'raise progressDeadlineSeconds or lower minReadySeconds',
      });
    }
  }
  checkPreStop(p, preStopDelaySeconds, timing.terminationGracePeriodSeconds);
  const service = resolveServiceSettings(p, self, props, ServiceType.NODE_PORT, 80);
  const volumes = new PodVolumes(p);
  volumes.addWritable('writablePaths', main, writablePaths(p, 'writablePaths', undefined, props.writablePaths));
  const config = resolveConfig(p, props, main, volumes, name);
  volumes.addReadOnly(main, props.readOnlyVolumes);
  const initContainers = resolveInitContainers(p, props, main, volumes);
  const sharedPath = props.sharedPath ?? '/shared';
  if (!isAbsolutePath(sharedPath)) p.add({ prop: 'sharedPath', value: sharedPath, rule: 'must be an absolute path', fix: 'use a path like "/shared"' });
  return {
    name,
    namespace,
    chartNamespace,
    main,
    port,
    portName,
    labels,
    podSelectorLabels: selectorLabels(identity),
    expressions,
    annotations: props.annotations,
    serviceAccountName: props.serviceAccountName,
    security: resolveSecurity(p, props.security, false),
    resources: effectiveResources(props.resources, WEB_RESOURCES),
    scheduling: resolveScheduling(p, props),
    initContainers,
    timing,
    service,
    volumes,
    rollout,
    progressDeadlineSeconds,
    preStopDelaySeconds,
    sharedPath,
    sidecars: listOf(p, 'sidecars', props.sidecars),
    ...scale,
    ...config,
    metrics: resolveWebMetrics(p, props.metrics, name),
  };
}

/** Replicas or an autoscaler (not both). */
function resolveScale(p: Problems, props: StatelessWebTierProps) {
  const autoscaling = checkProps(p, 'autoscaling', props.autoscaling, AUTOSCALING_OPTIONS);
  let replicas: number | undefined;
  if (props.autoscaling !== undefined) {
    if (props.replicas !== undefined)
      p.add({
        prop: 'replicas',
        value: props.replicas,
        rule: 'cannot be set together with autoscaling: the autoscaler owns the replica count, and a GitOps sync would fight it',
        fix: 'remove replicas and set autoscaling.minReplicas instead',
      });
  } else {
    replicas = props.replicas ?? 2;
    checkInteger(p, 'replicas', replicas, 0);
  }
  const minReplicas = autoscaling?.minReplicas ?? 2;
  if (autoscaling) checkAutoscaling(p, autoscaling, minReplicas);
  return { replicas, autoscaling, minReplicas, several: props.autoscaling !== undefined || (replicas ?? 0) > 1 };
}

/** The preStop delay: a whole number of seconds, and less than the grace period (which counts the hook's time too). */
function checkPreStop(p: Problems, delay: number, grace: number): void {
  if (!checkInteger(p, 'preStopDelaySeconds', delay, 0, 3600) || delay === 0 || !Number.isSafeInteger(grace)) return;
  if (grace > delay) return;
  p.add({
    prop: 'terminationGracePeriodSeconds',
    value: grace,
    rule: `must be greater than preStopDelaySeconds (${delay}): the grace period counts the preStop hook too, and the server would be killed before it could finish its requests`,
    fix: `raise terminationGracePeriodSeconds above ${delay}, or lower preStopDelaySeconds (0 turns the hook off)`,
  });
}

function resolveRollout(p: Problems, props: StatelessWebTierProps): Rollout {
  const rollout = props.rollout ?? DEFAULT_ROLLOUT;
  if (checkChoice(p, 'rollout', rollout, Rollout, 'use Rollout.rollingUpdate({...}) or Rollout.recreate()')) rollout._check(p, 'rollout');
  return rollout;
}

/** The config files: checked, mounted read-only, and the checksum that rolls the pods when they change. */
function resolveConfig(p: Problems, props: StatelessWebTierProps, main: ContainerBuilder, volumes: PodVolumes, name: string) {
  const configMountPath = props.configMountPath ?? '/config';
  if (props.configFiles === undefined) {
    if (props.configMountPath !== undefined) {
      p.add({
        prop: 'configMountPath',
        value: props.configMountPath,
        rule: 'has no effect without configFiles',
        fix: 'add configFiles, or remove configMountPath',
      });
    }
    return { configMountPath };
  }
  const configChecksum = checkConfig(p, props.configFiles, configMountPath);
  const mount = { name: CONFIG_VOLUME, mountPath: configMountPath, readOnly: true };
  volumes.add('configMountPath', 'configMountPath', main, mount, { name: CONFIG_VOLUME, configMap: { name: `${name}-config` } });
  return { configMountPath, configChecksum, configFiles: props.configFiles };
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

/** Checks one selector expression; returns whether it can be rendered. */
function checkExpression(p: Problems, labels: Record<string, string>, e: LabelExpression, prop: string): boolean {
  if (!(
    e instanceof LabelExpression ||
    p.fail({
      prop,
      value: e,
      rule: 'must be a LabelExpression',
      fix: 'use LabelExpression.in(...), notIn, exists or doesNotExist',
    })
  ))
    return false;
  // a key or values that are wrong are the one problem: whether the labels satisfy them follows from it
  if (!e._check(p, prop)) return false;
  return (
    (e.key !== LABEL_VERSION ||
      p.fail({
        prop: `${prop}.key`,
        value: e.key,
        rule: 'the version label changes with every release, and a selector can never change',
        fix: 'select on a label that stays the same for the life of the tier',
      })) &&
    (e.matches(labels) ||
      p.fail({
        prop,
        value: `${e.key} ${e.operator} ${JSON.stringify(e.values ?? [])}`,
        rule: 'the pod labels do not satisfy it, so the Deployment would select none of its own pods',
        fix: 'add a matching label with the labels prop, or change the expression',
      }))
  );
}

function checkAutoscaling(p: Problems, a: AutoscalingOptions, minReplicas: number): void {
  const minOk = checkInteger(p, 'autoscaling.minReplicas', minReplicas, 1);
  const maxOk = checkInteger(p, 'autoscaling.maxReplicas', a.maxReplicas, 1, undefined, 'set autoscaling.maxReplicas (required) to a whole number >= 1');
  if (minOk && maxOk) {
    if (!(minReplicas <= a.maxReplicas))
      p.add({
        prop: 'autoscaling.minReplicas',
        value: minReplicas,
        rule: `must not exceed autoscaling.maxReplicas (${a.maxReplicas})`,
        fix: 'lower minReplicas or raise maxReplicas',
      });
  }
  if (a.cpuUtilizationPercent !== undefined) checkInteger(p, 'autoscaling.cpuUtilizationPercent', a.cpuUtilizationPercent, 1, 1000);
}

/** Checks the config files; returns the checksum that rolls the pods when they change. */
function checkConfig(p: Problems, files: { [fileName: string]: string }, mountPath: string): string {
  if (!isAbsolutePath(mountPath))
    p.add({
      prop: 'configMountPath',
      value: mountPath,
      rule: 'must be an absolute path',
      fix: 'use a path like "/etc/nginx/conf.d"',
    });
  if (!(
    isObject(files) ||
    p.fail({
      prop: 'configFiles',
      value: files,
      rule: 'must be a map of file names to file contents',
      fix: 'give an object like { "app.conf": "..." }, or leave configFiles out',
    })
  ))
    return '';
  for (const [file, content] of Object.entries(files)) {
    if (!checkRenderableKey(p, 'configFiles', file)) continue;
    if (!(/^[-._a-zA-Z0-9]+$/.test(file) && file.length <= 253 && file !== '.' && file !== '..'))
      p.add({
        prop: 'configFiles key',
        value: file,
        rule: 'a ConfigMap key must consist of letters, digits, "-", "_" and "."',
        fix: 'use a file name like "app.conf"',
      });
    if (typeof content !== 'string')
      p.add({
        prop: entryProp('configFiles', file),
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
