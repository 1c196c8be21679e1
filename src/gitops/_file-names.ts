/**
 * File names of rendered objects: `<kind>-<namespace>-<name>.yaml`, or
 * `<kind>-<name>.yaml` without a namespace, lower case, so that two objects
 * never share a file, also on case-insensitive file systems.
 *
 * - Characters other than `a-z`, `0-9`, `.` and `-` become `-` (upper case is
 *   lowered). When that changed the namespace or the name, or the result is
 *   longer than 200 characters, or two unchanged names are still the same
 *   (`a-b/c` and `a/b-c`, or one kind in two API groups), the name gets
 *   `_` and the first 10 hex digits of the SHA-256 of the object's identity
 *   (`group|kind|namespace|name`). Plain names never contain `_`, so a
 *   suffixed name never equals a plain one.
 * - The result depends only on the identities, never on the order of objects.
 */
import { createHash } from 'node:crypto';

/** What identifies an object in a cluster. */
export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

const MAX_BASE = 200;

/** `group|kind|namespace|name`: two objects with the same key are the same object in a cluster. */
export function identityKey(id: ObjectIdentity): string {
  const group = id.apiVersion.includes('/') ? id.apiVersion.split('/')[0] : '';
  return `${group}|${id.kind}|${id.namespace ?? ''}|${id.name}`;
}

/** Text that `safe` leaves as it is. */
const SAFE = /^[a-z0-9.-]*$/;

function safe(part: string): string {
  return SAFE.test(part) ? part : part.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
}

/** One file name (with `.yaml`) per identity, in the same order. Identities must be distinct. */
export function fileNames(ids: readonly ObjectIdentity[]): string[] {
  const kinds = new Map<string, string>();
  // the names without a suffix, and which of them lost something (no object per name: a folder may hold thousands)
  const names = new Array<string>(ids.length);
  const lossy = new Uint8Array(ids.length);
  const count = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    let kind = kinds.get(id.kind);
    if (kind === undefined) kinds.set(id.kind, (kind = safe(id.kind)));
    const name = safe(id.name);
    const namespace = id.namespace !== undefined ? safe(id.namespace) : undefined;
    const base = namespace !== undefined ? `${kind}-${namespace}-${name}` : `${kind}-${name}`;
    if (namespace !== id.namespace || name !== id.name || base.length > MAX_BASE) lossy[i] = 1;
    else count.set(base, (count.get(base) ?? 0) + 1);
    names[i] = base.length > MAX_BASE ? base.slice(0, MAX_BASE) : base;
  }
  for (let i = 0; i < ids.length; i++) {
    const suffix = lossy[i] || count.get(names[i])! > 1 ? `_${createHash('sha256').update(identityKey(ids[i])).digest('hex').slice(0, 10)}` : '';
    names[i] = `${names[i]}${suffix}.yaml`;
  }
  return names;
}
