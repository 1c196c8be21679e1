import { k8s } from './_k8s';
import { Problems } from './_errors';
import { STATEFUL_ROLLING_UPDATE_OPTIONS } from './_keys';
import { checkProps } from './_props';
import { checkInteger, isObject } from './_rules';

/**
 * How a StatefulSet creates and removes its pods.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#pod-management-policies
 */
export enum PodManagementPolicy {
  /** One at a time, in ordinal order, each Running and Ready before the next (removal in reverse). */
  ORDERED_READY = 'OrderedReady',
  /** All at once; for engines whose replicas find each other without an order. */
  PARALLEL = 'Parallel',
}

/** Options of a StatefulSet rolling update. */
export interface StatefulRollingUpdateOptions {
  /**
   * Only pods with an ordinal at or above this number are updated; the
   * others keep the old template (a canary: set it to replicas - 1, then lower it).
   * @default 0
   */
  readonly partition?: number;
}

/**
 * How a StatefulSet replaces its pods when the pod template changes.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#update-strategies
 */
export class StatefulUpdate {
  /** Pods are replaced one at a time, highest ordinal first, down to `partition`. */
  public static rollingUpdate(options: StatefulRollingUpdateOptions = {}): StatefulUpdate {
    return new StatefulUpdate('RollingUpdate', (isObject(options) ? (options.partition as number | undefined) : undefined) ?? 0, options);
  }

  /** Pods are replaced only when you delete them (for hand-run database upgrades). */
  public static onDelete(): StatefulUpdate {
    return new StatefulUpdate('OnDelete');
  }

  private constructor(
    /** `RollingUpdate` or `OnDelete`. */
    public readonly type: string,
    /** The partition of a rolling update. */
    public readonly partition?: number,
    /** The options as given (checked when the strategy is used). */
    private readonly options?: StatefulRollingUpdateOptions,
  ) {}

  /**
   * Checks the options, and the partition against the replica count
   * (`undefined` when the count is itself wrong, and reported). @internal
   */
  public _check(problems: Problems, prop: string, replicas: number | undefined): void {
    if (this.type !== 'RollingUpdate') return;
    checkProps(problems, prop, this.options, STATEFUL_ROLLING_UPDATE_OPTIONS);
    if (!checkInteger(problems, `${prop}.partition`, this.partition, 0) || replicas === undefined) return;
    if (!(this.partition <= replicas))
      problems.add({
        prop: `${prop}.partition`,
        value: this.partition,
        rule: `must not exceed replicas (${replicas}): pods with an ordinal at or above the partition are updated, and there is none`,
        fix: `use a partition from 0 to ${replicas}`,
      });
  }

  /** @internal */
  public _render(): k8s.StatefulSetUpdateStrategy {
    if (this.partition === undefined) return { type: this.type };
    return { type: this.type, rollingUpdate: { partition: this.partition } };
  }
}
