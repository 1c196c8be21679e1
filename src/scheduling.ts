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

/**
 * How a node selector requirement relates a node label to its values.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#operators
 */
export enum NodeSelectorOperator {
  /** The label's value is one of `values`. */
  IN = 'In',
  /** The label's value is none of `values` (or the node lacks the label). */
  NOT_IN = 'NotIn',
  /** The node has the label (no `values`). */
  EXISTS = 'Exists',
  /** The node lacks the label (no `values`). */
  DOES_NOT_EXIST = 'DoesNotExist',
  /** The label's value, as an integer, is greater than the one value in `values`. */
  GT = 'Gt',
  /** The label's value, as an integer, is less than the one value in `values`. */
  LT = 'Lt',
}

/** One requirement on a node label. */
export interface NodeSelectorRequirementOptions {
  /** The node label key, e.g. "topology.kubernetes.io/zone". */
  readonly key: string;
  /** How the label is matched. */
  readonly operator: NodeSelectorOperator;
  /**
   * The values: one or more for `IN` and `NOT_IN`, a single integer for `GT` and `LT`, none for `EXISTS` and `DOES_NOT_EXIST`.
   * @default - none
   */
  readonly values?: string[];
}

/** A node selector term: a node matches when it meets every requirement. */
export interface NodeSelectorTermOptions {
  /** The requirements (all must hold; at least one). */
  readonly matchExpressions: NodeSelectorRequirementOptions[];
}

/** A preferred node selector term and its weight. */
export interface PreferredNodeTermOptions {
  /** Weight of the term (1-100): the scheduler prefers the nodes with the highest sum of weights of the terms they match. */
  readonly weight: number;
  /** The requirements (all must hold; at least one). */
  readonly matchExpressions: NodeSelectorRequirementOptions[];
}

/**
 * Node affinity of the pods: nodes they must run on (required: a node matches any of the terms) and nodes
 * they prefer. Both are checked at scheduling only ("IgnoredDuringExecution"): running pods stay where they are.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
 */
export interface NodeAffinityOptions {
  /** Terms of which a node must match at least one. @default - any node */
  readonly required?: NodeSelectorTermOptions[];
  /** Terms the scheduler prefers, by weight. @default - no preference */
  readonly preferred?: PreferredNodeTermOptions[];
}
