/**
 * What a taint does to pods that do not tolerate it.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export enum TaintEffect {
  /** New pods are not scheduled on the node. */
  NO_SCHEDULE = 'NoSchedule',
  /** The scheduler tries to avoid the node. */
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  /** Running pods are evicted too. */
  NO_EXECUTE = 'NoExecute',
}

/** How a toleration matches a taint. */
export enum TolerationOperator {
  /** The taint's key and value must equal the toleration's. */
  EQUAL = 'Equal',
  /** Any taint of the key (or, without a key, every taint). */
  EXISTS = 'Exists',
}

/**
 * One toleration of the pods, to run on tainted nodes (a dedicated node pool).
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export interface TolerationOptions {
  /** The taint key. @default - every key (only with `TolerationOperator.EXISTS`) */
  readonly key?: string;
  /** How the taint is matched. @default TolerationOperator.EQUAL */
  readonly operator?: TolerationOperator;
  /** The taint value (only with `TolerationOperator.EQUAL`). @default "" */
  readonly value?: string;
  /** The effect tolerated. @default - every effect */
  readonly effect?: TaintEffect;
  /** Seconds the pod stays on a node that gets the taint (only with `TaintEffect.NO_EXECUTE`). @default - forever */
  readonly tolerationSeconds?: number;
}
