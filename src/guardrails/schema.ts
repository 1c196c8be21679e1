/**
 * Strict validation of manifest objects against the Kubernetes 1.28 API
 * definitions shipped with the package (schema/k8s-1.28-definitions.json):
 * unknown fields, wrong types and missing required fields are findings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { ValidateFunction } from 'ajv';
import { check, Check } from './check';
import { GuardrailArea } from './findings';
import { text } from './manifests';

/** Where the definitions live, relative to this file (src/guardrails or lib/guardrails). */
export const DEFINITIONS_FILE = join(__dirname, '..', '..', 'schema', 'k8s-1.28-definitions.json');

/** One schema problem of one object. */
export interface SchemaFinding {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** JSON pointer into the object. */
  readonly path: string;
  readonly message: string;
}

interface Definitions { [name: string]: Record<string, unknown> }

/** Closes every object schema that lists its properties, as the API server does for built-in kinds. */
function strictify(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(strictify);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (o.properties && o.additionalProperties === undefined && !o['x-kubernetes-preserve-unknown-fields']) o.additionalProperties = false;
  for (const v of Object.values(o)) strictify(v);
}

const isCoreGroup = (apiVersion: string): boolean => {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return !group.includes('.') || group.endsWith('.k8s.io');
};

/** A strict validator of Kubernetes objects; compiles one schema per kind, on first use. */
export class SchemaValidator {
  private static shared?: SchemaValidator;

  /** The validator over the shipped definitions, loaded once per process. */
  public static get(): SchemaValidator {
    return (SchemaValidator.shared ??= new SchemaValidator(JSON.parse(readFileSync(DEFINITIONS_FILE, 'utf8')).definitions));
  }

  private readonly ajv: Ajv;
  private readonly byKind = new Map<string, string>();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(definitions: Definitions) {
    strictify(definitions);
    for (const [name, d] of Object.entries(definitions)) {
      const gvks = (d['x-kubernetes-group-version-kind'] ?? []) as Array<{ group: string; version: string; kind: string }>;
      for (const g of gvks) this.byKind.set(`${g.group ? `${g.group}/` : ''}${g.version}|${g.kind}`, name);
    }
    // the definitions are trusted (no meta-schema check) and the generated code is not optimised: both only cost compile time
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false, code: { optimize: false } });
    this.ajv.addSchema({ $id: 'k8s', definitions });
  }

  /** What is wrong with the apiVersion and kind of an object, if anything (custom resources are fine). */
  public kindProblem(obj: Record<string, unknown>): string | undefined {
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return 'apiVersion and kind are required strings';
    if (!this.byKind.has(`${obj.apiVersion}|${obj.kind}`) && isCoreGroup(obj.apiVersion)) return `no such kind in Kubernetes 1.28: ${obj.apiVersion} ${obj.kind}`;
    return undefined;
  }

  /** The schema problems of one object; custom resources (outside the core groups) are not checked. */
  public validate(obj: Record<string, unknown>): SchemaFinding[] {
    const apiVersion = text(obj.apiVersion);
    const kind = text(obj.kind);
    const name = text((obj.metadata as { name?: unknown } | undefined)?.name);
    const at = (path: string, message: string): SchemaFinding => ({ apiVersion, kind, name, path, message });
    const kindProblem = this.kindProblem(obj);
    if (kindProblem) return [at('/', kindProblem)];
    const def = this.byKind.get(`${apiVersion}|${kind}`);
    if (!def) return [];
    let v = this.compiled.get(def);
    if (!v) {
      v = this.ajv.compile({ $ref: `k8s#/definitions/${def}` });
      this.compiled.set(def, v);
    }
    if (v(obj)) return [];
    return (v.errors ?? []).map((e) => at(e.instancePath || '/',
      `${e.message}${e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : ''}`));
  }
}

/** At most this many schema findings per object: the first ones point at the cause. */
const MAX_PER_OBJECT = 10;

/**
 * An ApiObject whose toJson() throws (a bad JSON patch, a Lazy that fails) at synth.
 * Reported by the synth layer: manifests read from JSON or YAML have rendered already.
 */
export const RENDER_CHECK: Check = check(GuardrailArea.SCHEMA, 'renders', 'the ApiObject renders to JSON (its JSON patches apply, its lazy values resolve)',
  'correct the JSON patch or value named in the message', () => undefined);

/** The schema area: the object renders, names a known kind, then matches the strict schema of that kind. */
export const SCHEMA_CHECKS: readonly Check[] = [
  RENDER_CHECK,
  check(GuardrailArea.SCHEMA, 'kind', 'apiVersion and kind name a kind of Kubernetes 1.28 (custom resources outside the *.k8s.io groups are not checked)',
    'use an apiVersion/kind pair that Kubernetes 1.28 serves (e.g. autoscaling/v2 HorizontalPodAutoscaler)', (ctx) => {
      for (const o of ctx.subjects) {
        const problem = SchemaValidator.get().kindProblem(o);
        if (problem) ctx.report(o, problem);
      }
    }),
  check(GuardrailArea.SCHEMA, 'strict', 'the object matches the Kubernetes 1.28 schema of its kind: no unknown fields, right types, required fields present',
    'correct the field at the JSON pointer shown (typed values need k8s.Quantity.fromString / k8s.IntOrString)', (ctx) => {
      const v = SchemaValidator.get();
      for (const o of ctx.subjects) {
        if (v.kindProblem(o)) continue;
        for (const f of v.validate(o).slice(0, MAX_PER_OBJECT)) ctx.report(o, `${f.path} ${f.message}`);
      }
    }),
];
