/**
 * The known-keys rule of every props and options object: it must be an
 * object, and every key must be one the type has; a misspelt key is reported
 * with the nearest known name. The key lists live in `_keys.ts`, one per type.
 */
import { closest, distance } from 'fastest-levenshtein';
import { Problems } from './_errors';
import { isObject } from './_rules';

/** The keys of a props type, written once: the compiler keeps the list complete and exact. */
export type KeyList<T> = { readonly [K in keyof Required<T>]: true };

/** A props type by name and keys, for messages. */
export interface PropsType {
  readonly name: string;
  readonly keys: readonly string[];
  /** A literal of the type for fix texts, e.g. `{ image: "nginx:1.27.2" }`. */
  readonly example: string;
}

/** Names a props type with its key list (and an example literal; by default its first key). */
export function propsType<T>(name: string, keys: KeyList<T>, example?: string): PropsType {
  const list = Object.keys(keys);
  return { name, keys: list, example: example ?? `{ ${list[0]}: ... }` };
}

/** The known key nearest to `key` when it is near enough to be a slip (case, a letter or two). */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = known.map((k) => k.toLowerCase());
  const best = closest(key.toLowerCase(), lower);
  return distance(key.toLowerCase(), best) <= Math.max(2, Math.ceil(key.length / 4)) ? known[lower.indexOf(best)] : undefined;
}

/**
 * Checks a props or options object at `prop` (`''` for a construct's own props):
 * an object with only keys of `type`. Returns it, or `undefined` when it is not
 * set (undefined or null) or not an object (then reported).
 */
export function checkProps<T>(problems: Problems, prop: string, value: T | undefined | null, type: PropsType): T | undefined {
  if (value === undefined || value === null) return undefined;
  const at = (key: string) => (prop ? `${prop}.${key}` : key);
  // the message is made only when it is needed (this runs for every props object of every tier)
  if (!isObject(value)) {
    problems.add({
      prop: prop || 'props',
      value,
      rule: `must be ${type.name} (an object with the keys ${type.keys.join(', ')})`,
      fix: prop ? `write ${prop} as an object like ${type.example}, or leave it out` : `give the props as an object like ${type.example}`,
    });
    return undefined;
  }
  for (const key of Object.keys(value as object)) {
    if (type.keys.includes(key)) continue;
    const near = nearestKey(key, type.keys);
    if (near !== undefined && (value as Record<string, unknown>)[near] === undefined) problems.misspelling(at(near));
    problems.add({
      prop: at(key),
      value: (value as Record<string, unknown>)[key],
      rule: `not a prop of ${type.name}`,
      fix: near ? `did you mean ${near}?` : `remove it; the props of ${type.name} are ${type.keys.join(', ')}`,
    });
  }
  return value;
}

/**
 * The props of a construct: checked like any props object, and required. When
 * they are not an object, that is the one problem reported (whatever else the
 * construct would find follows from it) and the construct goes on with `{}`.
 */
export function constructProps<T>(problems: Problems, value: T | undefined | null, type: PropsType): T {
  if (isObject(value)) return checkProps(problems, '', value, type) as T;
  problems.add({
    prop: 'props',
    value,
    rule: `${type.name} needs its props (an object)`,
    fix: `give the props as an object like ${type.example}`,
  });
  problems.mute();
  return {} as T;
}
