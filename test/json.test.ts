/**
 * The one set of accessors for untyped JSON (src/_json.ts): what they read, and
 * that garbage reads as empty instead of throwing.
 */
import { has, isObject, list, obj, objects, objectsAt, recordAt, scalarText, str, stringAt, stringMap, text, valueAt } from '../src/_json';

const deployment = {
  kind: 'Deployment',
  spec: { replicas: 2, template: { metadata: { labels: { app: 'web', n: 1 } }, spec: { containers: [{ name: 'web' }, 'x', null] } } },
};

test('reads values, objects, lists and strings along a path', () => {
  expect(valueAt(deployment, 'spec', 'replicas')).toBe(2);
  expect(recordAt(deployment, 'spec', 'template', 'metadata')).toEqual({ labels: { app: 'web', n: 1 } });
  expect(objectsAt(deployment, 'spec', 'template', 'spec', 'containers')).toEqual([{ name: 'web' }]);
  expect(stringAt(deployment, 'spec', 'template', 'spec', 'containers')).toBeUndefined();
  expect(stringAt(deployment, 'kind')).toBe('Deployment');
  expect(stringMap(recordAt(deployment, 'spec', 'template', 'metadata', 'labels'))).toEqual({ app: 'web' });
  expect(valueAt(deployment)).toBe(deployment);
});

test.each([undefined, null, 'text', 3, [1, 2], true])('garbage %j reads as empty', (garbage) => {
  expect(isObject(garbage)).toBe(false);
  expect(obj(garbage)).toEqual({});
  expect(recordAt({ spec: garbage }, 'spec', 'template')).toEqual({});
  expect(valueAt(garbage, 'spec')).toBeUndefined();
  expect(objectsAt({ spec: garbage }, 'spec')).toEqual([]);
  expect(stringMap(garbage)).toEqual({});
  expect(list(garbage)).toEqual(Array.isArray(garbage) ? garbage : []);
  expect(objects(garbage)).toEqual([]);
});

test('the empty object it returns cannot be written to', () => {
  expect(Object.isFrozen(obj(undefined))).toBe(true);
});

test('strings and scalars', () => {
  expect(str('a')).toBe('a');
  expect(str(1)).toBeUndefined();
  expect(scalarText(8080)).toBe('8080');
  expect(scalarText('http')).toBe('http');
  expect(scalarText({})).toBe('');
  expect(scalarText(undefined)).toBe('');
});

test('text for messages never throws', () => {
  const circular: { self?: unknown } = {};
  circular.self = circular;
  expect(text('a')).toBe('a');
  expect(text(undefined)).toBe('(not set)');
  expect(text({ a: 1 })).toBe('{"a":1}');
  expect(text(10n)).toBe('[object BigInt]');
  expect(text(circular)).toBe('[object Object]');
});

test('own properties only, also without a prototype', () => {
  const bare = Object.create(null) as { [key: string]: unknown };
  bare.a = 1;
  expect(has(bare, 'a')).toBe(true);
  expect(has({}, 'toString')).toBe(false);
  expect(isObject(bare)).toBe(true);
});
