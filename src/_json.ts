/**
 * The one set of accessors for untyped JSON: manifests as cdk8s renders them
 * (`toJson()`), YAML loaded back, props of a plain-JavaScript caller. None of
 * them throws on garbage: a value that is missing or of another type reads as
 * empty (an empty object, an empty list, undefined), so a reader needs no casts.
 */

/** A JSON object (values not yet trusted). */
export type JsonObject = { readonly [key: string]: unknown };

const EMPTY: JsonObject = Object.freeze({});

/** A plain object (a props literal, a manifest or one of its maps): not null, not a list. */
export function isObject(v: unknown): v is { [key: string]: unknown } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `v` when it is an object, else an empty one. */
export function obj(v: unknown): JsonObject {
  return isObject(v) ? v : EMPTY;
}

/** `v` when it is an array, else an empty one (shared: the result is read only). */
export function list(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : NO_ITEMS;
}

const NO_ITEMS: readonly unknown[] = Object.freeze([]);

/**
 * The objects of an array (other entries are the schema's business): `v` itself when every entry is one (the usual
 * case: nothing is copied, so the result is read only), else a copy of those that are; none when it is not an array.
 */
export function objects(v: unknown): readonly JsonObject[] {
  if (!Array.isArray(v)) return NO_OBJECTS;
  for (let i = 0; i < v.length; i++) if (!isObject(v[i])) return v.filter(isObject);
  return v as JsonObject[];
}

const NO_OBJECTS: readonly JsonObject[] = Object.freeze([]);

/** `v` when it is a string. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `v` as text for a display (a string, or a number such as a port); empty for anything else. */
export function scalarText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

/** A value as text for keys and messages; never throws (null-prototype objects, BigInts, symbols). */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined) return '(not set)';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** Own property test that works for any object (null prototypes too). */
export function has(o: JsonObject, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** The value at `path` below `v` (`valueAt(o, 'spec', 'template')`); undefined where a step is not an object. */
export function valueAt(v: unknown, ...path: string[]): unknown {
  let at = v;
  for (const k of path) at = isObject(at) ? at[k] : undefined;
  return at;
}

/** The object at `path` below `v`, or an empty one. */
export function recordAt(v: unknown, ...path: string[]): JsonObject {
  return obj(valueAt(v, ...path));
}

/** The objects of the array at `path` below `v`. */
export function objectsAt(v: unknown, ...path: string[]): readonly JsonObject[] {
  return objects(valueAt(v, ...path));
}

/** The string at `path` below `v`. */
export function stringAt(v: unknown, ...path: string[]): string | undefined {
  return str(valueAt(v, ...path));
}

/**
 * The entries of a map whose values are strings (labels, annotations, a Service selector): the map itself when it is
 * a plain object and every value is a string (the usual case: nothing is copied, so the result is read only), else a
 * copy of its string entries.
 */
export function stringMap(v: unknown): { readonly [key: string]: string } {
  if (!isObject(v)) return EMPTY as { readonly [key: string]: string };
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const keys = Object.keys(v);
    let i = 0;
    while (i < keys.length && typeof v[keys[i]] === 'string') i++;
    if (i === keys.length) return v as { readonly [key: string]: string };
  }
  return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as { [key: string]: string };
}
