/**
 * Rules the API server or its controllers enforce that a schema cannot
 * express: legal names and labels, selectors that select their own pods,
 * ports, node ports, volume and object references, requests within limits,
 * probes, and the targets of Services, StatefulSets, PDBs and HPAs.
 */
import { show } from '../_errors';
import { quantityValue } from '../_quantity';
import {
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isEnvName,
  isLabelKey,
  isLabelValue,
  isNodePort,
  isPort,
  isPortName,
  NODE_PORT_MAX,
  NODE_PORT_MIN,
} from '../_rules';
import { check, Check, CheckContext, remembered } from './check';
import { GuardrailArea } from './findings';
import { Selector } from '../_selector';
import { has, JsonObject, list, obj, objects, str, text, valueAt } from '../_json';
import { PodOwner, refOf } from './manifests';

const API = GuardrailArea.API;
/** The longest StatefulSet name: its pods get a `controller-revision-hash` label of name + 11 characters. */
const MAX_STATEFULSET_NAME = 52;
const PERCENT = /^\d+%$/;
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];
const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

/** What the API server accepts at most: ConfigMap and Secret data together, and all annotations of an object. */
const MAX_DATA_BYTES = 1024 * 1024;
const MAX_ANNOTATION_BYTES = 256 * 1024;
/** The cluster-scoped kinds of Kubernetes 1.28, by API group. */
const CLUSTER_SCOPED: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['', new Set(['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'])],
  ['rbac.authorization.k8s.io', new Set(['ClusterRole', 'ClusterRoleBinding'])],
  ['storage.k8s.io', new Set(['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'])],
  ['scheduling.k8s.io', new Set(['PriorityClass'])],
  ['apiextensions.k8s.io', new Set(['CustomResourceDefinition'])],
  ['apiregistration.k8s.io', new Set(['APIService'])],
  [
    'admissionregistration.k8s.io',
    new Set(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']),
  ],
  ['networking.k8s.io', new Set(['IngressClass', 'ClusterCIDR', 'IPAddress'])],
  ['node.k8s.io', new Set(['RuntimeClass'])],
  ['certificates.k8s.io', new Set(['CertificateSigningRequest', 'ClusterTrustBundle'])],
  ['flowcontrol.apiserver.k8s.io', new Set(['FlowSchema', 'PriorityLevelConfiguration'])],
  ['resource.k8s.io', new Set(['ResourceClass'])],
]);
const bytes = (v: unknown) => (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0);
/** The size of a map of strings as the API server counts it: keys and values. */
const mapBytes = (m: unknown, size = bytes) => Object.entries(obj(m)).reduce((n, [k, v]) => n + bytes(k) + size(v), 0);
/** The characters of a map of strings, keys and values: a bound of its size (3 bytes at most per UTF-16 unit, decoded base64 less). Every object's annotations pass here: no entry lists. */
function mapChars(m: unknown): number {
  const o = obj(m);
  const keys = Object.keys(o);
  let n = 0;
  for (let i = 0; i < keys.length; i++) {
    const v = o[keys[i]];
    n += keys[i].length + (typeof v === 'string' ? v.length : 0);
  }
  return n;
}
/** The decoded size of a base64 value (binaryData, Secret data). */
const decoded = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'base64').length : 0);
/** Whether an object of this apiVersion and kind is cluster-scoped. */
export function isClusterScoped(o: JsonObject): boolean {
  const v = text(o.apiVersion);
  return CLUSTER_SCOPED.get(v.includes('/') ? v.split('/')[0] : '')?.has(text(o.kind)) ?? false;
}
/** The numeric value of a quantity (numbers count as themselves). */
const amountOf = (q: unknown) => (typeof q === 'number' ? q : quantityValue(q));

/** Runs `fn` on every subject that runs pods (one `report` for the run, on the pod at hand: no closure per pod). */
function eachPod(ctx: CheckContext, fn: (w: PodOwner, report: (message: string) => void) => void): void {
  const pods = ctx.podSubjects;
  let w: PodOwner;
  const report = (message: string) => ctx.report(w.object, message);
  for (let i = 0; i < pods.length; i++) {
    w = pods[i];
    fn(w, report);
  }
}

const NONE: readonly unknown[] = Object.freeze([]);
/** Whether two values are one for a Set (SameValueZero: NaN is NaN). */
const same = (a: unknown, b: unknown) => a === b || (a !== a && b !== b);

/** Each value of `values` that occurs more than once (once per value, in the order of their second occurrence). */
function repeated(values: readonly unknown[]): readonly unknown[] {
  // most lists are short and have no repeats: look for one before building sets
  let any = false;
  for (let i = 1; i < values.length && !any; i++) for (let j = 0; j < i && !any; j++) any = same(values[i], values[j]);
  if (!any) return NONE;
  const seen = new Set<unknown>();
  const twice = new Set<unknown>();
  for (const v of values) {
    if (seen.has(v)) twice.add(v);
    seen.add(v);
  }
  return [...twice];
}

/** The names of the volume claim templates of a StatefulSet. */
function claimTemplateNames(w: PodOwner): unknown[] {
  return w.kind === 'StatefulSet' ? objects(obj(w.object.spec).volumeClaimTemplates).map((t) => obj(t.metadata).name) : [];
}

/** The label rules, remembered for one run (the same keys and values come back in every object). */
function labelRules(): { key: (k: unknown) => boolean; value: (v: unknown) => boolean } {
  return { key: remembered(isLabelKey), value: remembered(isLabelValue) };
}

/** What is wrong with the labels of a map (most maps are fine: then no list is made). */
function labelProblems(labels: unknown, where: string, rules: ReturnType<typeof labelRules>): readonly string[] {
  let problems: string[] | undefined;
  const m = obj(labels);
  for (const k of Object.keys(m)) {
    const v = m[k];
    if (!rules.key(k))
      (problems ??= []).push(`${where}: bad label key ${show(k)} (an optional DNS subdomain prefix and "/", then at most 63 of [A-Za-z0-9_.-])`);
    if (!rules.value(v))
      (problems ??= []).push(`${where}: bad label value ${show(v)} for ${show(k)} (at most 63 of [A-Za-z0-9_.-], alphanumeric at both ends)`);
  }
  return problems ?? NO_PROBLEMS;
}
const NO_PROBLEMS: readonly string[] = Object.freeze([]);

export const API_CHECKS: readonly Check[] = [
  check(
    API,
    'name',
    'metadata.name is set and legal for the kind: DNS-1035 label for a Service, DNS-1123 label for a Namespace or StatefulSet (at most 52), DNS-1123 subdomain otherwise',
    'rename the object: lower-case letters, digits and "-" (Services start with a letter)',
    (ctx) => {
      for (const o of ctx.subjects) {
        const name = obj(o.metadata).name;
        if (typeof name !== 'string' || name === '') {
          ctx.report(o, 'metadata.name is required');
          continue;
        }
        const [ok, what] =
          o.kind === 'Service'
            ? [isDns1035Label(name), 'DNS-1035 label']
            : o.kind === 'Namespace' || o.kind === 'StatefulSet'
              ? [isDns1123Label(name), 'DNS-1123 label']
              : [isDns1123Subdomain(name), 'DNS-1123 subdomain'];
        if (!ok) ctx.report(o, `metadata.name ${show(name)} is not a ${what}`);
        if (o.kind === 'StatefulSet' && name.length > MAX_STATEFULSET_NAME) {
          ctx.report(
            o,
            `metadata.name ${show(name)} is longer than ${MAX_STATEFULSET_NAME} characters, which breaks the controller-revision-hash label of its pods`,
          );
        }
      }
    },
  ),
  check(API, 'namespace', 'metadata.namespace, when set, is a DNS-1123 label', 'use a namespace like "shop"', (ctx) => {
    const label = remembered((v: unknown) => isDns1123Label(v));
    for (const o of ctx.subjects) {
      const ns = obj(o.metadata).namespace;
      if (ns !== undefined && !label(ns)) ctx.report(o, `metadata.namespace ${show(ns)} is not a DNS-1123 label`);
    }
  }),
  check(
    API,
    'cluster-scoped',
    'a cluster-scoped object (Namespace, ClusterRole, ClusterRoleBinding, StorageClass, PersistentVolume ...) has no metadata.namespace',
    'remove it: ApiObject.of(obj).addJsonPatch(JsonPatch.remove("/metadata/namespace")) (a chart gives its namespace to every object), or create the object in a chart without a namespace',
    (ctx) => {
      for (const o of ctx.subjects) {
        const ns = obj(o.metadata).namespace;
        if (ns !== undefined && isClusterScoped(o)) ctx.report(o, `a cluster-scoped ${text(o.kind)} carries metadata.namespace ${show(ns)}`);
      }
    },
  ),
  check(
    API,
    'size-limits',
    `ConfigMap and Secret data hold at most 1 MiB together, and an object's annotations (and its pod template's) at most 256 KiB`,
    'move large content into a volume or an image, and large annotations into a ConfigMap',
    (ctx) => {
      // the exact size is counted only where the bound (3 bytes a character) exceeds the limit
      for (const o of ctx.subjects) {
        if ((o.kind === 'ConfigMap' || o.kind === 'Secret') && 3 * (mapChars(o.data) + mapChars(o.binaryData) + mapChars(o.stringData)) > MAX_DATA_BYTES) {
          const size = mapBytes(o.data, o.kind === 'Secret' ? decoded : bytes) + mapBytes(o.binaryData, decoded) + mapBytes(o.stringData);
          if (size > MAX_DATA_BYTES) ctx.report(o, `its data is ${size} bytes, above the limit of ${MAX_DATA_BYTES}`);
        }
        const annotations = obj(o.metadata).annotations;
        if (3 * mapChars(annotations) > MAX_ANNOTATION_BYTES) {
          const size = mapBytes(annotations);
          if (size > MAX_ANNOTATION_BYTES) ctx.report(o, `metadata.annotations are ${size} bytes, above the limit of ${MAX_ANNOTATION_BYTES}`);
        }
      }
      eachPod(ctx, (w, report) => {
        if (w.kind === 'Pod' || 3 * mapChars(w.annotations) <= MAX_ANNOTATION_BYTES) return;
        const size = mapBytes(w.annotations);
        if (size > MAX_ANNOTATION_BYTES) report(`pod template annotations are ${size} bytes, above the limit of ${MAX_ANNOTATION_BYTES}`);
      });
    },
  ),
  check(API, 'labels', 'label keys and values of objects and pod templates are legal', 'shorten the label or replace other characters with "-"', (ctx) => {
    const rules = labelRules();
    for (const o of ctx.subjects) for (const m of labelProblems(obj(o.metadata).labels, 'metadata.labels', rules)) ctx.report(o, m);
    for (const w of ctx.podSubjects) if (w.kind !== 'Pod') for (const m of labelProblems(w.labels, 'pod template labels', rules)) ctx.report(w.object, m);
  }),
  check(API, 'unique', 'each object (API group, kind, namespace, name) is written once', 'rename or remove one of the two objects', (ctx) => {
    // the API group, not the version, identifies an object: autoscaling/v1 and /v2 HPAs of one name are one object
    const group = (apiVersion: unknown) => {
      const v = text(apiVersion);
      return v.slice(0, Math.max(0, v.lastIndexOf('/')));
    };
    const id = (o: JsonObject) => `${group(o.apiVersion)}|${text(o.kind)}|${ctx.index.namespaceOf(o)}|${text(obj(o.metadata).name)}`;
    const seen = new Set<string>();
    const twice = new Set<string>();
    for (const o of ctx.index.all) {
      const k = id(o);
      if (seen.has(k)) twice.add(k);
      else seen.add(k);
    }
    if (!twice.size) return;
    for (const o of ctx.subjects) {
      if (twice.has(id(o))) ctx.report(o, 'the same object is written more than once (a later one would overwrite it)');
    }
  }),
  check(
    API,
    'selector',
    "a controller's selector is not empty and selects its own pod template",
    'make spec.selector match the labels of spec.template.metadata.labels',
    (ctx) => {
      eachPod(ctx, (w, report) => {
        if (!w.controller) return;
        // apps/v1 rejects an absent or empty selector (which would select every pod), and one that misses the template
        const sel = Selector.of(obj(w.object.spec).selector);
        if (sel.problem) report(`spec.selector is invalid: ${sel.problem}`);
        else if (sel.selectsNothing || sel.selectsEverything) report('spec.selector must not be empty');
        else if (!sel.matches(w.labels)) report('spec.selector does not match the pod template labels');
      });
    },
  ),
  check(API, 'replicas', 'replicas and revisionHistoryLimit are whole numbers >= 0', 'set a whole number >= 0', (ctx) => {
    eachPod(ctx, (w, report) => {
      const s = obj(w.object.spec);
      for (const k of ['replicas', 'revisionHistoryLimit']) {
        const v = s[k];
        if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) report(`spec.${k} ${show(v)} must be a whole number >= 0`);
      }
    });
  }),
  check(
    API,
    'restart-policy',
    'pods of controllers restart Always; pods of Jobs restart OnFailure or Never',
    'remove restartPolicy, or set the one the kind allows',
    (ctx) => {
      eachPod(ctx, (w, report) => {
        const rp = w.spec.restartPolicy;
        if (rp === undefined || w.kind === 'Pod') return;
        if (w.controller && rp !== 'Always') report(`restartPolicy ${show(rp)} must be Always for a ${w.kind}`);
        if (w.batch && rp !== 'OnFailure' && rp !== 'Never') report(`restartPolicy ${show(rp)} must be OnFailure or Never for a ${w.kind}`);
      });
    },
  ),
  check(
    API,
    'deployment-strategy',
    "a Deployment's rollout parameters are consistent",
    'use whole numbers or percentages, not both 0, no rollingUpdate with Recreate, progressDeadlineSeconds above minReadySeconds',
    (ctx) => {
      for (const d of ctx.subjectsOfKind('Deployment')) {
        const s = obj(d.spec);
        const st = obj(s.strategy);
        const ru = obj(st.rollingUpdate);
        if (st.type === 'Recreate' && has(st, 'rollingUpdate')) ctx.report(d, 'spec.strategy.rollingUpdate is not allowed with type Recreate');
        else if (st.type === undefined || st.type === 'RollingUpdate') {
          for (const k of ['maxSurge', 'maxUnavailable']) {
            const v = ru[k];
            if (v !== undefined && !((Number.isInteger(v) && (v as number) >= 0) || (typeof v === 'string' && PERCENT.test(v)))) {
              ctx.report(d, `spec.strategy.rollingUpdate.${k} ${show(v)} must be a whole number >= 0 or a percentage`);
            }
          }
          const zero = (v: unknown) => v === 0 || v === '0%';
          if (zero(ru.maxSurge) && zero(ru.maxUnavailable)) ctx.report(d, 'maxSurge and maxUnavailable cannot both be 0: the rollout could never proceed');
          if (typeof ru.maxUnavailable === 'string' && parseInt(ru.maxUnavailable, 10) > 100)
            ctx.report(d, `maxUnavailable ${show(ru.maxUnavailable)} is above 100%`);
        }
        const pd = s.progressDeadlineSeconds;
        const mr = s.minReadySeconds;
        if (typeof pd === 'number' && typeof mr === 'number' && pd <= mr) ctx.report(d, `progressDeadlineSeconds (${pd}) must exceed minReadySeconds (${mr})`);
      }
    },
  ),
  check(
    API,
    'statefulset-spec',
    "a StatefulSet's pod management, update strategy and claim retention use legal values",
    'use OrderedReady or Parallel; no rollingUpdate with OnDelete; Retain or Delete',
    (ctx) => {
      for (const o of ctx.subjectsOfKind('StatefulSet')) {
        const s = obj(o.spec);
        if (s.podManagementPolicy !== undefined && !['OrderedReady', 'Parallel'].includes(text(s.podManagementPolicy))) {
          ctx.report(o, `podManagementPolicy ${show(s.podManagementPolicy)} must be OrderedReady or Parallel`);
        }
        const us = obj(s.updateStrategy);
        if (us.type === 'OnDelete' && has(us, 'rollingUpdate')) ctx.report(o, 'updateStrategy.rollingUpdate is not allowed with type OnDelete');
        const rp = obj(s.persistentVolumeClaimRetentionPolicy);
        for (const k of ['whenDeleted', 'whenScaled']) {
          if (rp[k] !== undefined && rp[k] !== 'Retain' && rp[k] !== 'Delete')
            ctx.report(o, `persistentVolumeClaimRetentionPolicy.${k} ${show(rp[k])} must be Retain or Delete`);
        }
      }
    },
  ),
  check(
    API,
    'governing-service',
    'a StatefulSet names a governing Service that is in the output, headless (clusterIP: None) and selects its pods',
    'add a headless Service named spec.serviceName whose selector matches the pod template labels',
    (ctx) => {
      eachPod(ctx, (w, report) => {
        if (w.kind !== 'StatefulSet') return;
        const name = obj(w.object.spec).serviceName;
        if (typeof name !== 'string' || name === '') {
          report('spec.serviceName is required');
          return;
        }
        const gov = ctx.index.find('Service', w.namespace, name);
        if (!gov) return report(`governing Service ${show(name)} is not in the output`);
        const gs = obj(gov.spec);
        if (gs.clusterIP !== 'None') report(`governing Service ${show(name)} is not headless (clusterIP: None)`);
        // a Service's map selector: absent or empty selects nothing (no endpoints, so no DNS names for the pods)
        if (!Selector.ofMap(gs.selector).matches(w.labels)) report(`governing Service ${show(name)} does not select the StatefulSet's pods`);
      });
    },
  ),
  check(
    API,
    'volume-claim-templates',
    'each volumeClaimTemplate has a DNS-1123 label name, accessModes and a positive storage request',
    'name the template like "data" and set accessModes and resources.requests.storage (e.g. "10Gi")',
    (ctx) => {
      for (const o of ctx.subjectsOfKind('StatefulSet')) {
        for (const t of objects(obj(o.spec).volumeClaimTemplates)) {
          const n = obj(t.metadata).name;
          const at = `volumeClaimTemplate ${show(n)}`;
          if (!isDns1123Label(n)) ctx.report(o, `${at}: name is not a DNS-1123 label`);
          const ts = obj(t.spec);
          if (!list(ts.accessModes).length) ctx.report(o, `${at}: needs accessModes`);
          const size = valueAt(ts, 'resources', 'requests', 'storage');
          if (size === undefined) ctx.report(o, `${at}: needs resources.requests.storage`);
          else if (!((amountOf(size) ?? 0) > 0)) ctx.report(o, `${at}: storage ${show(size)} must be a positive quantity`);
        }
      }
    },
  ),
  check(
    API,
    'volumes',
    'pod volumes have unique DNS-1123 label names; every volumeMount names a volume or claim template, at an absolute path used once per container',
    'add the missing volume (or volumeClaimTemplate), rename duplicates, and mount at distinct absolute paths',
    (ctx) => {
      const label = remembered((v: unknown) => isDns1123Label(v));
      eachPod(ctx, (w, report) => {
        const vols = w.volumes.map((v) => v.name);
        for (const n of vols) if (!label(n)) report(`volume name ${show(n)} is not a DNS-1123 label`);
        for (const n of repeated(vols)) report(`volume ${show(n)} is defined twice`);
        const names = new Set(vols);
        for (const n of claimTemplateNames(w)) {
          if (names.has(n)) report(`volumeClaimTemplate ${show(n)} clashes with a pod volume of the same name`);
          names.add(n);
        }
        for (const v of w.containers) {
          const mounts = v.volumeMounts;
          for (const m of mounts) {
            if (!names.has(m.name)) report(`${v.at} mounts unknown volume ${show(m.name)}`);
            if (!str(m.mountPath)?.startsWith('/')) report(`${v.at}: mountPath ${show(m.mountPath)} must be absolute`);
          }
          if (mounts.length > 1) for (const p of repeated(mounts.map((m) => m.mountPath))) report(`${v.at} mounts two volumes at ${show(p)}`);
        }
      });
    },
  ),
  check(
    API,
    'containers',
    'a pod has at least one container; container names are unique DNS-1123 labels; every container has an image',
    'name containers like "app", give each an image',
    (ctx) => {
      eachPod(ctx, (w, report) => {
        if (!w.hasSpec) return report('the pod spec is missing');
        if (!objects(w.spec.containers).length) report('at least one container is required');
        for (const n of repeated(w.containers.map(({ c }) => c.name))) report(`container name ${show(n)} is used twice`);
        for (const v of w.containers) {
          const c = v.c;
          if (!isDns1123Label(c.name)) report(`container name ${show(c.name)} is not a DNS-1123 label`);
          if (typeof c.image !== 'string' || c.image === '') report(`${v.at} has no image`);
        }
      });
    },
  ),
  check(
    API,
    'env',
    'environment variable names are legal and unique per container',
    'rename the variable (letters, digits, "_", "-", "."; not starting with a digit) and drop the duplicate',
    (ctx) => {
      eachPod(ctx, (w, report) => {
        for (const v of w.containers) {
          const env = v.env;
          for (const e of env) if (!isEnvName(e.name)) report(`${v.at}: env name ${show(e.name)} is invalid`);
          if (env.length > 1) for (const n of repeated(env.map((e) => e.name))) report(`${v.at} repeats env ${show(n)}`);
        }
      });
    },
  ),
  check(
    API,
    'container-ports',
    'container ports are 1-65535, not repeated per protocol, and named with unique IANA service names (at most 15)',
    'use a port from 1 to 65535 once, named like "http" or "metrics"',
    (ctx) => {
      eachPod(ctx, (w, report) => {
        const podNames: unknown[] = [];
        for (const v of w.containers) {
          const ports = v.ports;
          for (const p of ports) {
            if (!isPort(p.containerPort)) report(`${v.at}: containerPort ${show(p.containerPort)} is not from 1 to 65535`);
            if (p.name !== undefined) {
              if (!isPortName(p.name))
                report(`${v.at}: port name ${show(p.name)} is not an IANA service name (at most 15 lower-case letters, digits and single "-", with a letter)`);
              podNames.push(p.name);
            }
          }
          if (ports.length > 1)
            for (const k of repeated(ports.map((p) => `${text(p.containerPort)}/${text(p.protocol ?? 'TCP')}`))) report(`${v.at} repeats port ${k}`);
        }
        for (const n of repeated(podNames)) report(`port name ${show(n)} is used twice in the pod`);
      });
    },
  ),
  check(
    API,
    'resources',
    'requests and limits are Kubernetes quantities, and no request exceeds its limit',
    'write quantities like "250m" or "128Mi" and lower the request or raise the limit',
    (ctx) => {
      const amount = remembered(amountOf);
      eachPod(ctx, (w, report) => {
        for (const v of w.containers) {
          const r = obj(v.c.resources);
          for (const part of ['requests', 'limits']) {
            const m = obj(r[part]);
            for (const k of Object.keys(m)) if (amount(m[k]) === undefined) report(`${v.at}: ${part}.${k} ${show(m[k])} is not a Kubernetes quantity`);
          }
          const requests = obj(r.requests);
          const limits = obj(r.limits);
          for (const k of Object.keys(requests)) {
            const q = requests[k];
            const req = amount(q);
            const lim = amount(limits[k]);
            if (req !== undefined && lim !== undefined && req > lim) report(`${v.at}: request ${k} ${show(q)} exceeds its limit ${show(limits[k])}`);
          }
        }
      });
    },
  ),
  check(
    API,
    'probes',
    'each probe has exactly one handler, names only ports its container declares, and liveness/startup probes have successThreshold 1',
    'give the probe one of exec, httpGet, tcpSocket or grpc, probe a declared port, and set successThreshold to 1',
    (ctx) => {
      eachPod(ctx, (w, report) => {
        for (const v of w.containers) {
          const c = v.c;
          for (const kind of PROBES) {
            if (c[kind] === undefined) continue;
            const p = obj(c[kind]);
            const at = () => `${v.at}: ${kind}`;
            let count = 0;
            for (const h of HANDLERS) if (p[h] !== undefined) count++;
            if (count !== 1) {
              const handlers = HANDLERS.filter((h) => p[h] !== undefined);
              report(`${at()} must have exactly one handler (has ${handlers.length ? handlers.join(', ') : 'none'})`);
            }
            const port = obj(p.httpGet).port ?? obj(p.tcpSocket).port;
            if (typeof port === 'string' && !v.ports.some((cp) => cp.name === port))
              report(`${at()} names port ${show(port)} that the container does not declare`);
            if (kind !== 'readinessProbe' && p.successThreshold !== undefined && p.successThreshold !== 1) report(`${at()}.successThreshold must be 1`);
          }
        }
      });
    },
  ),
  check(
    API,
    'references',
    'the ServiceAccount a pod runs as and the ConfigMaps it mounts as volumes are in the output (unless marked optional)',
    'add the ServiceAccount or ConfigMap to the chart, or mark the volume optional',
    (ctx) => {
      // Values read through env/envFrom may come from ConfigMaps and Secrets managed outside the manifests: not checked.
      eachPod(ctx, (w, report) => {
        const need = (kind: string, name: unknown, optional: unknown) => {
          if (typeof name !== 'string' || name === '' || optional === true) return;
          if (!ctx.index.find(kind, w.namespace, name)) report(`refers to ${kind} ${show(name)}, which is not in the output`);
        };
        for (const v of w.volumes) need('ConfigMap', obj(v.configMap).name, obj(v.configMap).optional);
        const sa = w.spec.serviceAccountName;
        if (sa !== 'default') need('ServiceAccount', sa, false);
      });
    },
  ),
  check(
    API,
    'service-ports',
    'a Service has ports from 1 to 65535, named (DNS-1123 labels) when there are several, without repeats; only a ClusterIP Service is headless',
    'give every port a unique name and number, and use type ClusterIP for clusterIP: None',
    (ctx) => {
      for (const svc of ctx.subjectsOfKind('Service')) {
        const s = obj(svc.spec);
        const type = s.type ?? 'ClusterIP';
        const ports = objects(s.ports);
        if (type !== 'ExternalName' && !ports.length) ctx.report(svc, 'a Service needs at least one port');
        if (ports.length > 1 && ports.some((p) => !p.name)) ctx.report(svc, 'every port needs a name when a Service has several');
        for (const n of repeated(ports.map((p) => p.name).filter((n) => n !== undefined))) ctx.report(svc, `port name ${show(n)} is used twice`);
        for (const k of repeated(ports.map((p) => `${text(p.port)}/${text(p.protocol ?? 'TCP')}`))) ctx.report(svc, `port ${k} is listed twice`);
        if (s.clusterIP === 'None' && type !== 'ClusterIP') ctx.report(svc, `only a ClusterIP Service can be headless (type is ${show(type)})`);
        for (const p of ports) {
          if (!isPort(p.port)) ctx.report(svc, `port ${show(p.port)} is not from 1 to 65535`);
          if (p.name !== undefined && !isDns1123Label(p.name)) ctx.report(svc, `port name ${show(p.name)} is not a DNS-1123 label`);
        }
      }
    },
  ),
  check(
    API,
    'node-port',
    `node ports are only set on NodePort or LoadBalancer Services, lie in ${NODE_PORT_MIN}-${NODE_PORT_MAX}, and no two Services in the output share one`,
    `give each Service its own node port from ${NODE_PORT_MIN} to ${NODE_PORT_MAX}, or leave nodePort out to let the cluster choose`,
    (ctx) => {
      const users = new Map<string, JsonObject[]>();
      for (const svc of ctx.index.ofKind('Service')) {
        for (const p of objects(obj(svc.spec).ports)) {
          if (p.nodePort === undefined) continue;
          const k = `${text(p.nodePort)}/${text(p.protocol ?? 'TCP')}`;
          const l = users.get(k);
          if (l) l.push(svc);
          else users.set(k, [svc]);
        }
      }
      for (const svc of ctx.subjectsOfKind('Service')) {
        const s = obj(svc.spec);
        const type = text(s.type ?? 'ClusterIP');
        for (const p of objects(s.ports)) {
          if (p.nodePort === undefined) continue;
          if (type !== 'NodePort' && type !== 'LoadBalancer') ctx.report(svc, `nodePort ${show(p.nodePort)} is set on a ${type} Service`);
          if (!isNodePort(p.nodePort)) ctx.report(svc, `nodePort ${show(p.nodePort)} is outside the default range ${NODE_PORT_MIN}-${NODE_PORT_MAX}`);
          const sharing = users.get(`${text(p.nodePort)}/${text(p.protocol ?? 'TCP')}`) ?? [];
          if (!sharing.some((o) => o !== svc)) continue;
          const others = sharing.filter((o) => o !== svc).map((o) => refOf(o));
          if (others.length)
            ctx.report(
              svc,
              `nodePort ${show(p.nodePort)} is also used by ${others.map((o) => `Service ${o.namespace ? `${o.namespace}/` : ''}${o.name}`).join(', ')}`,
            );
        }
      }
    },
  ),
  check(
    API,
    'service-selector',
    'a Service with a selector selects some pod template in the output, and its targetPort is a port of those pods',
    'make the selector match the pod labels (name and instance) and target a declared container port (by name)',
    (ctx) => {
      for (const svc of ctx.subjectsOfKind('Service')) {
        const s = obj(svc.spec);
        // absent or empty: the endpoints are managed elsewhere (and ExternalName ignores the selector)
        const selector = Selector.ofMap(s.selector);
        if ((selector.selectsNothing && !selector.problem) || s.type === 'ExternalName') continue;
        const backends = ctx.index.ownersSelectedBy(ctx.index.namespaceOf(svc), selector);
        if (!backends.length) {
          ctx.report(svc, 'its selector matches no pod template in the output (it would have no endpoints)');
          continue;
        }
        for (const p of objects(s.ports)) {
          const tp = p.targetPort ?? p.port;
          for (const b of backends) {
            const declared = b.containerPorts;
            const ok = typeof tp === 'string' ? declared.some((cp) => cp.name === tp) : declared.length === 0 || declared.some((cp) => cp.containerPort === tp);
            if (!ok) ctx.report(svc, `targetPort ${show(tp)} is not a port of ${b.kind} ${b.name}`);
          }
        }
      }
    },
  ),
  check(
    API,
    'pdb',
    'a PodDisruptionBudget sets minAvailable or maxUnavailable (not both), a legal unhealthyPodEvictionPolicy, and selects a workload in the output',
    "keep one of minAvailable/maxUnavailable and make the selector match the workload's pod labels",
    (ctx) => {
      for (const pdb of ctx.subjectsOfKind('PodDisruptionBudget')) {
        const s = obj(pdb.spec);
        if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) ctx.report(pdb, 'minAvailable and maxUnavailable are exclusive');
        if (
          s.unhealthyPodEvictionPolicy !== undefined &&
          s.unhealthyPodEvictionPolicy !== 'IfHealthyBudget' &&
          s.unhealthyPodEvictionPolicy !== 'AlwaysAllow'
        ) {
          ctx.report(pdb, `unhealthyPodEvictionPolicy ${show(s.unhealthyPodEvictionPolicy)} must be IfHealthyBudget or AlwaysAllow`);
        }
        // policy/v1: an absent selector selects no pods, an empty one every pod of the namespace
        if (!ctx.index.ownersSelectedBy(ctx.index.namespaceOf(pdb), Selector.of(s.selector)).length)
          ctx.report(pdb, 'its selector matches no workload in the output');
      }
    },
  ),
  check(
    API,
    'hpa',
    'a HorizontalPodAutoscaler targets a workload in the output, with minReplicas <= maxReplicas',
    "point scaleTargetRef at the workload's kind and name, and order the bounds",
    (ctx) => {
      for (const hpa of ctx.subjectsOfKind('HorizontalPodAutoscaler')) {
        const s = obj(hpa.spec);
        const ref = obj(s.scaleTargetRef);
        const target = typeof ref.kind === 'string' ? ctx.index.find(ref.kind, ctx.index.namespaceOf(hpa), ref.name) : undefined;
        if (!target || !ctx.index.podOwner(target)) ctx.report(hpa, `scaleTargetRef ${show(ref.kind)} ${show(ref.name)} is not in the output`);
        if (typeof s.minReplicas === 'number' && typeof s.maxReplicas === 'number' && s.minReplicas > s.maxReplicas) {
          ctx.report(hpa, `minReplicas (${s.minReplicas}) exceeds maxReplicas (${s.maxReplicas})`);
        }
      }
    },
  ),
];
