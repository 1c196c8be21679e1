/**
 * What the guardrails report: one finding per broken rule and object, named by
 * check id, area, object and construct path; and the waivers that silenced one.
 */

/** The three areas of guardrails, from the hardest rule to the most negotiable. */
export enum GuardrailArea {
  /** Strict Kubernetes 1.28 schema: unknown fields, wrong types, missing required fields. */
  SCHEMA = 'schema',
  /** Rules the API server or its controllers enforce that a schema cannot express. */
  API = 'api',
  /** Restricted Pod Security Standard and production defaults; the only area that can be waived. */
  POLICY = 'policy',
}

/** The Kubernetes object a finding is about. */
export interface GuardrailObject {
  /** `apiVersion` of the object, e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** `kind` of the object, e.g. `Deployment`. */
  readonly kind: string;
  /** `metadata.namespace`. @default - no namespace in the manifest */
  readonly namespace?: string;
  /** `metadata.name`. */
  readonly name: string;
}

/** One rule broken by one object. */
export interface GuardrailFinding {
  /** Id of the check, e.g. `policy/read-only-root-filesystem` (also the waiver key). */
  readonly checkId: string;
  /** Area of the check. */
  readonly area: GuardrailArea;
  /** The object that breaks the rule. */
  readonly object: GuardrailObject;
  /** Construct path of the ApiObject that rendered it. @default - unknown (manifests read from files) */
  readonly constructPath?: string;
  /** What is wrong, e.g. `container "web": root filesystem is writable`. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** A policy finding silenced by a waiver annotation, with its reason. */
export interface GuardrailWaiver {
  /** The finding that was waived. */
  readonly finding: GuardrailFinding;
  /** Why it is acceptable, as written in the annotation. */
  readonly reason: string;
}

/** Everything the guardrails found in one set of objects. */
export interface GuardrailsReport {
  /** Findings that fail the synth, in a deterministic order. */
  readonly findings: GuardrailFinding[];
  /** Policy findings that were waived, in a deterministic order. */
  readonly waivers: GuardrailWaiver[];
}

/** `Deployment shop/front` (namespace only when the manifest has one). */
export function describeObject(o: GuardrailObject): string {
  return `${o.kind} ${o.namespace !== undefined ? `${o.namespace}/` : ''}${o.name}`;
}

/** The finding without its construct path: what `node.addValidation` returns (cdk8s adds the path). */
export function findingText(f: GuardrailFinding): string {
  return `${f.checkId}: ${describeObject(f.object)}: ${f.message}. Fix: ${f.fix}`;
}

/** The finding as one problem line: `[construct/path] check-id: Kind ns/name: message. Fix: ...`. */
export function findingLine(f: GuardrailFinding): string {
  return `[${f.constructPath ?? describeObject(f.object)}] ${findingText(f)}`;
}

/** The waiver as one line, as printed at synth. */
export function waiverLine(w: GuardrailWaiver): string {
  return `[${w.finding.constructPath ?? describeObject(w.finding.object)}] waived ${w.finding.checkId} on ${describeObject(w.finding.object)}: ${w.reason} (finding: ${w.finding.message})`;
}

const key = (f: GuardrailFinding): string[] => [
  f.constructPath ?? '',
  f.object.kind,
  f.object.namespace ?? '',
  f.object.name,
  f.object.apiVersion,
  f.checkId,
  f.message,
];

/** Deterministic order: by construct path, object (kind, namespace, name, apiVersion), check id, message. */
export function compareFindings(a: GuardrailFinding, b: GuardrailFinding): number {
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return ka[i] < kb[i] ? -1 : 1;
  }
  return 0;
}
