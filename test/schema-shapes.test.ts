/**
 * The schema table decides alone which objects are valid (ajv runs only on the
 * ones it rejects), so its verdict must be ajv's, for every value: valid objects
 * made from each schema, with faults anywhere (wrong types, unknown and missing
 * fields, values outside an enum, odd numbers, keys like "__proto__", sparse
 * lists, objects without a prototype), compared with ajv over the same strict
 * definitions and options, for every definition of Kubernetes 1.28.
 */
import * as fs from 'node:fs';
import type { ValidateFunction } from 'ajv';
import * as fc from 'fast-check';
import { DEFINITIONS_FILE, SchemaValidator, SHAPES_FILE } from '../src/guardrails/schema';
import { SchemaShapes, shapeTable, ShapeEntry, ShapeTable } from '../src/guardrails/schema-shapes';
import { RUNS, SEED } from './arbitraries';

jest.setTimeout(10 * 60 * 1000);

/** A validator made from the definitions (ajv compiled at run time) and its ajv verdict per definition. */
const atRunTime = new SchemaValidator(JSON.parse(fs.readFileSync(DEFINITIONS_FILE, 'utf8')).definitions);
const ajvOf = (def: string): ValidateFunction => (atRunTime as unknown as { validatorOf(d: string): ValidateFunction }).validatorOf(def);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const table: ShapeTable = require(SHAPES_FILE);
const shapes = new SchemaShapes(table);
const definitions = Object.keys(table.definitions);

/** Odd values for any place: other types, odd numbers, empty things. */
const ODD: readonly unknown[] = [
  null,
  undefined,
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  1,
  -1,
  1.5,
  2 ** 53,
  '',
  'x',
  '0',
  true,
  false,
  [],
  {},
  [1],
  ['a'],
  { a: 1 },
  10n,
];
const STRINGS = ['a', 'web', '', '1Gi', '250m', 'TCP', 'None', '/x', 'a/b~c', '__proto__'];
const ODD_KEYS = ['surprise', '__proto__', 'constructor', 'toString', 'a/b~c', '', '0', 'hasOwnProperty'];

/** A value for the table entry `i`, mostly valid, sometimes with a fault (drawn with `g`). */
function valueOf(g: fc.GeneratorValue, i: number, depth: number): unknown {
  if (g(fc.integer, { min: 0, max: 19 }) === 0) return ODD[g(fc.integer, { min: 0, max: ODD.length - 1 })];
  const e: ShapeEntry = table.nodes[i];
  if (e.o && (e.t === undefined || g(fc.boolean))) return valueOf(g, e.o[g(fc.integer, { min: 0, max: e.o.length - 1 })], depth);
  if (e.e) return g(fc.integer, { min: 0, max: 9 }) === 0 ? 'not-listed' : e.e[g(fc.integer, { min: 0, max: e.e.length - 1 })];
  const type = e.t ?? (e.p || e.r || e.a !== undefined || e.c ? 'object' : e.i !== undefined ? 'array' : undefined);
  switch (type) {
    case 'string':
      return STRINGS[g(fc.integer, { min: 0, max: STRINGS.length - 1 })];
    case 'integer':
      return g(fc.integer, { min: -3, max: 70000 });
    case 'number':
      return g(fc.boolean) ? g(fc.integer) : g(fc.double);
    case 'boolean':
      return g(fc.boolean);
    case 'array': {
      const n = depth > 5 ? 0 : g(fc.integer, { min: 0, max: 2 });
      const out = Array.from({ length: n }, () => (e.i === undefined ? g(fc.jsonValue) : valueOf(g, e.i, depth + 1)));
      if (g(fc.integer, { min: 0, max: 29 }) === 0) out.length += 1; // a hole at the end
      return out;
    }
    case 'object': {
      const o: { [k: string]: unknown } = g(fc.integer, { min: 0, max: 29 }) === 0 ? Object.create(null) : {};
      const required = new Set(e.r ?? []);
      for (const [name, x] of e.p ?? []) {
        const wanted = required.has(name) ? g(fc.integer, { min: 0, max: 19 }) !== 0 : depth < 4 && g(fc.integer, { min: 0, max: 3 }) === 0;
        if (wanted) o[name] = valueOf(g, x, depth + 1);
      }
      for (const name of required) if (!(name in o) && g(fc.boolean)) o[name] = valueOf(g, 0, depth + 1);
      if (e.a !== undefined && depth < 5) for (let k = g(fc.integer, { min: 0, max: 2 }); k > 0; k--) o[STRINGS[k]] = valueOf(g, e.a, depth + 1);
      if (g(fc.integer, { min: 0, max: 9 }) === 0) {
        const key = ODD_KEYS[g(fc.integer, { min: 0, max: ODD_KEYS.length - 1 })];
        // as JSON.parse makes it: an own property, also for "__proto__"
        Object.defineProperty(o, key, { value: g(fc.jsonValue), enumerable: true, writable: true, configurable: true });
      }
      return o;
    }
    default:
      return g(fc.jsonValue);
  }
}

describe('the schema table', () => {
  test('accepts exactly what ajv accepts, for every definition', () => {
    let rejected = 0;
    fc.assert(
      fc.property(fc.constantFrom(...definitions), fc.gen(), (def, g) => {
        const value = valueOf(g, table.definitions[def], 0);
        const ajv = ajvOf(def)(value);
        if (!ajv) rejected++;
        expect({ def, value, accepts: shapes.accepts(def, value) }).toEqual({ def, value, accepts: ajv });
      }),
      { numRuns: Math.max(2000, Math.ceil(RUNS / 2)), seed: SEED },
    );
    // the values are not all valid, nor all invalid
    expect(rejected).toBeGreaterThan(100);
  });

  test('judges the shipped objects as ajv does (valid, then with one field wrong)', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', labels: { a: 'b' } },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } },
    };
    const def = 'io.k8s.api.apps.v1.Deployment';
    expect(shapes.accepts(def, deployment)).toBe(true);
    const faults: Array<[string, (d: typeof deployment & { [k: string]: unknown }) => void]> = [
      ['an unknown field', (d) => ((d.spec as { [k: string]: unknown }).replica = 2)],
      ['a label that is not a string', (d) => ((d.metadata.labels as { [k: string]: unknown }).a = 1)],
      ['a missing required field', (d) => delete (d.spec as { [k: string]: unknown }).selector],
      [
        'a port that is neither a name nor a number',
        (d) => ((d.spec.template.spec.containers[0] as { [k: string]: unknown }).ports = [{ containerPort: 1.5 }]),
      ],
      ['an unknown field deep down', (d) => ((d.spec.template.spec.containers[0] as { [k: string]: unknown }).surprise = true)],
    ];
    for (const [what, fault] of faults) {
      const d = structuredClone(deployment);
      fault(d);
      expect({ what, accepts: shapes.accepts(def, d) }).toEqual({ what, accepts: false });
      expect(ajvOf(def)(d)).toBe(false);
    }
  });

  test('over definitions of its own, agrees with ajv where the Kubernetes definitions have no example', () => {
    const own = {
      // both branches pass for a whole number: ajv rejects it
      overlap: { oneOf: [{ type: 'number' }, { type: 'integer' }] },
      // other properties follow a schema of their own; listed ones do not
      map: { type: 'object', properties: { n: { type: 'integer' } }, additionalProperties: { type: 'string' } },
      list: { items: { enum: ['a', 'b'] } },
      closed: { properties: { a: { type: 'string' } }, required: ['a'] },
      // names that every object has through Object.prototype: ajv reads them by name, so an object without them has a function there
      inherited: { properties: { constructor: { type: 'string' }, toString: { type: 'string' } } },
    };
    const validator = new SchemaValidator(structuredClone(own));
    const mine = new SchemaShapes(shapeTable((validator as unknown as { allDefinitions(): { [name: string]: Record<string, unknown> } }).allDefinitions()));
    const ajv = (def: string) => (validator as unknown as { validatorOf(d: string): ValidateFunction }).validatorOf(def);
    const cases: Array<[string, unknown]> = [
      ['overlap', 1],
      ['overlap', 1.5],
      ['overlap', 'x'],
      ['map', { n: 1, x: 'y' }],
      ['map', { n: 'one' }],
      ['map', { n: 1, x: 2 }],
      ['map', 'not an object'],
      ['list', ['a', 'b']],
      ['list', ['a', 'c']],
      ['list', 'not a list'],
      ['list', [, 'a']], // eslint-disable-line no-sparse-arrays
      ['closed', { a: 'x' }],
      ['closed', { a: 'x', b: 1 }],
      ['closed', Object.assign(Object.create({ b: 1 }), { a: 'x' })], // an inherited enumerable property is an unknown field for ajv too
      ['closed', Object.create({ a: 'x' })], // and an inherited value counts as present
      ['closed', Object.assign(Object.create(null), { a: 'x' })],
      ['closed', { a: undefined }],
      ['inherited', {}],
      ['inherited', Object.create(null)],
      ['inherited', Object.assign(Object.create(null), { constructor: 'x', toString: 'y' })],
      ['inherited', Object.assign(Object.create(null), { constructor: 1 })],
      ['inherited', JSON.parse('{"constructor": "x", "toString": "y"}')],
    ];
    const verdicts = cases.map(([def, value]) => ({ def, value, accepts: mine.accepts(def, value) }));
    expect(verdicts).toEqual(cases.map(([def, value]) => ({ def, value, accepts: ajv(def)(value) })));
    expect(verdicts.filter((v) => v.accepts).length).toBeGreaterThan(3);
    expect(verdicts.filter((v) => !v.accepts).length).toBeGreaterThan(3);
  });

  test('refuses a keyword it cannot judge, naming where it is', () => {
    expect(() => shapeTable({ a: { type: 'object', properties: { n: { type: 'string', pattern: '^x' } } } })).toThrow(
      'a/properties/n: unsupported keyword pattern',
    );
    expect(() => shapeTable({ a: { $ref: '#/definitions/a', type: 'object' } })).toThrow('a: unsupported $ref beside other keywords');
    expect(() => shapeTable({ a: { $ref: '#/definitions/b' } })).toThrow('a: unsupported $ref "#/definitions/b"');
    expect(() => shapeTable({ a: { type: ['string', 'null'] } })).toThrow('a: unsupported type ["string","null"]');
  });
});
