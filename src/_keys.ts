/**
 * The keys of every props and options type of the public API, one list per
 * type (the compiler checks each against its interface), for the known-keys rule.
 */
import { KeyList, propsType } from './_props';
import type { GitOpsAppProps } from './gitops/app';
import type { ArgoCdEnvironmentOptions, ArgoCdOptions } from './gitops/argo-cd';
import type { EnvironmentProps, TierOverrides } from './gitops/environment';
import type { AutoscalingOptions } from './autoscaling';
import type { DatabaseBackupOptions } from './backup';
import type { ConnectOptions } from './connection';
import type { StatefulDatabaseProps } from './database';
import type { DatabaseTlsOptions } from './database-tls';
import type { CustomEngineOptions, EngineOptions, MysqlOptions, PostgresOptions, RedisOptions } from './engines';
import type { DatabaseMetricsOptions, ScraperOptions, ServiceMonitorOptions, WebMetricsOptions } from './metrics';
import type { PortProbeOptions, ProbeOptions } from './probe';
import type { ResourceOptions } from './resources';
import type { RollingUpdateOptions } from './rollout';
import type { NodeAffinityOptions, NodeSelectorRequirementOptions, NodeSelectorTermOptions, PreferredNodeTermOptions, TolerationOptions } from './scheduling';
import type { PodSecurityOptions } from './security';
import type { InitContainerOptions, SidecarOptions } from './sidecar';
import type { StatefulRollingUpdateOptions } from './stateful-update';
import type { TierDefaultsOptions } from './tier-defaults';
import type { TierProps } from './tier-props';
import type { ClaimRetentionPolicy, ReadOnlyVolumeOptions, VolumeClaimOptions } from './volume-claim';
import type { StatelessWebTierProps } from './web-tier';

const TIER: KeyList<TierProps> = {
  name: true,
  namespace: true,
  instance: true,
  partOf: true,
  version: true,
  component: true,
  labels: true,
  annotations: true,
  minReadySeconds: true,
  revisionHistoryLimit: true,
  terminationGracePeriodSeconds: true,
  serviceType: true,
  servicePort: true,
  nodePort: true,
  env: true,
  writablePaths: true,
  readiness: true,
  liveness: true,
  startup: true,
  resources: true,
  security: true,
  serviceAccountName: true,
  priorityClassName: true,
  nodeSelector: true,
  tolerations: true,
  imagePullSecrets: true,
  readOnlyVolumes: true,
  initContainers: true,
  imageRegistry: true,
  nodeAffinity: true,
};

export const WEB_TIER_PROPS = propsType<StatelessWebTierProps>(
  'StatelessWebTier',
  {
    ...TIER,
    image: true,
    replicas: true,
    rollout: true,
    progressDeadlineSeconds: true,
    preStopDelaySeconds: true,
    selectorExpressions: true,
    port: true,
    portName: true,
    command: true,
    args: true,
    configFiles: true,
    configMountPath: true,
    sharedPath: true,
    autoscaling: true,
    sidecars: true,
    metrics: true,
  },
  '{ image: "registry.example.com/shop/web:1.4.2" }',
);

export const DATABASE_PROPS = propsType<StatefulDatabaseProps>(
  'StatefulDatabase',
  {
    ...TIER,
    engine: true,
    secretName: true,
    credentials: true,
    tls: true,
    replicas: true,
    podManagementPolicy: true,
    updateStrategy: true,
    storage: true,
    storageClassName: true,
    accessModes: true,
    volumeClaims: true,
    claimRetention: true,
    args: true,
    metrics: true,
    backup: true,
  },
  "{ engine: DatabaseEngine.postgres({ version: '16.4' }), secretName: 'orders-db-credentials' }",
);

export const RESOURCE_OPTIONS = propsType<ResourceOptions>(
  'ResourceOptions',
  {
    cpuRequest: true,
    cpuLimit: true,
    memoryRequest: true,
    memoryLimit: true,
    ephemeralStorageRequest: true,
    ephemeralStorageLimit: true,
  },
  '{ cpuRequest: "250m", memoryLimit: "512Mi" }',
);

export const AUTOSCALING_OPTIONS = propsType<AutoscalingOptions>(
  'AutoscalingOptions',
  { minReplicas: true, maxReplicas: true, cpuUtilizationPercent: true },
  '{ maxReplicas: 10 }',
);

export const SCRAPER_OPTIONS = propsType<ScraperOptions>(
  'ScraperOptions',
  { namespaceLabels: true, podLabels: true },
  "{ namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }",
);

export const SERVICE_MONITOR_OPTIONS = propsType<ServiceMonitorOptions>(
  'ServiceMonitorOptions',
  { intervalSeconds: true, labels: true },
  '{ intervalSeconds: 30 }',
);

export const DATABASE_METRICS_OPTIONS = propsType<DatabaseMetricsOptions>(
  'DatabaseMetricsOptions',
  { scrapedBy: true, image: true, port: true, resources: true, serviceMonitor: true },
  "{ scrapedBy: { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }",
);

export const WEB_METRICS_OPTIONS = propsType<WebMetricsOptions>(
  'WebMetricsOptions',
  { scrapedBy: true, portName: true, path: true, serviceMonitor: true },
  "{ scrapedBy: { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }",
);

export const DATABASE_BACKUP_OPTIONS = propsType<DatabaseBackupOptions>(
  'DatabaseBackupOptions',
  {
    schedule: true,
    timeZone: true,
    keep: true,
    storage: true,
    storageClassName: true,
    image: true,
    resources: true,
    startingDeadlineSeconds: true,
    activeDeadlineSeconds: true,
    successfulJobsHistoryLimit: true,
    failedJobsHistoryLimit: true,
  },
  "{ schedule: '@daily', keep: 7, storage: '10Gi' }",
);

export const SIDECAR_OPTIONS = propsType<SidecarOptions>(
  'SidecarOptions',
  {
    name: true,
    image: true,
    port: true,
    portName: true,
    command: true,
    args: true,
    env: true,
    readiness: true,
    liveness: true,
    startup: true,
    resources: true,
    writablePaths: true,
    publish: true,
  },
  '{ name, image, readiness, liveness } or { name, image, port }',
);

export const POD_SECURITY_OPTIONS = propsType<PodSecurityOptions>(
  'PodSecurityOptions',
  { runAsUser: true, runAsGroup: true, fsGroup: true },
  '{ runAsUser: 10001 }',
);

const PROBE: KeyList<ProbeOptions> = { initialDelaySeconds: true, periodSeconds: true, timeoutSeconds: true, failureThreshold: true, successThreshold: true };
export const PROBE_OPTIONS = propsType<ProbeOptions>('ProbeOptions', PROBE);
export const PORT_PROBE_OPTIONS = propsType<PortProbeOptions>('PortProbeOptions', { ...PROBE, portName: true });

const ENGINE: KeyList<EngineOptions> = { version: true, repository: true, port: true };
export const POSTGRES_OPTIONS = propsType<PostgresOptions>(
  'PostgresOptions',
  { ...ENGINE, database: true, usernameKey: true, passwordKey: true },
  "{ version: '16.4' }",
);
export const MYSQL_OPTIONS = propsType<MysqlOptions>(
  'MysqlOptions',
  { ...ENGINE, database: true, usernameKey: true, passwordKey: true, rootPasswordKey: true },
  "{ version: '8.4.3' }",
);
export const REDIS_OPTIONS = propsType<RedisOptions>('RedisOptions', { ...ENGINE, passwordKey: true }, "{ version: '7.4.1' }");
export const CUSTOM_ENGINE_OPTIONS = propsType<CustomEngineOptions>(
  'CustomEngineOptions',
  {
    image: true,
    port: true,
    portName: true,
    dataPath: true,
    readiness: true,
    liveness: true,
    startup: true,
    env: true,
    command: true,
    args: true,
    writablePaths: true,
    clientEnv: true,
  },
  '{ image, port, dataPath, readiness, liveness }',
);

export const ROLLING_UPDATE_OPTIONS = propsType<RollingUpdateOptions>(
  'RollingUpdateOptions',
  { maxSurge: true, maxUnavailable: true },
  '{ maxSurge: PercentOrAbsolute.percent(25) }',
);
export const STATEFUL_ROLLING_UPDATE_OPTIONS = propsType<StatefulRollingUpdateOptions>('StatefulRollingUpdateOptions', { partition: true }, '{ partition: 1 }');
export const CLAIM_RETENTION_POLICY = propsType<ClaimRetentionPolicy>(
  'ClaimRetentionPolicy',
  { whenDeleted: true, whenScaled: true },
  '{ whenScaled: ClaimRetention.RETAIN }',
);
export const VOLUME_CLAIM_OPTIONS = propsType<VolumeClaimOptions>(
  'VolumeClaimOptions',
  { name: true, mountPath: true, storage: true, storageClassName: true, accessModes: true },
  '{ name: "wal", mountPath: "/var/lib/wal" }',
);
export const DATABASE_TLS_OPTIONS = propsType<DatabaseTlsOptions>('DatabaseTlsOptions', { require: true }, '{ require: true }');

export const CONNECT_OPTIONS = propsType<ConnectOptions>('ConnectOptions', { envPrefix: true, credentials: true }, '{ envPrefix: "ORDERS_DB" }');

export const ENVIRONMENT_PROPS = propsType<EnvironmentProps>(
  'Environment',
  {
    namespace: true,
    createNamespace: true,
    namespaceLabels: true,
    podSecurity: true,
    tiers: true,
    argoCd: true,
  },
  '{ namespace: "shop-dev" }',
);
export const TIER_OVERRIDES = propsType<TierOverrides>(
  'TierOverrides',
  {
    replicas: true,
    autoscaling: true,
    resources: true,
    imageTag: true,
    nodePort: true,
    storage: true,
  },
  '{ replicas: 1 }',
);
export const ARGOCD_ENVIRONMENT_OPTIONS = propsType<ArgoCdEnvironmentOptions>(
  'ArgoCdEnvironmentOptions',
  {
    applicationName: true,
    targetRevision: true,
    destinationServer: true,
    autoSync: true,
  },
  '{ targetRevision: "main" }',
);
export const GITOPS_APP_PROPS = propsType<GitOpsAppProps>('GitOpsApp', { outdir: true, argoCd: true, checks: true, cliOutdir: true }, '{ outdir: "dist" }');
export const ARGOCD_OPTIONS = propsType<ArgoCdOptions>(
  'ArgoCdOptions',
  {
    repoURL: true,
    targetRevision: true,
    path: true,
    namespace: true,
    project: true,
    destinationServer: true,
    autoSync: true,
  },
  '{ repoURL: "https://git.example.com/shop/deploy.git" }',
);

export const TOLERATION_OPTIONS = propsType<TolerationOptions>(
  'TolerationOptions',
  { key: true, operator: true, value: true, effect: true, tolerationSeconds: true },
  '{ key: "pool", value: "web", effect: TaintEffect.NO_SCHEDULE }',
);

export const READ_ONLY_VOLUME_OPTIONS = propsType<ReadOnlyVolumeOptions>(
  'ReadOnlyVolumeOptions',
  { name: true, mountPath: true, secretName: true, configMapName: true },
  '{ name: "tls", mountPath: "/etc/tls", secretName: "shop-tls" }',
);

export const INIT_CONTAINER_OPTIONS = propsType<InitContainerOptions>(
  'InitContainerOptions',
  { name: true, image: true, command: true, args: true, env: true, resources: true, writablePaths: true },
  '{ name: "migrate", image: "registry.example.com/shop/migrate:1.4.2", command: ["migrate", "up"] }',
);

export const TIER_DEFAULTS_OPTIONS = propsType<TierDefaultsOptions>(
  'TierDefaultsOptions',
  {
    priorityClassName: true,
    nodeSelector: true,
    tolerations: true,
    imagePullSecrets: true,
    imageRegistry: true,
    labels: true,
    annotations: true,
    security: true,
    resources: true,
    storageClassName: true,
    nodeAffinity: true,
  },
  '{ priorityClassName: "business-critical" }',
);

export const NODE_AFFINITY_OPTIONS = propsType<NodeAffinityOptions>(
  'NodeAffinityOptions',
  { required: true, preferred: true },
  '{ required: [...], preferred: [...] }',
);

export const NODE_SELECTOR_TERM_OPTIONS = propsType<NodeSelectorTermOptions>(
  'NodeSelectorTermOptions',
  { matchExpressions: true },
  '{ matchExpressions: [{ key: "example.com/pool", operator: NodeSelectorOperator.IN, values: ["web"] }] }',
);

export const PREFERRED_NODE_TERM_OPTIONS = propsType<PreferredNodeTermOptions>(
  'PreferredNodeTermOptions',
  { weight: true, matchExpressions: true },
  '{ weight: 50, matchExpressions: [{ key: "example.com/pool", operator: NodeSelectorOperator.IN, values: ["web"] }] }',
);

export const NODE_SELECTOR_REQUIREMENT_OPTIONS = propsType<NodeSelectorRequirementOptions>(
  'NodeSelectorRequirementOptions',
  { key: true, operator: true, values: true },
  '{ key: "example.com/pool", operator: NodeSelectorOperator.IN, values: ["web"] }',
);
