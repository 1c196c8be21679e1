/**
 * A read-only view of a set of manifest objects for the checks (read through
 * the safe accessors of src/_json.ts: a check never throws on garbage): the pods each object runs, and indexes so
 * that cross-object rules (selectors, references) stay linear at thousands of objects.
 */
import { show } from '../_errors';
import { isObject, JsonObject, obj, objects, recordAt, str, text } from '../_json';
import { Selector } from '../_selector';
import { GuardrailObject } from './findings';

/** apiVersion, kind, namespace and name of an object, for messages. */
export function refOf(o: JsonObject): GuardrailObject {
  const meta = obj(o.metadata);
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : `(${v === undefined || v === '' ? 'not set' : JSON.stringify(v)})`);
  return {
    apiVersion: text(o.apiVersion),
    kind: text(o.kind),
    ...(meta.namespace !== undefined ? { namespace: text(meta.namespace) } : {}),
    name: text(meta.name),
  };
}

/** Kinds whose pods are kept by a controller through a label selector. */
const CONTROLLERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** An object that runs pods: the pods' labels and spec, and where they sit in the object. */
export interface PodOwner {
  readonly object: JsonObject;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Labels of the pods. */
  readonly labels: JsonObject;
  /** Annotations of the pods. */
  readonly annotations: JsonObject;
  /** The pod spec (empty when missing). */
  readonly spec: JsonObject;
  /** Whether the pod spec exists at all. */
  readonly hasSpec: boolean;
  /** The pod's securityContext (empty when missing). */
  readonly securityContext: JsonObject;
  /** The containers of the pod, init containers first. */
  readonly containers: readonly PodContainer[];
  /** The pod's volumes (the objects among spec.volumes). */
  readonly volumes: readonly JsonObject[];
  /** The ports its (not init) containers declare, in order. */
  readonly containerPorts: readonly JsonObject[];
  /** Keeps replicas alive through a selector (Deployment, StatefulSet, DaemonSet, ReplicaSet). */
  readonly controller: boolean;
  /** Runs to completion (Job, CronJob): no probes, restartPolicy Never or OnFailure. */
  readonly batch: boolean;
}

/** One container of a pod, read once for every check of a run. */
export interface PodContainer {
  readonly c: JsonObject;
  /** Whether it is an init container. */
  readonly init: boolean;
  /** How messages name it: `container "web"`. */
  readonly at: string;
  /** Its securityContext (empty when missing). */
  readonly sc: JsonObject;
  /** The objects among its ports, env and volumeMounts. */
  readonly ports: readonly JsonObject[];
  readonly env: readonly JsonObject[];
  readonly volumeMounts: readonly JsonObject[];
}

/** One container of a pod; how messages name it is made when a message needs it. */
class ContainerView implements PodContainer {
  public readonly sc: JsonObject;
  public readonly ports: readonly JsonObject[];
  public readonly env: readonly JsonObject[];
  public readonly volumeMounts: readonly JsonObject[];

  constructor(
    public readonly c: JsonObject,
    public readonly init: boolean,
  ) {
    this.sc = obj(c.securityContext);
    this.ports = objects(c.ports);
    this.env = objects(c.env);
    this.volumeMounts = objects(c.volumeMounts);
  }

  public get at(): string {
    return `container ${show(this.c.name)}`;
  }
}

function podOwnerOf(o: JsonObject, namespace: string): PodOwner | undefined {
  const kind = o.kind;
  const spec = obj(o.spec);
  let template: unknown;
  if (kind === 'Pod') template = { metadata: o.metadata, spec: o.spec };
  else if (kind === 'CronJob') template = recordAt(spec, 'jobTemplate', 'spec', 'template');
  else if (CONTROLLERS.has(text(kind)) || kind === 'Job') template = spec.template;
  else return undefined;
  const meta = recordAt(template, 'metadata');
  const podSpec = recordAt(template, 'spec');
  const containers: PodContainer[] = [];
  const containerPorts: JsonObject[] = [];
  const add = (list: readonly JsonObject[], init: boolean) => {
    for (let i = 0; i < list.length; i++) {
      const container = new ContainerView(list[i], init);
      containers.push(container);
      if (!init) for (let j = 0; j < container.ports.length; j++) containerPorts.push(container.ports[j]);
    }
  };
  add(objects(podSpec.initContainers), true);
  add(objects(podSpec.containers), false);
  return {
    object: o,
    kind: text(kind),
    namespace,
    name: text(obj(o.metadata).name),
    labels: obj(meta.labels),
    annotations: obj(meta.annotations),
    spec: podSpec,
    hasSpec: isObject(obj(template).spec),
    securityContext: obj(podSpec.securityContext),
    containers,
    volumes: objects(podSpec.volumes),
    containerPorts,
    controller: CONTROLLERS.has(text(kind)),
    batch: kind === 'Job' || kind === 'CronJob',
  };
}

/** `m`'s map at `key`, made when missing. */
function inner<K, V>(m: Map<K, V>, key: K, make: () => V): V {
  let v = m.get(key);
  if (v === undefined) m.set(key, (v = make()));
  return v;
}

/** All objects of one check run, indexed by kind, namespace/name and pod label. */
export class ManifestIndex {
  /** Every object (context for references). */
  public readonly all: readonly JsonObject[];
  /** Every object that runs pods. */
  public readonly podOwners: readonly PodOwner[];
  private readonly kinds = new Map<string, JsonObject[]>();
  /**
   * The first object of each kind, namespace and name (maps in maps: unambiguous whatever the three hold, and no key
   * made per object).
   */
  private readonly named = new Map<string, Map<string, Map<string, JsonObject>>>();
  /** {@link podOwners}, filled while the objects are indexed. */
  private readonly ownerList: PodOwner[] = [];
  private readonly owners = new Map<JsonObject, PodOwner>();
  /** Pod owners by namespace, then the key and the value of each of their pod labels. */
  private readonly byLabel = new Map<string, Map<string, Map<string, PodOwner[]>>>();
  private readonly ownersByNamespace = new Map<string, PodOwner[]>();

  constructor(all: readonly JsonObject[]) {
    this.all = all;
    this.podOwners = this.ownerList;
    // one call an object and one a pod owner: the objects come sorted by kind and the pod owners late, so the work of
    // each is compiled on its own rather than as one loop that is deoptimised when they arrive
    for (let i = 0; i < all.length; i++) this.add(all[i]);
  }

  /** Indexes `o` by kind, namespace and name, and its pod owner view if it runs pods. */
  private add(o: JsonObject): void {
    const kind = text(o.kind);
    const ns = this.namespaceOf(o);
    push(this.kinds, kind, o);
    const names = inner(
      inner(this.named, kind, () => new Map<string, Map<string, JsonObject>>()),
      ns,
      () => new Map<string, JsonObject>(),
    );
    const name = text(obj(o.metadata).name);
    if (!names.has(name)) names.set(name, o);
    const owner = podOwnerOf(o, ns);
    if (owner) this.addOwner(owner);
  }

  /** Indexes a pod owner by its object, its namespace and each of its pod labels. */
  private addOwner(owner: PodOwner): void {
    const ns = owner.namespace;
    this.ownerList.push(owner);
    this.owners.set(owner.object, owner);
    push(this.ownersByNamespace, ns, owner);
    const labels = owner.labels;
    const keys = Object.keys(labels);
    if (keys.length === 0) return;
    const inNamespace = inner(this.byLabel, ns, () => new Map<string, Map<string, PodOwner[]>>());
    for (let j = 0; j < keys.length; j++)
      push(
        inner(inNamespace, keys[j], () => new Map<string, PodOwner[]>()),
        text(labels[keys[j]]),
        owner,
      );
  }

  /** The namespace of an object (`default` when the manifest has none). */
  public namespaceOf(o: JsonObject): string {
    return str(obj(o.metadata).namespace) ?? 'default';
  }

  /** Every object of one kind. */
  public ofKind(kind: string): readonly JsonObject[] {
    return this.kinds.get(kind) ?? [];
  }

  /** The (first) object of `kind` named `name` in `namespace`. */
  public find(kind: string, namespace: string, name: unknown): JsonObject | undefined {
    return this.named.get(kind)?.get(namespace)?.get(text(name));
  }

  /** The pod owner view of `o`, if it runs pods. */
  public podOwner(o: JsonObject): PodOwner | undefined {
    return this.owners.get(o);
  }

  /** Pod owners in `namespace` whose pod labels `selector` selects. */
  public ownersSelectedBy(namespace: string, selector: Selector): PodOwner[] {
    if (selector.selectsNothing) return [];
    const key = selector.anyEquality;
    const candidates = (key ? this.byLabel.get(namespace)?.get(key[0])?.get(key[1]) : this.ownersByNamespace.get(namespace)) ?? [];
    return candidates.filter((w) => selector.matches(w.labels));
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}
