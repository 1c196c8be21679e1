/**
 * `{ ...a, ...b }` for the maps the tiers build and keep (labels, selectors, env), made by assignment.
 *
 * In V8 (Node 20), an object literal that starts with a spread of a non-empty object and has anything after it
 * gives each object it makes a hidden class of its own, copied again for every key added after the spread: about
 * 1 µs and 300 bytes more for each object, and every reader of those objects sees a new shape each time. A
 * literal that starts with a property (`{ name, ...rest }`), or a spread alone (`{ ...a }`), shares its hidden
 * classes as usual; so does an object built by assignment, as here.
 */

/** The own enumerable properties of each part in turn, later parts winning, exactly as `{ ...parts[0], ...parts[1], ... }` gives them. */
export function merged<T extends object>(...parts: ReadonlyArray<Partial<T> | undefined>): T {
  const out: Record<PropertyKey, unknown> = {};
  for (const part of parts) {
    if (part === undefined || part === null) continue;
    // Object.assign copies what a spread copies (own enumerable keys, symbols included, in their order, getters read once) by
    // assignment, which is the same but for an own "__proto__" key: assigned, it would set the prototype
    if (!Object.prototype.hasOwnProperty.call(part, '__proto__')) Object.assign(out, part);
    else copyEach(out, part as Record<PropertyKey, unknown>);
  }
  return out as T;
}

/** `{ ...out, ...from }` into `out`, key by key. */
function copyEach(out: Record<PropertyKey, unknown>, from: Record<PropertyKey, unknown>): void {
  for (const key of Object.keys(from)) define(out, key, from[key]);
  for (const key of Object.getOwnPropertySymbols(from)) if (Object.prototype.propertyIsEnumerable.call(from, key)) define(out, key, from[key]);
}

/** Sets `key` as a spread does: an own data property, also for a key that `Object.prototype` has (`__proto__`, `toString`). */
function define(out: Record<PropertyKey, unknown>, key: PropertyKey, value: unknown): void {
  // a new key, or one `out` has already (an own data property: assignment replaces it); an inherited one is defined
  if (!(key in out) || Object.prototype.hasOwnProperty.call(out, key)) out[key] = value;
  else Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
}
