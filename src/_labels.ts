/**
 * The label set of every object the library writes, and the selector rule:
 * selectors use only labels that never change (name and instance).
 */
import { Problems } from './_errors';
import { checkLabels, entryProp, isLabelValue } from './_rules';
import { merged } from './_merge';

export const MANAGED_BY = 'cdk8s-tiers';

export const LABEL_NAME = 'app.kubernetes.io/name';
export const LABEL_INSTANCE = 'app.kubernetes.io/instance';
export const LABEL_COMPONENT = 'app.kubernetes.io/component';
export const LABEL_PART_OF = 'app.kubernetes.io/part-of';
export const LABEL_VERSION = 'app.kubernetes.io/version';
export const LABEL_MANAGED_BY = 'app.kubernetes.io/managed-by';

/** The identity of one tier, from which its labels are derived. */
export interface TierIdentity {
  readonly name: string;
  readonly instance: string;
  readonly component: string;
  readonly partOf?: string;
  readonly version?: string;
}

/** The identity and metadata props every tier takes. */
export interface IdentityProps {
  readonly instance?: string;
  readonly component?: string;
  readonly partOf?: string;
  readonly version?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** Checks the identity props of the tier `name` and resolves their defaults (the version defaults to the image tag). */
export function resolveIdentity(problems: Problems, name: string, props: IdentityProps, defaultComponent: string, imageTag: string | undefined): TierIdentity {
  const identity: TierIdentity = {
    name,
    instance: props.instance ?? name,
    component: props.component ?? defaultComponent,
    partOf: props.partOf,
    version: props.version ?? (isLabelValue(imageTag) ? imageTag : undefined),
  };
  // only what the user gave: a default derived from a bad name or tag is reported as that
  for (const key of ['instance', 'component', 'partOf', 'version'] as const) {
    const value = props[key];
    if (value === undefined) continue;
    // the instance selects the pods, and an empty one counts as missing (policy/recommended-labels)
    const empty = key === 'instance' && value === '';
    // (the message is made only when it is reported: this runs for every tier)
    if (isLabelValue(value) && !empty) continue;
    problems.add({
      prop: key,
      value,
      rule: `must be a ${empty ? 'non-empty ' : ''}label value: at most 63 letters, digits, "-", "_", "."`,
      fix: empty ? 'leave instance out for the name' : `shorten ${key}`,
    });
  }
  checkExtraLabels(problems, 'labels', props.labels);
  checkExtraAnnotations(problems, 'annotations', props.annotations);
  return identity;
}

/** Checks extra labels as the API server does (keys and values), none of them one the library sets. */
export function checkExtraLabels(problems: Problems, prop: string, labels: Record<string, unknown> | undefined): void {
  checkLabels(problems, prop, labels);
  checkOwned(problems, prop, labels, OWNED_LABELS);
}

/** Checks extra annotations as the API server does (qualified-name keys, string values), none of them one the library sets. */
export function checkExtraAnnotations(problems: Problems, prop: string, annotations: Record<string, unknown> | undefined): void {
  checkLabels(problems, prop, annotations, false);
  checkOwned(problems, prop, annotations, OWNED_ANNOTATIONS);
}

/** Labels the library sets on every object, and how the user sets each instead. */
const OWNED_LABELS: Record<string, string> = {
  [LABEL_NAME]: 'remove it and set the name prop instead',
  [LABEL_INSTANCE]: 'remove it and set the instance prop instead',
  [LABEL_COMPONENT]: 'remove it and set the component prop instead',
  [LABEL_PART_OF]: 'remove it and set the partOf prop instead',
  [LABEL_VERSION]: 'remove it and set the version prop instead',
  [LABEL_MANAGED_BY]: `remove it (the library always sets "${MANAGED_BY}")`,
};
/** Annotations the library sets on the pods. */
const OWNED_ANNOTATIONS: Record<string, string> = {
  'kubectl.kubernetes.io/default-container': 'remove it (the library names the main container there)',
  'checksum/config': 'remove it (the library writes the checksum of configFiles there, which rolls the pods when they change)',
};

/** Reports keys of `given` that the library writes itself (the user's value would be lost). */
function checkOwned(problems: Problems, prop: string, given: Record<string, unknown> | undefined, owned: Record<string, string>): void {
  if (given === null || typeof given !== 'object') return;
  for (const key of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(owned, key)) continue;
    problems.add({
      prop: entryProp(prop, key),
      value: given[key],
      rule: `the library sets ${key} itself, so this value would be replaced`,
      fix: owned[key],
    });
  }
}

/** The labels that select the tier's pods: stable for the life of the workload. */
export function selectorLabels(id: TierIdentity): Record<string, string> {
  return { [LABEL_NAME]: id.name, [LABEL_INSTANCE]: id.instance };
}

/** All recommended labels, plus the user's extra labels (which cannot override the recommended ones). */
export function tierLabels(id: TierIdentity, extra: Record<string, string> = {}): Record<string, string> {
  return merged(
    extra,
    selectorLabels(id),
    { [LABEL_COMPONENT]: id.component },
    id.partOf ? { [LABEL_PART_OF]: id.partOf } : undefined,
    id.version ? { [LABEL_VERSION]: id.version } : undefined,
    { [LABEL_MANAGED_BY]: MANAGED_BY },
  );
}

/**
 * Object metadata with the library's labels; the namespace only when one is given. The maps are not copied: an
 * ApiObject copies the labels and annotations of its metadata when it is created, and renders only its copies.
 */
export function objectMeta(name: string, namespace: string | undefined, labels: Record<string, string>, annotations?: Record<string, string>) {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    labels,
    ...(annotations && Object.keys(annotations).length ? { annotations } : {}),
  };
}
