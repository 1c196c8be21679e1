import { IConstruct } from 'constructs';
import { Problems, throwProblem } from './_errors';
import { TIER_DEFAULTS_OPTIONS } from './_keys';
import { checkProps } from './_props';
import { isConstruct } from './_rules';
import { TolerationOptions } from './scheduling';

/** Pod settings a platform team sets once for every tier below a scope. */
export interface TierDefaultsOptions {
  /** PriorityClass of the pods. @default - the farther scope's, else none */
  readonly priorityClassName?: string;
  /** Node labels the pods' nodes must have. @default - the farther scope's, else any node */
  readonly nodeSelector?: { [key: string]: string };
  /** Taints the pods tolerate. @default - the farther scope's, else none */
  readonly tolerations?: TolerationOptions[];
  /** Secrets the images are pulled with. @default - the farther scope's, else none */
  readonly imagePullSecrets?: string[];
}

const DEFAULTS = Symbol.for('cdk8s-tiers.tier-defaults');

/**
 * Platform defaults for every tier below a scope (the app, a chart, an
 * Environment, any construct): `TierDefaults.of(chart).set({ priorityClassName: 'business-critical' })`.
 * A nearer scope overrides a farther one, a tier's own prop overrides both,
 * and each tier exposes the value it ended up with (`tier.priorityClassName`).
 * Values are checked by the tiers that use them.
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
    for (const scope of [...tier.node.scopes].reverse()) {
      const own = (scope as { [DEFAULTS]?: TierDefaults })[DEFAULTS];
      const value = own?.values[key];
      if (value !== undefined) return value;
    }
    return undefined;
  }

  private values: TierDefaultsOptions = {};

  private constructor(private readonly scope: IConstruct) {}

  /** Sets defaults of this scope (merged over what was set here before). */
  public set(options: TierDefaultsOptions): void {
    const problems = Problems.of(this.scope) ?? new Problems(this.scope);
    const checked = checkProps(problems, 'TierDefaults', options, TIER_DEFAULTS_OPTIONS);
    if (checked) this.values = { ...this.values, ...checked };
  }
}
