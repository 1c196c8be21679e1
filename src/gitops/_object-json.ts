/**
 * The JSON of an ApiObject, as `toJson()` gives it, in one pass where that is
 * certain to give the same JSON, and through `toJson()` everywhere else.
 *
 * `ApiObject.toJson()` runs cdk8s' `resolve()` over every value (a context
 * object, the path as a new array and three resolvers per value), then
 * `sanitizeValue()` (a second copy, keys sorted), then the L1 class's typed
 * converter; the metadata the same way, leaving out empty lists and mappings.
 * The one pass here does what those two do with cdk8s' three default
 * resolvers (`Lazy` produced, `IntOrString`/`Quantity` as `{ value }`, null and
 * undefined left out of mappings, empty ones out of the metadata) and then
 * calls the same converter.
 * It is used only where it is certain to match:
 *
 * - the object is a plain `ApiObject`, an L1 class of cdk8s-plus-28's `k8s`
 *   module, or the library's own {@link TierStatefulSet} (a subclass with a
 *   `toJson()` of its own, or of another module, is rendered by `toJson()`);
 * - it has no JSON patch;
 * - the app's resolvers are exactly cdk8s' three defaults;
 * - every value is a string, number, boolean, null, undefined, array, plain
 *   object (of Object.prototype), `Lazy`, or object with a string or number `value` (what cdk8s'
 *   NumberStringUnionResolver turns into `{ value }`); anything else (an
 *   implicit token with `resolve()`, a function, another class) and a `Lazy`
 *   that throws go to `toJson()`, which gives its own result or error.
 *
 * The typed converters are generated ahead of time from cdk8s-plus-28's
 * (src/gitops/_k8s-json.ts, see scripts/gen-k8s-json.ts): the same JSON
 * without their copy per field; the module's own where the installed
 * cdk8s-plus-28 is another release.
 *
 * And it checks itself: in each {@link ObjectJson} (one per synth) the first
 * object of each class is rendered both ways; if they differ (another cdk8s
 * version whose `toJson()` does more), that class is rendered by `toJson()`
 * from then on. Key order differs from `toJson()`'s: the generated converters
 * emit the canonical order of _serialize.ts, so that the canonical form shares
 * their JSON instead of copying it (it orders every mapping anyway).
 */
import { isDeepStrictEqual } from 'node:util';
import { version as plusVersion } from 'cdk8s-plus-28/package.json';
import { ApiObject, App, ImplicitTokenResolver, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { k8s } from '../_k8s';
import { TierStatefulSet, withClaimTemplateKinds } from '../_tier-stateful-set';
import * as generated from './_k8s-json';
import { FALLBACK, isMapping, plain } from './_plain';

type Json = { [key: string]: unknown };

/** How objects of one class become JSON after the one pass. */
interface Shape {
  readonly finish: (resolved: Json) => unknown;
}

/**
 * The typed converters to use: those of scripts/gen-k8s-json.ts (`ours`, the
 * same JSON without a spread per field) when the installed cdk8s-plus-28 is
 * the release they were generated from, else the module's own `toJson_*`.
 */
export function typedConverters(
  module: { readonly [name: string]: unknown },
  ours: { readonly [name: string]: unknown },
  installed: string,
): (name: string) => unknown {
  const same = ours.SOURCE_VERSION === installed;
  return (name) => (same && typeof ours[name] === 'function' ? ours[name] : module[name]);
}

/** Every L1 class of cdk8s-plus-28's `k8s` module with its typed converter, and the library's own StatefulSet. */
const SHAPES: ReadonlyMap<unknown, Shape> = (() => {
  const module = k8s as unknown as { [name: string]: unknown };
  const converter = typedConverters(module, generated, plusVersion);
  const shapes = new Map<unknown, Shape>([[ApiObject, { finish: (json) => json }]]);
  for (const [name, value] of Object.entries(module)) {
    const gvk = (value as { GVK?: unknown } | undefined)?.GVK;
    const convert = converter(`toJson_${name}Props`);
    if (typeof value !== 'function' || gvk === null || typeof gvk !== 'object' || typeof convert !== 'function') continue;
    shapes.set(value, { finish: (json) => withKind(gvk as Json, (convert as (j: Json) => Json)(json)) });
  }
  const statefulSet = shapes.get(k8s.KubeStatefulSet);
  if (statefulSet) shapes.set(TierStatefulSet, { finish: (json) => withClaimTemplateKinds(statefulSet.finish(json) as Json) });
  return shapes;
})();

/**
 * `{ ...gvk, ...body }`, built key by key from an empty object as the canonical form builds a mapping. The
 * object is written as it is (its keys are in canonical order): so it shares the hidden classes of every other
 * mapping, where a spread's copy of the GVK literal has classes of its own, which made the guardrails' pass over
 * the objects about a third slower.
 */
function withKind(gvk: Json, body: Json): Json {
  const out: Json = {};
  for (const source of [gvk, body]) {
    const keys = Object.keys(source);
    for (let i = 0; i < keys.length; i++) out[keys[i]] = source[keys[i]];
  }
  return out;
}

const DEFAULT_RESOLVERS: readonly unknown[] = [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver];

/** The fields of an ApiObject the one pass reads (public in JavaScript, private in cdk8s' types). */
interface ApiObjectInternals {
  readonly props?: unknown;
  readonly patches?: unknown;
}

/** The fields of an ApiObjectMetadataDefinition its `toJson()` reads (some private in cdk8s' types). */
interface MetadataInternals {
  readonly _additionalAttributes?: unknown;
  readonly name?: unknown;
  readonly namespace?: unknown;
  readonly annotations?: unknown;
  readonly finalizers?: unknown;
  readonly ownerReferences?: unknown;
  readonly labels?: unknown;
}

/** The fields `metadata.toJson()` puts over its added attributes, in its order. */
const METADATA_FIELDS = ['name', 'namespace', 'annotations', 'finalizers', 'ownerReferences', 'labels'] as const;

/**
 * `metadata.toJson()`: the same one pass over what it resolves (the added
 * attributes in their order, each of the six fields in the place of the
 * attribute of its name or after them), leaving out empty lists and mappings
 * at every depth as it does. Without building that object first: the added
 * attributes are the options cdk8s deleted `apiObject` from, a slow object to copy.
 */
function metadataJson(metadata: unknown): unknown {
  const m = metadata as MetadataInternals & Json;
  const extra = m._additionalAttributes as Json;
  // toJson() resolves `{ ...extra, name, ... }`, a mapping only where extra is one (an own `constructor` or `resolve` makes it something else)
  if (!isMapping(extra)) return FALLBACK;
  const keys = Object.keys(extra);
  let out: Built = undefined;
  let placed = 0;
  for (let i = 0; i < keys.length && out !== FALLBACK; i++) {
    const field = (METADATA_FIELDS as readonly string[]).indexOf(keys[i]);
    if (field >= 0) placed |= 1 << field;
    out = withValue(out, keys[i], field >= 0 ? m[METADATA_FIELDS[field]] : extra[keys[i]], true);
  }
  for (let field = 0; field < METADATA_FIELDS.length && out !== FALLBACK; field++) {
    if (!(placed & (1 << field))) out = withValue(out, METADATA_FIELDS[field], m[METADATA_FIELDS[field]], true);
  }
  return out;
}

/**
 * `plain({ ...props, metadata }, false)`, `metadata` being one pass's output
 * already (which the pass leaves as it is): without copying the props first.
 */
function objectJson(props: Json, metadata: unknown): unknown {
  const keys = Object.keys(props);
  const out: Json = {};
  let placed = false;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] !== 'metadata') {
      if (withValue(out, keys[i], props[keys[i]], false) === FALLBACK) return FALLBACK;
    } else {
      placed = true;
      if (metadata !== undefined) out.metadata = metadata;
    }
  }
  if (!placed && metadata !== undefined) out.metadata = metadata;
  return out;
}

/** Adds `key: plain(value)` to `out` (made when first needed) unless it is undefined; FALLBACK for FALLBACK and for `__proto__` (left to toJson()). */
function withValue(out: Json | undefined, key: string, value: unknown, empty: boolean): Built {
  if (key === '__proto__') return FALLBACK;
  const v = plain(value, empty);
  if (v === FALLBACK) return FALLBACK;
  if (v === undefined) return out;
  const o = out ?? {};
  o[key] = v;
  return o;
}

/** A mapping being built: not made yet, made, or FALLBACK. */
type Built = Json | undefined | typeof FALLBACK;

/** Renders the JSON of ApiObjects for one synth (see the file comment). */
export class ObjectJson {
  /** Per class: whether the one pass matched `toJson()` on its first object. */
  private readonly checked = new Map<unknown, boolean>();

  /** The classes whose first object the one pass rendered, and whether it matched `toJson()` (by class name). */
  public get selfChecks(): { [className: string]: boolean } {
    return Object.fromEntries([...this.checked].map(([c, same]) => [(c as { name: string }).name, same]));
  }

  /** The JSON of `o`, as `o.toJson()` gives it (errors included). */
  public of(o: ApiObject): unknown {
    const shape = SHAPES.get(o.constructor);
    const internals = o as unknown as ApiObjectInternals;
    if (shape === undefined || this.checked.get(o.constructor) === false || !noPatches(internals.patches) || !defaultResolvers(o)) return o.toJson();
    const props = internals.props;
    if (!isMapping(props)) return o.toJson(); // as for the metadata's attributes: toJson() resolves `{ ...props, metadata }`
    const metadata = metadataJson(o.metadata);
    const resolved = metadata === FALLBACK ? FALLBACK : objectJson(props as Json, metadata);
    if (resolved === FALLBACK) return o.toJson();
    let json: unknown;
    try {
      json = shape.finish(resolved as Json);
    } catch {
      return o.toJson();
    }
    if (!this.checked.has(o.constructor)) {
      const same = isDeepStrictEqual(json, o.toJson());
      this.checked.set(o.constructor, same);
      if (!same) return o.toJson();
    }
    return json;
  }
}

function noPatches(patches: unknown): boolean {
  return Array.isArray(patches) && patches.length === 0;
}

function defaultResolvers(o: ApiObject): boolean {
  const resolvers = App.of(o).resolvers;
  return resolvers.length === DEFAULT_RESOLVERS.length && resolvers.every((r, i) => r.constructor === DEFAULT_RESOLVERS[i]);
}
