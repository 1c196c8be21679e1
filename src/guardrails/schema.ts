/**
 * Strict validation of manifest objects against the Kubernetes 1.28 API
 * definitions shipped with the package (schema/k8s-1.28-definitions.json):
 * unknown fields, wrong types and missing required fields are findings.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { check, Check } from './check';
import { GuardrailArea } from './findings';
import { isObject, text } from '../_json';
import { SchemaShapes, shapeTable, ShapeTable } from './schema-shapes';

/** Where the definitions live, relative to this file (src/guardrails or lib/guardrails). */
export const DEFINITIONS_FILE = join(__dirname, '..', '..', 'schema', 'k8s-1.28-definitions.json');

/** Validators of the kinds the library writes, compiled ahead of time (scripts/gen-validators.ts). */
export const PRECOMPILED_FILE = join(__dirname, '..', '..', 'schema', 'k8s-validators.js');

/** The kind table and the schema table of every definition (scripts/gen-validators.ts): what a synth reads to check valid objects. */
export const SHAPES_FILE = join(__dirname, '..', '..', 'schema', 'k8s-shapes.json');

/** One schema problem of one object. */
export interface SchemaFinding {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** JSON pointer into the object. */
  readonly path: string;
  readonly message: string;
}

interface Definitions {
  [name: string]: Record<string, unknown>;
}

/** Closes every object schema that lists its properties, as the API server does for built-in kinds. */
function strictify(node: unknown): void {
  if (Array.isArray(node)) {
    node.forEach(strictify);
    return;
  }
  if (!isObject(node)) return;
  const o = node;
  if (o.properties && o.additionalProperties === undefined && !o['x-kubernetes-preserve-unknown-fields']) o.additionalProperties = false;
  for (const v of Object.values(o)) strictify(v);
}

/** What scripts/gen-validators.ts generates as schema/k8s-shapes.json: the definition of every kind ("apiVersion|Kind") and the schema table. */
export interface ShippedTable extends ShapeTable {
  readonly byKind: { readonly [kind: string]: string };
}

/** What the package ships: the tables, and the validators compiled ahead of time (loaded on the first object the table rejects). */
export interface Shipped {
  readonly table: ShippedTable;
  readonly validators: () => { readonly [definition: string]: ValidateFunction } | undefined;
}

/** The shipped tables and validators, or none when the generated files are missing. */
export function shipped(): Shipped | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const table: ShippedTable = require(SHAPES_FILE);
    return {
      table,
      validators: () => {
        try {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          return require(PRECOMPILED_FILE).byDefinition;
        } catch {
          return undefined;
        }
      },
    };
  } catch {
    return undefined;
  }
}

/** The shipped definitions, strict. */
const readDefinitions = (): Definitions => strictified(JSON.parse(readFileSync(DEFINITIONS_FILE, 'utf8')).definitions);

function strictified(definitions: Definitions): Definitions {
  strictify(definitions);
  return definitions;
}

/** The definition of every kind the definitions serve, by "apiVersion|Kind". */
function kindsOf(definitions: Definitions): Map<string, string> {
  const byKind = new Map<string, string>();
  for (const [name, d] of Object.entries(definitions)) {
    const gvks = (d['x-kubernetes-group-version-kind'] ?? []) as Array<{ group: string; version: string; kind: string }>;
    for (const g of gvks) byKind.set(`${g.group ? `${g.group}/` : ''}${g.version}|${g.kind}`, name);
  }
  return byKind;
}

const isCoreGroup = (apiVersion: string): boolean => {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return !group.includes('.') || group.endsWith('.k8s.io');
};

/** Sorted entries of a map, for generated files. */
const sorted = <V>(m: ReadonlyMap<string, V>): Array<[string, V]> => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * A strict validator of Kubernetes objects. Whether an object is valid is decided
 * by the schema table ({@link SchemaShapes}: ajv's verdict, fast); what is wrong
 * with one it rejects by ajv, which compiles one schema per kind on first use.
 * The package ships the tables and the validators of the kinds the library writes,
 * compiled ahead of time, so a synth of them reads neither the definitions nor ajv
 * (both only cost start-up time), nor those validators while every object is valid.
 */
export class SchemaValidator {
  private static shared?: SchemaValidator;

  /** The validator over the shipped files, loaded once per process. */
  public static get(): SchemaValidator {
    return (SchemaValidator.shared ??= new SchemaValidator(undefined, shipped()));
  }

  /** The source of a CommonJS module exporting the validators of `kinds` ("apiVersion|Kind"), by definition name. */
  public static standaloneSource(kinds: readonly string[]): string {
    const v = new SchemaValidator(readDefinitions(), undefined, true);
    const exports: Record<string, string> = {};
    kinds.forEach((k, i) => {
      const def = v.byKind.get(k);
      if (!def) throw new Error(`no such kind: ${k}`);
      v.ajv.addSchema({ $ref: `k8s#/definitions/${def}` }, def);
      exports[`v${i}`] = def;
    });
    const names = Object.entries(exports)
      .map(([id, def]) => `  ${JSON.stringify(def)}: exports.${id},`)
      .join('\n');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const standaloneCode: typeof import('ajv/dist/standalone').default = require('ajv/dist/standalone').default;
    return `// Generated by scripts/gen-validators.ts from k8s-1.28-definitions.json: do not edit.\n${standaloneCode(v.ajv, exports)}\nexports.byDefinition = {\n${names}\n};\n`;
  }

  /** The JSON text of schema/k8s-shapes.json: the kind table and the schema table of the shipped definitions. */
  public static tableSource(): string {
    const definitions = readDefinitions();
    const table: ShippedTable = { byKind: Object.fromEntries(sorted(kindsOf(definitions))), ...shapeTable(definitions) };
    return `${JSON.stringify(table)}\n`;
  }

  private definitions?: Definitions;
  private compiler?: Ajv;
  private readonly byKind: Map<string, string>;
  /** kindOf, by apiVersion and kind. */
  private readonly kinds = new Map<string, Map<string, { readonly definition?: string; readonly problem?: string }>>();
  private readonly compiled = new Map<string, ValidateFunction>();
  private table?: SchemaShapes;
  /** The validators compiled ahead of time, until they are read. */
  private precompiled?: Shipped['validators'];

  /** Over `definitions` (made strict), or over the shipped ones, read on first need; `files` are the shipped tables and validators, used as they are. */
  constructor(
    definitions?: Definitions,
    files?: Shipped,
    private readonly emitSource = false,
  ) {
    if (definitions) this.definitions = strictified(definitions);
    this.byKind = files ? new Map(Object.entries(files.table.byKind)) : kindsOf(this.allDefinitions());
    if (files) this.table = new SchemaShapes(files.table);
    this.precompiled = files?.validators;
  }

  private allDefinitions(): Definitions {
    return (this.definitions ??= readDefinitions());
  }

  /** The schema table: the shipped one, or one made from the definitions. */
  private get shapes(): SchemaShapes {
    return (this.table ??= new SchemaShapes(shapeTable(this.allDefinitions())));
  }

  /** ajv over the definitions, made on the first kind that was not compiled ahead of time. */
  private get ajv(): Ajv {
    if (!this.compiler) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const AjvClass: typeof Ajv = require('ajv').default;
      // the definitions are trusted (no meta-schema check); code compiled at run time is not optimised (that only costs compile time), code emitted ahead of time is
      this.compiler = new AjvClass({
        strict: false,
        allErrors: true,
        validateFormats: false,
        validateSchema: false,
        code: { optimize: this.emitSource, source: this.emitSource },
      });
      this.compiler.addSchema({ $id: 'k8s', definitions: this.allDefinitions() });
    }
    return this.compiler;
  }

  /** The validator of a definition: compiled ahead of time, or now. */
  private validatorOf(def: string): ValidateFunction {
    if (this.precompiled) {
      for (const [d, fn] of Object.entries(this.precompiled() ?? {})) if (!this.compiled.has(d)) this.compiled.set(d, fn);
      this.precompiled = undefined;
    }
    let v = this.compiled.get(def);
    if (!v) {
      v = this.ajv.compile({ $ref: `k8s#/definitions/${def}` });
      this.compiled.set(def, v);
    }
    return v;
  }

  /** What is wrong with the apiVersion and kind of an object, if anything (custom resources are fine). */
  public kindProblem(obj: Record<string, unknown>): string | undefined {
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') return 'apiVersion and kind are required strings';
    return this.kindOf(obj.apiVersion, obj.kind).problem;
  }

  /** The definition of a kind and what is wrong with it, looked up once per apiVersion and kind (every object asks). */
  private kindOf(apiVersion: string, kind: string): { readonly definition?: string; readonly problem?: string } {
    let byName = this.kinds.get(apiVersion);
    if (!byName) this.kinds.set(apiVersion, (byName = new Map()));
    let found = byName.get(kind);
    if (!found) {
      const definition = this.byKind.get(`${apiVersion}|${kind}`);
      const problem = !definition && isCoreGroup(apiVersion) ? `no such kind in Kubernetes 1.28: ${apiVersion} ${kind}` : undefined;
      byName.set(kind, (found = { definition, problem }));
    }
    return found;
  }

  /** The schema problems of one object; custom resources (outside the core groups) are not checked. */
  public validate(obj: Record<string, unknown>): SchemaFinding[] {
    const apiVersion = text(obj.apiVersion);
    const kind = text(obj.kind);
    const name = text((obj.metadata as { name?: unknown } | undefined)?.name);
    const at = (path: string, message: string): SchemaFinding => ({ apiVersion, kind, name, path, message });
    const kindProblem = this.kindProblem(obj);
    if (kindProblem) return [at('/', kindProblem)];
    const def = this.kindOf(apiVersion, kind).definition;
    if (!def) return [];
    if (this.shapes.accepts(def, obj)) return [];
    const v = this.validatorOf(def);
    if (v(obj)) return [];
    return (v.errors ?? []).map((e) =>
      at(
        e.instancePath || '/',
        `${e.message}${e.keyword === 'additionalProperties' ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'` : ''}`,
      ),
    );
  }
}

/** At most this many schema findings per object: the first ones point at the cause. */
const MAX_PER_OBJECT = 10;

/**
 * An ApiObject whose toJson() throws (a bad JSON patch, a Lazy that fails) at synth.
 * Reported by the synth layer: manifests read from JSON or YAML have rendered already.
 */
export const RENDER_CHECK: Check = check(
  GuardrailArea.SCHEMA,
  'renders',
  'the ApiObject renders to JSON (its JSON patches apply, its lazy values resolve)',
  'correct the JSON patch or value named in the message (a map key "constructor" or "__proto__" cannot be rendered by cdk8s: rename it)',
  () => undefined,
);

/**
 * The fix of a render finding, by what the message says: a value of another
 * copy of cdk8s (two installs: the user's and one under this library) cannot
 * be rendered by this copy, and there is no JSON patch to correct then.
 */
export function renderFix(detail: string): string {
  if (/non-simple object of type/.test(detail)) {
    return 'install cdk8s, constructs and cdk8s-plus-28 once: `npm ls cdk8s` shows two copies (cdk8s-tiers takes them as peer dependencies, so remove its own copy with `npm dedupe` or align your versions with its ranges)';
  }
  return RENDER_CHECK.fix;
}

/** The schema area: the object renders, names a known kind, then matches the strict schema of that kind. */
export const SCHEMA_CHECKS: readonly Check[] = [
  RENDER_CHECK,
  check(
    GuardrailArea.SCHEMA,
    'kind',
    'apiVersion and kind name a kind of Kubernetes 1.28 (custom resources outside the *.k8s.io groups are not checked)',
    'use an apiVersion/kind pair that Kubernetes 1.28 serves (e.g. autoscaling/v2 HorizontalPodAutoscaler)',
    (ctx) => {
      for (const o of ctx.subjects) {
        const problem = SchemaValidator.get().kindProblem(o);
        if (problem) ctx.report(o, problem);
      }
    },
  ),
  check(
    GuardrailArea.SCHEMA,
    'strict',
    'the object matches the Kubernetes 1.28 schema of its kind: no unknown fields, right types, required fields present',
    'correct the field at the JSON pointer shown (typed values need k8s.Quantity.fromString / k8s.IntOrString)',
    (ctx) => {
      const v = SchemaValidator.get();
      for (const o of ctx.subjects) {
        if (v.kindProblem(o)) continue;
        for (const f of v.validate(o).slice(0, MAX_PER_OBJECT)) ctx.report(o, `${f.path} ${f.message}`);
      }
    },
  ),
];
