/**
 * The one pass over values (see _object-json.ts): `sanitizeValue(resolve(value))`
 * with cdk8s' three default resolvers where that is certain, FALLBACK (render
 * through `toJson()`) everywhere else.
 */
import { Lazy } from 'cdk8s';
import { has } from '../_json';

type Json = { [key: string]: unknown };

/** Not certain to match `toJson()`: render through it. */
export const FALLBACK: unique symbol = Symbol('toJson');

/** What a Lazy produces, through any Lazy it produces; FALLBACK if one throws. */
export function unlazy(value: Lazy): unknown {
  let v: unknown = value;
  while (v instanceof Lazy) {
    try {
      v = v.produce();
    } catch {
      return FALLBACK;
    }
  }
  return v;
}

/** Whether {@link plain} treats `value` (not a Lazy) as a mapping: copied key by key, as resolve() does. */
export function isMapping(value: unknown): value is Json {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { resolve?: unknown }).resolve !== 'function' &&
    value.constructor === Object &&
    // toJson() copies own fields only; a mapping shared as it is would show inherited ones to the converter
    Object.getPrototypeOf(value) === Object.prototype
  );
}

/**
 * `sanitizeValue(resolve(value))` with cdk8s' default resolvers, or FALLBACK
 * where this pass is not certain to be that; `empty`: sanitizeValue's
 * filterEmptyArrays and filterEmptyObjects. Parts without anything to
 * resolve or leave out are shared, not copied.
 */
export function plain(value: unknown, empty: boolean): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'function') return FALLBACK;
  if (typeof value !== 'object') return value;
  if (value instanceof Lazy) {
    const produced = unlazy(value);
    return produced === FALLBACK ? FALLBACK : plain(produced, empty);
  }
  if (typeof (value as { resolve?: unknown }).resolve === 'function') return FALLBACK;
  const ctor = (value as object).constructor;
  if (ctor !== Object) {
    const v = (value as { value?: unknown }).value;
    if (typeof v === 'number' || typeof v === 'string') return { value: v };
    if (Array.isArray(value)) return sequence(value, empty);
    return FALLBACK;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return FALLBACK; // see isMapping
  return mapping(value as Json, empty);
}

function sequence(a: unknown[], empty: boolean): unknown {
  if (empty && a.length === 0) return undefined;
  let out: unknown[] | undefined;
  for (let i = 0; i < a.length; i++) {
    if (!(i in a)) return FALLBACK; // a hole: resolve() and sanitizeValue() map over it, keeping it a hole
    const x = a[i];
    const v = plain(x, empty);
    if (v === FALLBACK) return FALLBACK;
    if (out === undefined && v !== x) out = a.slice(0, i);
    if (out !== undefined) out.push(v);
  }
  return out ?? a;
}

/**
 * The mapping of {@link plain}: its own enumerable string keys, in the order of `Object.keys` (for...in gives them
 * in that order, then any inherited ones, which are skipped).
 */
function mapping(o: Json, empty: boolean): unknown {
  let out: Json | undefined;
  let kept = 0; // entries of the result
  for (const key in o) {
    if (!has(o, key)) continue;
    // an own `__proto__` (from JSON.parse): resolve() assigns it, changing the copy's prototype, and sanitizeValue() drops it
    if (key === '__proto__') return FALLBACK;

    const x = o[key];
    const v = plain(x, empty);
    if (v === FALLBACK) return FALLBACK;
    if (out === undefined && (v !== x || v === undefined)) out = entriesBefore(o, key);
    if (v !== undefined) {
      kept++;
      if (out !== undefined) out[key] = v;
    }
  }
  if (empty && kept === 0) return undefined;
  return out ?? o;
}

/** A new mapping with the own enumerable entries of `o` before its own key `end`, in their order. */
export function entriesBefore(o: Json, end: string): Json {
  const out: Json = {};
  for (const key in o) {
    if (key === end) break;
    if (has(o, key)) out[key] = o[key];
  }
  return out;
}
