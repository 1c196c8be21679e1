/**
 * The verdict of the strict schema without its messages: whether ajv, over the
 * same strict definitions and with the options of {@link SchemaValidator},
 * would find nothing wrong with a value. Almost every object a synth writes is
 * valid; a small walk over one table decides that in about a third of the CPU
 * of ajv's code (860 KB of it: V8 runs it unoptimised for most of a synth, then
 * spends about half as much again optimising it on background threads), and ajv
 * runs only on the objects it rejects, to say what is wrong, exactly as before.
 *
 * The table holds what ajv checks and nothing else: per schema its type, enum,
 * oneOf, required properties, properties (in schema order), whether it is
 * closed (additionalProperties false), the schema of other properties and of
 * array items. Each is read as ajv's generated code reads it: a property is
 * checked when `value[name] !== undefined`, a required one is missing when it is
 * `undefined`, other properties are the keys of `for...in` that the schema
 * does not list, an integer is a number with `!(v % 1) && !isNaN(v)`. The
 * verdict of ajv is the conjunction of those checks, so their order does not
 * matter here. Any other keyword ajv would act on stops the table from being
 * made (test/schema-shapes.test.ts compares both verdicts over generated values).
 *
 * The walk visits each key of an object once: one `for...in` finds the listed
 * properties the value has and the others, so a value's cost follows the
 * fields it has, not the (often 30 or more) fields its schema lists. A JSON
 * value has no property that `for...in` does not give; a listed name that
 * every object has through Object.prototype (none in Kubernetes) is read by
 * name besides.
 */

/** Keywords of the definitions that ajv ignores with the validator's options (no formats, no defaults). */
const IGNORED = /^(?:description|format|default|title|example|x-kubernetes-.*)$/;
const TYPES = ['object', 'array', 'string', 'integer', 'boolean', 'number'];

/** One schema of the table (a JSON form: nodes refer to each other by index). */
export interface ShapeEntry {
  /** type */
  readonly t?: string;
  /** enum (strings only) */
  readonly e?: readonly string[];
  /** oneOf */
  readonly o?: readonly number[];
  /** required */
  readonly r?: readonly string[];
  /** properties, in schema order */
  readonly p?: ReadonlyArray<readonly [string, number]>;
  /** additionalProperties: false */
  readonly c?: 1;
  /** additionalProperties as a schema */
  readonly a?: number;
  /** items */
  readonly i?: number;
}

/** The table: every schema once, and the entry of each definition. */
export interface ShapeTable {
  readonly definitions: { readonly [name: string]: number };
  readonly nodes: readonly ShapeEntry[];
}

/** The table of (strict) `definitions`; throws on a keyword that ajv would check and the table cannot hold. */
export function shapeTable(definitions: { readonly [name: string]: unknown }): ShapeTable {
  const nodes: ShapeEntry[] = [];
  const known = new Map<string, number>();
  const names = Object.keys(definitions).sort();
  const index = new Map(names.map((n, i) => [n, i]));
  // definitions first, in name order (so references are known before their targets are made)
  nodes.push(...names.map(() => ({})));
  const ref = (r: unknown, at: string): number => {
    const m = typeof r === 'string' ? /^#\/definitions\/(.+)$/.exec(r) : null;
    const i = m ? index.get(m[1]) : undefined;
    if (i === undefined) throw new Error(`${at}: unsupported $ref ${JSON.stringify(r)}`);
    return i;
  };
  const entry = (s: unknown, at: string): ShapeEntry => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) throw new Error(`${at}: not a schema`);
    const o = s as { readonly [k: string]: unknown };
    const e: { -readonly [K in keyof ShapeEntry]: ShapeEntry[K] } = {};
    for (const [k, v] of Object.entries(o)) {
      if (IGNORED.test(k)) continue;
      switch (k) {
        case 'type':
          if (typeof v !== 'string' || !TYPES.includes(v)) throw new Error(`${at}: unsupported type ${JSON.stringify(v)}`);
          e.t = v;
          break;
        case 'enum':
          if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error(`${at}: unsupported enum`);
          e.e = v;
          break;
        case 'oneOf':
          if (!Array.isArray(v)) throw new Error(`${at}: unsupported oneOf`);
          e.o = v.map((x, i) => node(x, `${at}/oneOf/${i}`));
          break;
        case 'required':
          if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new Error(`${at}: unsupported required`);
          e.r = v;
          break;
        case 'properties':
          if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${at}: unsupported properties`);
          e.p = Object.entries(v).map(([name, x]) => [name, node(x, `${at}/properties/${name}`)] as const);
          break;
        case 'additionalProperties':
          if (v === false) e.c = 1;
          else if (v !== true) e.a = node(v, `${at}/additionalProperties`);
          break;
        case 'items':
          if (Array.isArray(v)) throw new Error(`${at}: unsupported items (a list)`);
          e.i = node(v, `${at}/items`);
          break;
        case '$ref':
          if (Object.keys(o).some((x) => x !== '$ref' && !IGNORED.test(x))) throw new Error(`${at}: unsupported $ref beside other keywords`);
          break;
        default:
          throw new Error(`${at}: unsupported keyword ${k}`);
      }
    }
    return e;
  };
  const node = (s: unknown, at: string): number => {
    if (s !== null && typeof s === 'object' && '$ref' in s) {
      entry(s, at);
      return ref((s as { $ref: unknown }).$ref, at);
    }
    const e = entry(s, at);
    const key = JSON.stringify(e);
    let i = known.get(key);
    if (i === undefined) {
      i = nodes.length;
      nodes.push(e);
      known.set(key, i);
    }
    return i;
  };
  for (const n of names) {
    const s = definitions[n];
    // a definition that is only a reference is that reference's node
    nodes[index.get(n)!] = s !== null && typeof s === 'object' && '$ref' in s ? { o: [node(s, n)] } : entry(s, n);
  }
  return { definitions: Object.fromEntries(names.map((n, i) => [n, i])), nodes };
}

const OBJECT = 1;
const ARRAY = 2;
const STRING = 3;
const INTEGER = 4;
const BOOLEAN = 5;
const NUMBER = 6;

/** One schema, ready to walk (every field set, so all nodes share one hidden class). */
class Shape {
  public type = 0;
  public enumValues: readonly string[] | null = null;
  public oneOf: Shape[] | null = null;
  public required: readonly string[] | null = null;
  /** The schema of each listed property, by name, or null when there are none. */
  public properties: ReadonlyMap<string, Shape> | null = null;
  /** The listed properties that every object has through Object.prototype (none in Kubernetes), read by name as ajv reads them. */
  public inherited: ReadonlyArray<readonly [string, Shape]> = [];
  public closed = false;
  public additional: Shape | null = null;
  public items: Shape | null = null;
  /** Whether it has keywords for objects (required, properties, additionalProperties). */
  public objectRules = false;
}

/** A value that is an object for ajv: not null, not an array. */
const isObjectValue = (v: unknown): v is { readonly [key: string]: unknown } => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether ajv finds nothing wrong with `v` under `s` (see the file comment). */
function accepts(s: Shape, v: unknown): boolean {
  switch (s.type) {
    case OBJECT:
      if (!isObjectValue(v)) return false;
      break;
    case ARRAY:
      if (!Array.isArray(v)) return false;
      break;
    case STRING:
      if (typeof v !== 'string') return false;
      break;
    case INTEGER:
      if (typeof v !== 'number' || v % 1 || isNaN(v)) return false;
      break;
    case BOOLEAN:
      if (typeof v !== 'boolean') return false;
      break;
    case NUMBER:
      if (typeof v !== 'number') return false;
      break;
  }
  if (s.enumValues !== null && !s.enumValues.includes(v as string)) return false;
  const oneOf = s.oneOf;
  if (oneOf !== null) {
    let passing = 0;
    for (let i = 0; i < oneOf.length; i++) if (accepts(oneOf[i], v)) passing++;
    if (passing !== 1) return false;
  }
  if (s.items !== null && Array.isArray(v)) {
    const items = s.items;
    for (let i = 0; i < v.length; i++) if (!accepts(items, v[i])) return false;
  }
  if (s.objectRules && isObjectValue(v)) {
    const required = s.required;
    if (required !== null) for (let i = 0; i < required.length; i++) if (v[required[i]] === undefined) return false;
    // one walk over the value's keys: a listed property is checked when it is not undefined, another one is judged by
    // additionalProperties (see the file comment)
    const properties = s.properties;
    const closed = s.closed;
    const additional = s.additional;
    for (const k in v) {
      const p = properties === null ? undefined : properties.get(k);
      if (p === undefined) {
        if (closed || (additional !== null && !accepts(additional, v[k]))) return false;
      } else {
        const x = v[k];
        if (x !== undefined && !accepts(p, x)) return false;
      }
    }
    const inherited = s.inherited;
    for (let i = 0; i < inherited.length; i++) {
      const x = v[inherited[i][0]];
      if (x !== undefined && !accepts(inherited[i][1], x)) return false;
    }
  }
  return true;
}

/** The verdicts of one table; each definition's schemas are made ready on first use. */
export class SchemaShapes {
  private readonly ready: Array<Shape | undefined> = [];

  constructor(private readonly table: ShapeTable) {}

  /** Whether ajv would accept `value` as the definition `definition` (false for a definition the table does not have). */
  public accepts(definition: string, value: unknown): boolean {
    const i = this.table.definitions[definition];
    return i !== undefined && accepts(this.shape(i), value);
  }

  private shape(i: number): Shape {
    const done = this.ready[i];
    if (done) return done;
    const s = new Shape();
    this.ready[i] = s;
    const e = this.table.nodes[i];
    s.type = e.t === undefined ? 0 : TYPES.indexOf(e.t) + 1;
    s.enumValues = e.e ?? null;
    s.oneOf = e.o ? e.o.map((x) => this.shape(x)) : null;
    s.required = e.r ?? null;
    const listed = (e.p ?? []).map(([name, x]) => [name, this.shape(x)] as const);
    s.properties = e.p ? new Map(listed) : null;
    s.inherited = listed.filter(([name]) => name in Object.prototype);
    s.closed = e.c === 1;
    s.additional = e.a === undefined ? null : this.shape(e.a);
    s.items = e.i === undefined ? null : this.shape(e.i);
    s.objectRules = s.required !== null || s.properties !== null || s.closed || s.additional !== null;
    return s;
  }
}
