/**
 * `merged(...)` is `{ ...a, ...b }` made by assignment (src/_merge.ts): the same own properties, in the same
 * order, with the same values and attributes, for any parts, keys that Object.prototype has included.
 */
import * as fc from 'fast-check';
import { merged } from '../src/_merge';

const SYMBOL = Symbol('s');
/** Keys that an assignment would treat differently from a spread if it were not careful, and ordinary and integer-like ones. */
const key = fc.constantFrom('__proto__', 'toString', 'constructor', 'hasOwnProperty', 'a', 'b', 'app.kubernetes.io/name', '0', '7', '10');
const value = fc.oneof(fc.string(), fc.integer(), fc.constant(undefined), fc.constant(null), fc.object({ maxDepth: 1 }));

/** A part: an object with own enumerable data properties (defined as a spread or JSON.parse makes them), maybe a symbol; or nothing. */
const part = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.tuple(fc.array(fc.tuple(key, value), { maxLength: 6 }), fc.option(value, { nil: undefined }), fc.boolean()).map(([entries, symbolValue, hidden]) => {
    const o: Record<PropertyKey, unknown> = {};
    for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
    if (symbolValue !== undefined) o[SYMBOL] = symbolValue;
    if (hidden) Object.defineProperty(o, 'hidden', { value: 1, enumerable: false });
    return o;
  }),
);

/** Own keys in order, with each property's descriptor, and the prototype. */
function shape(o: object): unknown {
  return { proto: Object.getPrototypeOf(o), keys: Reflect.ownKeys(o), descriptors: Object.getOwnPropertyDescriptors(o) };
}

test('merged gives what a spread of the same parts gives', () => {
  fc.assert(
    fc.property(fc.array(part, { maxLength: 4 }), (parts) => {
      const spread = parts.reduce<object>((acc, p) => ({ ...acc, ...p }), {});
      expect(shape(merged<object>(...(parts as Array<object | undefined>)))).toEqual(shape(spread));
    }),
    { numRuns: 2000 },
  );
});

test('merged keeps a key where it first came and the value of the last part that has it', () => {
  const out = merged<Record<string, number>>({ a: 1, b: 2 }, undefined, { c: 3, a: 4 });
  expect(Object.entries(out)).toEqual([
    ['a', 4],
    ['b', 2],
    ['c', 3],
  ]);
});

test('merged makes "__proto__" an own property, as a spread does, and leaves the prototype alone', () => {
  const part = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as object;
  const out = merged<Record<string, unknown>>(part);
  expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  expect(Object.keys(out)).toEqual(['__proto__', 'x']);
  expect((out as { polluted?: boolean }).polluted).toBeUndefined();
});
