import { k8s } from './_k8s';
import { Problems } from './_errors';
import { ROLLING_UPDATE_OPTIONS } from './_keys';
import { checkProps } from './_props';
import { isInteger, isObject } from './_rules';

/** A count of pods, absolute or as a percentage of `replicas`. */
export class PercentOrAbsolute {
  /** A percentage of the desired replicas, from 0 to 100. */
  public static percent(percent: number): PercentOrAbsolute {
    return new PercentOrAbsolute(percent, true);
  }

  /** An absolute number of pods. */
  public static absolute(count: number): PercentOrAbsolute {
    return new PercentOrAbsolute(count, false);
  }

  private constructor(
    /** The number given. */
    public readonly value: number,
    /** Whether the number is a percentage. */
    public readonly isPercent: boolean,
  ) {}

  /** True when it allows no pods at all. */
  public get isZero(): boolean {
    return this.value === 0;
  }

  /** Renders the value as the API expects it. */
  public toString(): string {
    return this.isPercent ? `${String(this.value)}%` : String(this.value);
  }

  /** Checks the value. @internal */
  public _check(problems: Problems, prop: string): void {
    if (isInteger(this.value) && this.value >= 0 && (!this.isPercent || this.value <= 100)) return;
    problems.add({
      prop,
      value: this.isPercent && typeof this.value === 'number' && !Number.isNaN(this.value) ? `${this.value}%` : this.value,
      rule: this.isPercent ? 'must be a whole percentage from 0 to 100' : 'must be a whole number of pods >= 0',
      fix: 'use PercentOrAbsolute.percent(25) or PercentOrAbsolute.absolute(1)',
    });
  }

  /** @internal */
  public _render(): k8s.IntOrString {
    return this.isPercent ? k8s.IntOrString.fromString(this.toString()) : k8s.IntOrString.fromNumber(this.value);
  }
}

/** Checks one budget of a rolling update (`name` of `prop`): a valid PercentOrAbsolute, or a problem. */
function checkBudget(problems: Problems, prop: string, name: string, budget: unknown): boolean {
  if (budget instanceof PercentOrAbsolute) {
    budget._check(problems, `${prop}.${name}`);
    return true;
  }
  problems.add({
    prop: `${prop}.${name}`,
    value: budget,
    rule: 'must be a PercentOrAbsolute',
    fix: `use PercentOrAbsolute.percent(25) or PercentOrAbsolute.absolute(1) for ${name}`,
  });
  return false;
}

/** Options of a rolling update. */
export interface RollingUpdateOptions {
  /**
   * Pods that may be created above `replicas` during the update.
   * @default PercentOrAbsolute.percent(25)
   */
  readonly maxSurge?: PercentOrAbsolute;
  /**
   * Pods that may be unavailable during the update. The default 0 keeps full
   * capacity: new pods must be ready before old ones go.
   * @default PercentOrAbsolute.absolute(0)
   */
  readonly maxUnavailable?: PercentOrAbsolute;
}

/**
 * How a Deployment replaces its pods.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
 */
export class Rollout {
  /** A new ReplicaSet is scaled up while the old one is scaled down, within the surge and unavailability budgets. */
  public static rollingUpdate(options: RollingUpdateOptions = {}): Rollout {
    const o = isObject(options) ? (options as RollingUpdateOptions) : {};
    return new Rollout('RollingUpdate', o.maxSurge ?? PercentOrAbsolute.percent(25), o.maxUnavailable ?? PercentOrAbsolute.absolute(0), options);
  }

  /** All old pods are stopped before new ones start (for apps that cannot run two versions at once). */
  public static recreate(): Rollout {
    return new Rollout('Recreate');
  }

  private constructor(
    /** `RollingUpdate` or `Recreate`. */
    public readonly type: string,
    /** The surge budget of a rolling update. */
    public readonly maxSurge?: PercentOrAbsolute,
    /** The unavailability budget of a rolling update. */
    public readonly maxUnavailable?: PercentOrAbsolute,
    /** The options as given (checked when the rollout is used). */
    private readonly options?: RollingUpdateOptions,
  ) {}

  /** Checks the options and budgets. @internal */
  public _check(problems: Problems, prop: string): void {
    if (this.type !== 'RollingUpdate') return;
    checkProps(problems, prop, this.options, ROLLING_UPDATE_OPTIONS);
    // both budgets are checked (each reports its own problem)
    const surge = checkBudget(problems, prop, 'maxSurge', this.maxSurge);
    const unavailable = checkBudget(problems, prop, 'maxUnavailable', this.maxUnavailable);
    if (!surge || !unavailable || !this.maxSurge || !this.maxUnavailable || !(this.maxSurge.isZero && this.maxUnavailable.isZero)) return;
    problems.add({
      prop: `${prop}.maxSurge and ${prop}.maxUnavailable`,
      value: '0 and 0',
      rule: 'cannot both be zero, or the rollout could never replace a pod',
      fix: 'allow a surge of at least 1 pod (or 25%)',
    });
  }

  /** @internal */
  public _render(): k8s.DeploymentStrategy {
    // (budgets that are not PercentOrAbsolute are reported by _check; they render as the type alone)
    if (!(this.maxSurge instanceof PercentOrAbsolute) || !(this.maxUnavailable instanceof PercentOrAbsolute)) return { type: this.type };
    return { type: this.type, rollingUpdate: { maxSurge: this.maxSurge._render(), maxUnavailable: this.maxUnavailable._render() } };
  }
}
