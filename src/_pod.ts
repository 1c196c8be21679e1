/**
 * Pod hardening shared by every workload of the library: security contexts,
 * resources, writable paths under a read-only root, spreading over zones and nodes.
 */
import { createHash } from 'node:crypto';
import { k8s } from './_k8s';
import { Problems } from './_errors';
import { POD_SECURITY_OPTIONS, RESOURCE_OPTIONS } from './_keys';
import { checkProps } from './_props';
import { checkQuantity, checkRequestWithinLimit } from './_quantity';
import { checkInteger, isAbsolutePath, listOf } from './_rules';
import { ResourceOptions } from './resources';
import { PodSecurityOptions } from './security';
import { merged } from './_merge';

/** The uid and gid used unless the user chooses others. */
export const DEFAULT_UID = 10001;
export const MIN_UID = 10000;

/** Resolved identity of the pod's processes. */
export interface ResolvedSecurity {
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly fsGroup?: number;
}

/** Checks and resolves the pod identity (`prop` names it in messages). */
export function resolveSecurity(problems: Problems, givenProps: PodSecurityOptions | undefined, defaultFsGroup: boolean, prop = 'security'): ResolvedSecurity {
  const given = checkProps(problems, prop, givenProps, POD_SECURITY_OPTIONS);
  const runAsUser = given?.runAsUser ?? DEFAULT_UID;
  const runAsGroup = given?.runAsGroup ?? DEFAULT_UID;
  const fix = 'use an id of 10000 or more, which no host user has (the image must not need a fixed low id)';
  checkInteger(problems, `${prop}.runAsUser`, runAsUser, MIN_UID, 2 ** 31 - 1, fix);
  checkInteger(problems, `${prop}.runAsGroup`, runAsGroup, MIN_UID, 2 ** 31 - 1, fix);
  const fsGroup = given?.fsGroup ?? (defaultFsGroup ? runAsGroup : undefined);
  if (given?.fsGroup !== undefined) checkInteger(problems, `${prop}.fsGroup`, given.fsGroup, 1, 2 ** 31 - 1);
  return { runAsUser, runAsGroup, ...(fsGroup !== undefined ? { fsGroup } : {}) };
}

/** The pod-level security context (restricted Pod Security Standard). */
export function podSecurityContext(s: ResolvedSecurity): k8s.PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: s.runAsUser,
    runAsGroup: s.runAsGroup,
    ...(s.fsGroup !== undefined ? { fsGroup: s.fsGroup, fsGroupChangePolicy: 'OnRootMismatch' } : {}),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The container-level security context, the same for every container. */
export function containerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
  };
}

/** The default requests and limits of every field but the CPU limit. */
type RoleResourceOptions = Required<Omit<ResourceOptions, 'cpuLimit'>>;

/**
 * The default requests and limits of a container role, and their rendering, made once: a container that keeps
 * the defaults (most do) renders this one object, which nothing changes (the renderers copy what they render),
 * instead of holding requests, limits and five quantities of its own for the life of the tree.
 */
export class RoleResources {
  /** The defaults as rendered (shared by every container of the role that keeps them: never changed). */
  public readonly rendered: k8s.ResourceRequirements;

  constructor(public readonly options: RoleResourceOptions) {
    this.rendered = renderResources(options);
  }
}

/** Default requests and limits of a tier's main container, by tier. */
export const WEB_RESOURCES = new RoleResources({
  cpuRequest: '100m',
  memoryRequest: '128Mi',
  memoryLimit: '256Mi',
  ephemeralStorageRequest: '64Mi',
  ephemeralStorageLimit: '256Mi',
});
export const DATABASE_RESOURCES = new RoleResources({
  cpuRequest: '250m',
  memoryRequest: '512Mi',
  memoryLimit: '1Gi',
  ephemeralStorageRequest: '128Mi',
  ephemeralStorageLimit: '1Gi',
});

/** The resource options of a container: what was given over the defaults of its role. */
export function effectiveResources(given: ResourceOptions | undefined, defaults: RoleResources): RoleResourceOptions & ResourceOptions {
  return merged<RoleResourceOptions & ResourceOptions>(defaults.options, stripUndefined(given !== null && typeof given === 'object' ? given : {}));
}

/** The resource fields and the example each one's message gives. */
const RESOURCE_FIELDS: ReadonlyArray<[keyof ResourceOptions, string]> = [
  ['cpuRequest', '250m'],
  ['cpuLimit', '1'],
  ['memoryRequest', '128Mi'],
  ['memoryLimit', '256Mi'],
  ['ephemeralStorageRequest', '64Mi'],
  ['ephemeralStorageLimit', '256Mi'],
];

/** Checks the resource options against the defaults of the container's role, and renders them. */
export function resolveResources(problems: Problems, prop: string, given: ResourceOptions | undefined, defaults: RoleResources): k8s.ResourceRequirements {
  const checked = checkProps(problems, prop, given, RESOURCE_OPTIONS);
  // (a role's defaults are valid quantities, each request within its limit: only options that were given can break a rule)
  if (checked === undefined) return defaults.rendered;
  const r = effectiveResources(checked, defaults);
  checkResources(problems, prop, r);
  return renderResources(r);
}

/** Requests and limits as a container has them. */
function renderResources(r: RoleResourceOptions & ResourceOptions): k8s.ResourceRequirements {
  const q = (v: string) => k8s.Quantity.fromString(v);
  return {
    requests: { cpu: q(r.cpuRequest), memory: q(r.memoryRequest), 'ephemeral-storage': q(r.ephemeralStorageRequest) },
    limits: merged<{ [key: string]: k8s.Quantity }>(r.cpuLimit !== undefined ? { cpu: q(r.cpuLimit) } : undefined, {
      memory: q(r.memoryLimit),
      'ephemeral-storage': q(r.ephemeralStorageLimit),
    }),
  };
}

/** Each quantity valid; then each request within its limit. */
function checkResources(problems: Problems, prop: string, r: RoleResourceOptions & ResourceOptions): void {
  let valid = true;
  for (const [field, example] of RESOURCE_FIELDS) {
    if (r[field] !== undefined) valid = checkQuantity(problems, `${prop}.${field}`, r[field], example) && valid;
  }
  if (!valid) return;
  if (r.cpuLimit !== undefined) checkRequestWithinLimit(problems, `${prop}.cpuRequest`, r.cpuRequest, `${prop}.cpuLimit`, r.cpuLimit);
  checkRequestWithinLimit(problems, `${prop}.memoryRequest`, r.memoryRequest, `${prop}.memoryLimit`, r.memoryLimit);
  checkRequestWithinLimit(problems, `${prop}.ephemeralStorageRequest`, r.ephemeralStorageRequest, `${prop}.ephemeralStorageLimit`, r.ephemeralStorageLimit);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * A volume name derived from a path: "/var/cache/nginx" becomes "var-cache-nginx".
 * A name longer than 63 characters is cut and ends in a hash of the whole name,
 * so that two long names never become the same.
 */
export function volumeNameForPath(prefix: string | undefined, path: string): string {
  const slug =
    path
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'root';
  const name = `${prefix ? `${prefix}-` : ''}${slug}`;
  if (name.length <= 63) return name;
  return `${name.slice(0, 54).replace(/-+$/, '')}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
}

/** The source of an emptyDir volume with the defaults: one object that nothing changes (the rendered pods share it). */
export const EMPTY_DIR: k8s.EmptyDirVolumeSource = {};

/** Writable emptyDir volumes under a read-only root: `/tmp` always, plus the paths the user names. */
export function writablePaths(
  problems: Problems,
  prop: string,
  volumePrefix: string | undefined,
  paths: readonly string[] | undefined,
): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  const all = ['/tmp', ...listOf(problems, prop, paths).filter((p) => p !== '/tmp')];
  const volumes: k8s.Volume[] = [];
  const mounts: k8s.VolumeMount[] = [];
  for (const path of all) {
    if (!(
      isAbsolutePath(path) ||
      problems.fail({
        prop,
        value: path,
        rule: 'each writable path must be an absolute, normalised path other than "/"',
        fix: 'write paths like "/var/cache/nginx" (no trailing "/", no "..")',
      })
    ))
      continue;
    const name = volumeNameForPath(volumePrefix, path);
    volumes.push({ name, emptyDir: EMPTY_DIR });
    mounts.push({ name, mountPath: path });
  }
  return { volumes, mounts };
}

/** Topology spread over zones and nodes, and a preferred hostname anti-affinity on the tier's own pods. */
export function spreadAndAntiAffinity(
  selector: Record<string, string>,
  matchLabelKeys?: string[],
): Pick<k8s.PodSpec, 'topologySpreadConstraints' | 'affinity'> {
  const labelSelector = { matchLabels: { ...selector } };
  const spread = (topologyKey: string): k8s.TopologySpreadConstraint => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector,
    ...(matchLabelKeys ? { matchLabelKeys } : {}),
  });
  return {
    topologySpreadConstraints: [spread('topology.kubernetes.io/zone'), spread('kubernetes.io/hostname')],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector } }],
      },
    },
  };
}
