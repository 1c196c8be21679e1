/**
 * An L1 object (`new k8s.KubeDeployment(...)`) made to hold less for the life of the tree, rendering exactly as before.
 *
 * - Its props in an object whose hidden class it shares with every other object of its kind. An L1 constructor of
 *   cdk8s-plus-28 hands its base `{ ...KubeX.GVK, ...props }`: in V8 (Node 20) a literal that starts with a spread
 *   and has more after it gives each object it makes a hidden class of its own once the site has made a few (see
 *   _merge.ts), about 300 bytes each (a map and its descriptors), and every reader of the props (the one-pass
 *   renderer, `toJson()`) sees a new shape for each object. The copy has the same own keys in the same order with
 *   the same values (the same objects, not copies).
 * - One copy of its labels instead of two. cdk8s' ApiObject copies the labels into the options it hands its
 *   metadata, and the metadata copies them again for itself; the options (`_additionalAttributes`) are rendered
 *   with the metadata's own labels over theirs (by `toJson()` and by the one-pass renderer alike), so their copy is
 *   never read: it is replaced by the metadata's own when the two are equal.
 *
 * - Not the metadata it was built from in its props. Both renderers put the metadata's own JSON in the place of
 *   `props.metadata` (`{ ...props, metadata: this.metadata.toJson() }`), and nothing else reads it once the
 *   ApiObject has copied it into its metadata: the key stays (so the key order is the same), its value undefined.
 * - No list of JSON patches until one is added. `new Array()` (cdk8s' ApiObject) reserves four slots; an empty `[]`
 *   none (a patch added later grows it as before).
 *
 * JSON patches, `ApiObject.of`, `metadata.addLabel` and later changes to the nested values reach the object as before.
 */
import { ApiObject } from 'cdk8s';
import { merged } from './_merge';

/** `o`, holding less (see the file comment); what is not as cdk8s 2.70 has it is left as it is. */
export function compact<T extends ApiObject>(o: T): T {
  const field = Object.getOwnPropertyDescriptor(o, 'props');
  const props: unknown = field?.value;
  if (field?.writable && isPlain(props)) {
    (o as unknown as { props: object }).props = 'metadata' in props ? merged(props, { metadata: undefined }) : merged(props);
  }
  const internals = o as unknown as { patches?: unknown };
  if (Array.isArray(internals.patches) && internals.patches.length === 0) internals.patches = [];
  const metadata = o.metadata as unknown as { labels?: unknown; _additionalAttributes?: unknown };
  const options = metadata._additionalAttributes;
  if (isPlain(options) && isPlain(options.labels) && isPlain(metadata.labels) && sameEntries(options.labels, metadata.labels)) {
    options.labels = metadata.labels;
  }
  return o;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

/** Whether `a` and `b` have the same own enumerable keys, in the same order, with the same values. */
function sameEntries(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  const other = Object.keys(b);
  return keys.length === other.length && keys.every((k, i) => other[i] === k && a[k] === b[k]);
}
