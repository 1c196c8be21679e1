/**
 * The props an L1 object (`new k8s.KubeDeployment(...)`) holds, in an object whose hidden class it shares with
 * every other object of its kind.
 *
 * An L1 constructor of cdk8s-plus-28 hands its base `{ ...KubeX.GVK, ...props }`: in V8 (Node 20) a literal that
 * starts with a spread and has more after it gives each object it makes a hidden class of its own once the site has
 * made a few (see _merge.ts), about 300 bytes each (a map and its descriptors) for the life of the tree, and every
 * reader of the props (the one-pass renderer, `toJson()`) sees a new shape for each object. The copy made here has
 * the same own keys in the same order with the same values (the same objects, not copies), so the object renders
 * exactly as before, and JSON patches, `ApiObject.of` and later changes to the nested values reach it as before.
 */
import { ApiObject } from 'cdk8s';
import { merged } from './_merge';

/** `o`, its props held in an object of a shared hidden class (left as they are where they are not a plain own field). */
export function sharedShape<T extends ApiObject>(o: T): T {
  const field = Object.getOwnPropertyDescriptor(o, 'props');
  const props: unknown = field?.value;
  if (field?.writable && props !== null && typeof props === 'object' && Object.getPrototypeOf(props) === Object.prototype) {
    (o as unknown as { props: object }).props = merged(props);
  }
  return o;
}
