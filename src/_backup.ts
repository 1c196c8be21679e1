/**
 * The backup of a preset database: a retained PersistentVolumeClaim, a
 * CronJob whose hardened pod dumps the database into it over the network,
 * and the NetworkPolicies that let that pod (and only it, besides the
 * database's clients) reach the server.
 */
import { k8s } from './_k8s';
import { Construct } from 'constructs';
import { BACKUP_SCRIPTS, backupScript } from './_backup-scripts';
import { ContainerBuilder } from './_container';
import { CredentialSource } from './_credential-files';
import { EngineCredentials } from './_engine';
import { Problems } from './_errors';
import { DATABASE_BACKUP_OPTIONS } from './_keys';
import { LABEL_COMPONENT, LABEL_INSTANCE, LABEL_NAME, objectMeta } from './_labels';
import { TierNetworkPolicy } from './_network-policy';
import { podSecurityContext, ResolvedSecurity, resolveResources, RoleResources, writablePaths } from './_pod';
import { checkProps } from './_props';
import { checkChoice, checkInteger, isString } from './_rules';
import { renderNodeAffinity } from './_scheduling-rules';
import { PodScheduling, PodVolumes, renderScheduling } from './_tier';
import { BackupSettings, DatabaseBackup } from './backup';
import { INetworkPeer } from './connection';
import { EnvValue } from './env';
import { compact } from './_l1';

/** Where the backup claim is mounted in the backup pod. */
const BACKUP_PATH = '/backup';
const BACKUP_RESOURCES = new RoleResources({
  cpuRequest: '100m',
  memoryRequest: '128Mi',
  memoryLimit: '512Mi',
  ephemeralStorageRequest: '64Mi',
  ephemeralStorageLimit: '256Mi',
});
/** A CronJob name has at most 52 characters (the controller appends an 11-character suffix to name each Job). */
const MAX_NAME = 52 - '-backup'.length;
const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const CRON_FIELD = /^[0-9A-Za-z*?,/-]+$/;
/**
 * Argo CD never prunes the claim when it leaves Git, nor deletes it with the Application; Flux's
 * kustomize-controller never prunes it. The dumps outlive the app, like the database's own claims.
 */
export const RETAIN_ANNOTATIONS = { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' };

/** The backup, resolved and checked. */
export interface ResolvedBackup {
  readonly settings: BackupSettings;
  readonly container: ContainerBuilder;
  readonly claim: k8s.KubePersistentVolumeClaimProps;
  readonly volumes: k8s.Volume[];
  readonly startingDeadlineSeconds: number;
  readonly activeDeadlineSeconds: number;
  readonly successfulJobsHistoryLimit: number;
  readonly failedJobsHistoryLimit: number;
}

/** What the database tells its backup. */
export interface BackupContext {
  readonly name: string;
  readonly engine: string;
  readonly image: string;
  /** The client Service's DNS name and port. */
  readonly host: string;
  readonly port: number;
  readonly secretName?: string;
  readonly credentials?: EngineCredentials;
  /** The database's credentials mode: the backup reads the Secret's files (mounted read-only at `/etc/credentials`) or env from it, as the server does. */
  readonly credentialFiles: boolean;
  /** Builds and checks a claim's spec as the database's claims are (`prop` prefixes the messages). */
  readonly claim: (prop: string, c: { name: string; mountPath: string; storage: string; storageClassName?: string }) => k8s.KubePersistentVolumeClaimProps;
}

/** Checks the `backup` prop of a database; undefined when it is not set or cannot be rendered (reported). */
export function resolveBackup(p: Problems, given: unknown, ctx: BackupContext): ResolvedBackup | undefined {
  if (given === undefined) return undefined;
  const fix = "use DatabaseBackup.schedule({ schedule: '@daily', keep: 7, storage: '10Gi' })";
  if (!checkChoice(p, 'backup', given, DatabaseBackup, fix)) return undefined;
  const o = checkProps(p, 'backup', given._options, DATABASE_BACKUP_OPTIONS) ?? {};
  const script = BACKUP_SCRIPTS[ctx.engine];
  if (!(
    (script !== undefined && ctx.credentials !== undefined) ||
    p.fail({
      prop: 'backup',
      value: ctx.engine,
      rule: 'DatabaseBackup.schedule() dumps the postgres, mysql and redis presets; for a custom engine the library does not know the dump tool',
      fix: 'back the custom engine up with a CronJob of your own, or remove backup',
    })
  ))
    return undefined;
  if (!(ctx.name.length <= MAX_NAME))
    p.add({
      prop: 'backup',
      value: ctx.name,
      rule: `the CronJob is named "<name>-backup", and a CronJob name has at most 52 characters (each Job gets an 11-character suffix), so with a backup the database's name can have at most ${MAX_NAME}`,
      fix: `shorten the name to ${MAX_NAME} characters or fewer`,
    });
  const name = `${ctx.name}-backup`;
  const schedule = o.schedule ?? '@daily';
  checkSchedule(p, schedule);
  const timeZone = o.timeZone ?? DEFAULT_TIME_ZONE;
  // the default needs no look-up (the first one loads the time zone data: ~15 ms of every start)
  if (!(timeZone === DEFAULT_TIME_ZONE || isTimeZone(timeZone)))
    p.add({
      prop: 'backup.timeZone',
      value: timeZone,
      rule: 'must be an IANA time zone name (the controller looks it up in its time zone database)',
      fix: 'write it like "Europe/Berlin", or leave it out for "Etc/UTC"',
    });
  const keep = o.keep ?? 7;
  checkInteger(p, 'backup.keep', keep, 1, 1000, 'keep 1 to 1000 dumps, e.g. 7');
  const limits = {
    startingDeadlineSeconds: o.startingDeadlineSeconds ?? 3600,
    activeDeadlineSeconds: o.activeDeadlineSeconds ?? 3600,
    successfulJobsHistoryLimit: o.successfulJobsHistoryLimit ?? 3,
    failedJobsHistoryLimit: o.failedJobsHistoryLimit ?? 3,
  };
  // the controller counts missed schedules within the deadline, so it must be at least 10s
  checkInteger(p, 'backup.startingDeadlineSeconds', limits.startingDeadlineSeconds, 10, Number.MAX_SAFE_INTEGER);
  checkInteger(p, 'backup.activeDeadlineSeconds', limits.activeDeadlineSeconds, 1, Number.MAX_SAFE_INTEGER);
  checkInteger(p, 'backup.successfulJobsHistoryLimit', limits.successfulJobsHistoryLimit, 0, 100);
  checkInteger(p, 'backup.failedJobsHistoryLimit', limits.failedJobsHistoryLimit, 0, 100);
  const storage = o.storage ?? '10Gi';
  const claim = ctx.claim('backup.', { name, mountPath: BACKUP_PATH, storage, storageClassName: o.storageClassName });
  const image = o.image ?? ctx.image;
  // the dump's credentials as the server reads them: exported from the Secret's files (only the keys it needs), or env from the Secret
  const vars = Object.fromEntries(script.credentials(ctx.credentials!).map((u) => [u.env, u.key]));
  const source = ctx.secretName === undefined ? undefined : new CredentialSource(ctx.secretName, [...new Set(Object.values(vars))], ctx.credentialFiles);
  const container = new ContainerBuilder(p, 'backup.', {
    name: 'backup',
    image,
    command: ['sh', '-c', `${source?.shellExports(vars) ?? ''}${backupScript(script)}`, 'backup'],
    resources: resolveResources(p, 'backup.resources', o.resources, BACKUP_RESOURCES),
    volumeMounts: [{ name: 'backup', mountPath: BACKUP_PATH }],
    // (the images' own folders differ: redis starts in /data, which only its server mounts)
    workingDir: BACKUP_PATH,
    init: true, // runs to its end: no probes
  });
  const env = { BACKUP_DIR: BACKUP_PATH, BACKUP_PREFIX: ctx.name, BACKUP_KEEP: String(keep), ...script.env(ctx.host, ctx.port, ctx.credentials!) };
  for (const [k, v] of Object.entries(env)) container.addEnv(k, EnvValue.fromValue(v), 'backup');
  const volumes = new PodVolumes(p);
  if (source !== undefined) {
    for (const [k, v] of Object.entries(source.envOnly(vars))) container.addEnv(k, v, 'backup');
    source.mount(volumes, container, 'backup');
  }
  const tmp = writablePaths(p, 'backup', 'backup', []);
  tmp.mounts.forEach((m) => container.addMount(m));
  return {
    settings: { schedule, timeZone, keep, storage, name, image, path: BACKUP_PATH },
    container,
    claim,
    volumes: [{ name: 'backup', persistentVolumeClaim: { claimName: name } }, ...tmp.volumes, ...volumes.volumes],
    ...limits,
  };
}

/** What the backup is built from besides its own settings. */
export interface BackupTier {
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  /** The tier's annotations (its own and the platform defaults'), which every object of the tier carries. */
  readonly annotations?: Record<string, string>;
  readonly podSelectorLabels: Record<string, string>;
  readonly security: ResolvedSecurity;
  readonly scheduling: PodScheduling;
  /** The database's NetworkPolicy, which lets the backup pods in. */
  readonly policy: TierNetworkPolicy;
  /** The database's pods, which the backup pods may reach on `port`. */
  readonly peer: INetworkPeer;
  readonly port: number;
}

/** The backup's objects; its pods are a network peer of the database. */
export class DatabaseBackupJob extends Construct implements INetworkPeer {
  public readonly podSelectorLabels: { [key: string]: string };
  public readonly namespace?: string;
  public readonly claim: k8s.KubePersistentVolumeClaim;
  public readonly cronJob: k8s.KubeCronJob;
  public readonly networkPolicy: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, tier: BackupTier, b: ResolvedBackup) {
    super(scope, id);
    const name = b.settings.name;
    // another app.kubernetes.io/name than the database's: its Services must never select a backup pod
    this.podSelectorLabels = { [LABEL_NAME]: name, [LABEL_INSTANCE]: tier.podSelectorLabels[LABEL_INSTANCE] };
    this.namespace = tier.namespace;
    const labels = { ...tier.labels, ...this.podSelectorLabels, [LABEL_COMPONENT]: 'backup' };
    this.claim = compact(
      new k8s.KubePersistentVolumeClaim(this, 'claim', {
        ...b.claim,
        // (the library's retention annotations over the tier's)
        metadata: objectMeta(name, tier.namespace, labels, { ...tier.annotations, ...RETAIN_ANNOTATIONS }),
      }),
    );
    this.cronJob = compact(
      new k8s.KubeCronJob(this, 'cronjob', {
        metadata: objectMeta(name, tier.namespace, labels, tier.annotations),
        spec: {
          schedule: b.settings.schedule,
          timeZone: b.settings.timeZone,
          concurrencyPolicy: 'Forbid',
          startingDeadlineSeconds: b.startingDeadlineSeconds,
          successfulJobsHistoryLimit: b.successfulJobsHistoryLimit,
          failedJobsHistoryLimit: b.failedJobsHistoryLimit,
          jobTemplate: {
            metadata: { labels: { ...labels } },
            spec: {
              backoffLimit: 2,
              activeDeadlineSeconds: b.activeDeadlineSeconds,
              template: {
                metadata: {
                  labels: { ...labels },
                  ...(tier.annotations && Object.keys(tier.annotations).length ? { annotations: { ...tier.annotations } } : {}),
                },
                spec: {
                  restartPolicy: 'Never',
                  automountServiceAccountToken: false,
                  enableServiceLinks: false,
                  securityContext: podSecurityContext(tier.security),
                  ...renderScheduling(tier.scheduling),
                  // (the database's node affinity; its spreading is for its own pods)
                  ...(tier.scheduling.nodeAffinity ? { affinity: { nodeAffinity: renderNodeAffinity(tier.scheduling.nodeAffinity) } } : {}),
                  // (the tier's image registry, as for the containers of its own pods)
                  containers: [b.container.render(tier.scheduling.imageRegistry)],
                  volumes: b.volumes,
                },
              },
            },
          },
        },
      }),
    );
    const policy = new TierNetworkPolicy(this, 'network-policy', {
      name,
      namespace: tier.namespace,
      labels,
      annotations: tier.annotations,
      podSelector: { ...this.podSelectorLabels },
    });
    policy.allowEgress(tier.peer, [tier.port]);
    tier.policy.allowIngress(this, [tier.port]);
    this.networkPolicy = policy.resource;
  }
}

function checkSchedule(p: Problems, schedule: unknown): void {
  const fields = isString(schedule) ? schedule.trim().split(/\s+/) : [];
  if (!(isString(schedule) && (MACROS.includes(schedule) || (fields.length === 5 && fields.every((f) => CRON_FIELD.test(f))))))
    p.add({
      prop: 'backup.schedule',
      value: schedule,
      rule: `must be a cron expression of five fields (minute hour day-of-month month day-of-week) or one of ${MACROS.join(', ')}; the time zone goes in timeZone, not in the schedule`,
      fix: 'write it like "30 2 * * *" (02:30 every day) or "@daily"',
    });
}

/** The time zone of a schedule that names none. */
const DEFAULT_TIME_ZONE = 'Etc/UTC';

function isTimeZone(tz: unknown): boolean {
  if (!isString(tz) || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
