import { IConstruct } from 'constructs';
import { Problems, throwProblem } from './_errors';
import { checkImageRegistry } from './_image';
import { TIER_DEFAULTS_OPTIONS } from './_keys';
import { checkExtraAnnotations, checkExtraLabels } from './_labels';
import { TierBase } from './_tier';
import { DATABASE_RESOURCES, resolveResources, resolveSecurity, WEB_RESOURCES } from './_pod';
import { checkProps } from './_props';
import { checkLabels, checkStorageClassName, isConstruct } from './_rules';
import { checkImagePullSecrets, checkNodeAffinity, checkPriorityClassName, checkTolerations } from './_scheduling-rules';
import { ResourceOptions } from './resources';
import { NodeAffinityOptions, TolerationOptions } from './scheduling';
import { PodSecurityOptions } from './security';
import { TierProps } from './tier-props';

/**
 * Settings a platform team sets once for every tier below a scope. Each is the
 * tier prop of the same name: a tier that sets the prop uses its own value.
 */
export interface TierDefaultsOptions {
  /** PriorityClass of the pods. @default - the farther scope's, else none */
  readonly priorityClassName?: string;
  /** Node labels the pods' nodes must have. @default - the farther scope's, else any node */
  readonly nodeSelector?: { [key: string]: string };
  /** Taints the pods tolerate. @default - the farther scope's, else none */
  readonly tolerations?: TolerationOptions[];
  /** Secrets the images are pulled with. @default - the farther scope's, else none */
  readonly imagePullSecrets?: string[];
  /**
   * Registry every image is pulled from instead of its own (a mirror): host[:port][/path]; the repository path,
   * tag and digest are kept, and Docker Hub short names are read as `docker.io/library/...`
   * (`nginx:1.27` becomes `<registry>/library/nginx:1.27`).
   * @default - the farther scope's, else each image's own registry
   */
  readonly imageRegistry?: string;
  /**
   * Extra labels on every object and pod (never in a selector); merged key by key: a nearer scope's value of a key
   * wins over a farther one's, a tier's `labels` over both. The library's `app.kubernetes.io/*` labels are refused.
   * @default - the farther scopes', else none
   */
  readonly labels?: { [key: string]: string };
  /** Extra annotations on every object and pod, merged key by key like `labels`. @default - the farther scopes', else none */
  readonly annotations?: { [key: string]: string };
  /** Pod identity (uid, gid, fsGroup), instead of the library's 10001. @default - the farther scope's, else uid and gid 10001 */
  readonly security?: PodSecurityOptions;
  /**
   * Requests and limits of the tiers' main containers (for a tier that does not set `resources`); the fields left
   * out keep the tier's own defaults, which they are checked against (web and database).
   * @default - the farther scope's, else each tier's defaults
   */
  readonly resources?: ResourceOptions;
  /** StorageClass of the databases' claims (a database's `storageClassName` and a claim's own win). @default - the farther scope's, else the cluster's default */
  readonly storageClassName?: string;
  /** Node affinity of the pods. @default - the farther scope's, else none */
  readonly nodeAffinity?: NodeAffinityOptions;
}

const DEFAULTS = Symbol.for('cdk8s-tiers.tier-defaults');

type Check = (p: Problems, prop: string, value: never) => unknown;
/** Each key's check, the tiers' own rule for the prop of that name. */
const CHECKS: { readonly [K in keyof Required<TierDefaultsOptions>]: Check } = {
  priorityClassName: checkPriorityClassName,
  nodeSelector: (p, prop, v) => checkLabels(p, prop, v),
  tolerations: checkTolerations,
  imagePullSecrets: checkImagePullSecrets,
  imageRegistry: checkImageRegistry,
  labels: checkExtraLabels,
  annotations: checkExtraAnnotations,
  security: (p, prop, v) => resolveSecurity(p, v, false, prop),
  // checked against the defaults of both tiers (the fields left out are theirs), a problem once
  resources: (p: Problems, prop: string, v: ResourceOptions) => {
    const before = p.size;
    resolveResources(p, prop, v, WEB_RESOURCES);
    if (p.size === before) resolveResources(p, prop, v, DATABASE_RESOURCES);
  },
  storageClassName: checkStorageClassName,
  nodeAffinity: checkNodeAffinity,
};

/** The keys merged key by key over the scopes (the others: the nearest scope's value). */
const MERGED = ['labels', 'annotations'] as const;

/**
 * Platform defaults for every tier below a scope (the app, a chart, an
 * Environment, any construct): `TierDefaults.of(chart).set({ priorityClassName: 'business-critical' })`.
 * A nearer scope overrides a farther one, a tier's own prop overrides both,
 * and each tier exposes the value it ended up with (`tier.priorityClassName`).
 * Values are checked where they are set (reported once, at that scope, as `TierDefaults.<key>`).
 */
export class TierDefaults {
  /** The defaults of `scope` (empty until set). */
  public static of(scope: IConstruct): TierDefaults {
    if (!isConstruct(scope)) {
      throwProblem('TierDefaults.of', {
        prop: 'scope',
        value: scope,
        rule: 'must be a construct (the app, a chart, an Environment or any construct above the tiers)',
        fix: 'pass the scope, e.g. TierDefaults.of(chart)',
      });
    }
    const own = (scope as { [DEFAULTS]?: TierDefaults })[DEFAULTS];
    if (own instanceof TierDefaults) return own;
    const created = new TierDefaults(scope);
    Object.defineProperty(scope, DEFAULTS, { value: created });
    return created;
  }

  /** The value of `key` for a tier: the nearest scope's that sets it. @internal */
  public static _lookup<K extends keyof TierDefaultsOptions>(tier: IConstruct, key: K): TierDefaultsOptions[K] {
    return TierDefaults.nearest(TierDefaults.above(tier), key);
  }

  /** `props` with every platform default of `tier` filled in where the prop is left out. @internal */
  public static _apply<T extends TierProps>(tier: IConstruct, props: T): T {
    const given = props as unknown as Record<string, unknown>;
    const filled: Record<string, unknown> = { ...given };
    // (the scopes' defaults are read once per tier)
    const above = TierDefaults.above(tier);
    if (above.length === 0) return filled as T;
    for (const key of Object.keys(CHECKS) as Array<keyof TierDefaultsOptions>) {
      if (key === 'storageClassName' || MERGED.includes(key as (typeof MERGED)[number])) continue;
      const value = given[key] ?? TierDefaults.nearest(above, key);
      if (value !== undefined) filled[key] = value;
    }
    for (const key of MERGED) {
      const own = given[key];
      const maps = above.map((d) => d.values[key]).filter((m) => m !== undefined);
      // a tier's own map that is not one is reported by the tier as it is, alone
      if (maps.length > 0 && (own === undefined || (own !== null && typeof own === 'object' && !Array.isArray(own))))
        filled[key] = Object.assign({}, ...maps, own);
    }
    return filled as T;
  }

  /** The value of `key` in the nearest of `above` (farthest first) that sets it. */
  private static nearest<K extends keyof TierDefaultsOptions>(above: readonly TierDefaults[], key: K): TierDefaultsOptions[K] {
    for (let i = above.length - 1; i >= 0; i--) {
      const value = above[i].values[key];
      if (value !== undefined) return value;
    }
    return undefined;
  }

  /** The defaults of the scopes of `tier`, farthest first. */
  private static above(tier: IConstruct): TierDefaults[] {
    return tier.node.scopes.map((scope) => (scope as { [DEFAULTS]?: TierDefaults })[DEFAULTS]).filter((d): d is TierDefaults => d instanceof TierDefaults);
  }

  private values: TierDefaultsOptions = {};

  private constructor(private readonly scope: IConstruct) {}

  /**
   * Sets defaults of this scope (merged over what was set here before). Each value is checked here, by the rule of
   * the tier prop of the same name; a wrong one is reported at this scope and not used. Set them before creating
   * the tiers below the scope (a tier reads them when it is created; setting them later is reported).
   */
  public set(options: TierDefaultsOptions): void {
    const problems = Problems.of(this.scope) ?? new Problems(this.scope);
    const checked = checkProps(problems, 'TierDefaults', options, TIER_DEFAULTS_OPTIONS);
    if (!checked) return;
    // a tier resolves its props when it is created: one created before would silently go without
    const built = this.scope.node.findAll().filter((c) => c instanceof TierBase);
    if (built.length !== 0)
      problems.add({
        prop: 'TierDefaults',
        value: Object.keys(checked),
        rule: `is set after tiers below this scope were created (${built.map((t) => t.node.path).join(', ')}), and they do not get it`,
        fix: 'call TierDefaults.of(scope).set(...) before creating the tiers below the scope',
      });
    const valid: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(checked)) {
      const check = CHECKS[key as keyof TierDefaultsOptions];
      // an unknown key is reported above; null (from JavaScript) is "not set", as for a tier's props
      if (check === undefined || value === undefined || value === null) continue;
      const before = problems.size;
      check(problems, `TierDefaults.${key}`, value as never);
      // a copy: what a tier uses cannot change after it was checked
      if (problems.size === before) valid[key] = structuredClone(value);
    }
    this.values = { ...this.values, ...valid };
  }
}
