/**
 * The security and production policy: the restricted Pod Security Standard
 * (v1.28) and the production defaults of kube-score, Polaris and kube-linter
 * that shared/tools/k8s-verify checks. Every policy finding can be waived per
 * object with a reason (see waivers.ts).
 */
import { show } from '../_errors';
import { LABEL_INSTANCE, LABEL_NAME } from '../_labels';
import { MIN_UID } from '../_pod';
import { parseImage, probeHandler } from '../_rules';
import { check, Check, CheckContext } from './check';
import { GuardrailArea } from './findings';
import { Selector } from '../_selector';
import { has, JsonObject, list, obj, objects, recordAt, text, valueAt } from '../_json';
import { PodContainer, PodOwner } from './manifests';

const POLICY = GuardrailArea.POLICY;
const HOSTNAME = 'kubernetes.io/hostname';

/** Volume types a restricted pod may use. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
/** Sysctls the baseline standard allows (Kubernetes 1.28). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
]);
const SELINUX_TYPES = new Set(['container_t', 'container_init_t', 'container_kvm_t']);
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** What a rule over one container sees: the container, its pod, and a way to report on the pod's object. */
type ContainerRule = (v: PodContainer, w: PodOwner, report: (message: string) => void) => void;

/** Runs `fn` on every container of every subject pod (one `report` for the run, on the pod at hand: no closure per pod). */
function eachContainer(ctx: CheckContext, fn: ContainerRule): void {
  const pods = ctx.podSubjects;
  let w: PodOwner;
  const report = (m: string) => ctx.report(w.object, m);
  for (let i = 0; i < pods.length; i++) {
    w = pods[i];
    const containers = w.containers;
    for (let j = 0; j < containers.length; j++) fn(containers[j], w, report);
  }
}

/** The effective value of a security context field: the container's, else the pod's. */
const effective = (v: PodContainer, w: PodOwner, k: string): unknown => v.sc[k] ?? w.securityContext[k];

/** Deployments and StatefulSets that may run more than one pod (replicas, or the maximum of an HPA targeting them). */
function replicated(ctx: CheckContext): PodOwner[] {
  const hpaMax = new Map<string, number>();
  for (const hpa of ctx.index.ofKind('HorizontalPodAutoscaler')) {
    const s = obj(hpa.spec);
    const ref = obj(s.scaleTargetRef);
    const k = `${ctx.index.namespaceOf(hpa)}|${text(ref.kind)}|${text(ref.name)}`;
    if (typeof s.maxReplicas === 'number') hpaMax.set(k, Math.max(hpaMax.get(k) ?? 0, s.maxReplicas));
  }
  return ctx.podSubjects.filter((w) => {
    if (w.kind !== 'Deployment' && w.kind !== 'StatefulSet') return false;
    const replicas = obj(w.object.spec).replicas;
    return Math.max(typeof replicas === 'number' ? replicas : 1, hpaMax.get(`${w.namespace}|${w.kind}|${w.name}`) ?? 0) > 1;
  });
}

/** The pod owners selected by some object of `kind` whose selector sits at `selectorOf` and that passes `accept`. */
function covered(ctx: CheckContext, kind: string, selectorOf: (o: JsonObject) => Selector, accept: (o: JsonObject) => boolean = () => true): Set<JsonObject> {
  const found = new Set<JsonObject>();
  for (const o of ctx.index.ofKind(kind)) {
    if (!accept(o)) continue;
    for (const w of ctx.index.ownersSelectedBy(ctx.index.namespaceOf(o), selectorOf(o))) found.add(w.object);
  }
  return found;
}

const podSecurity = (name: string, title: string, fix: string, fn: ContainerRule): Check => check(POLICY, name, title, fix, (ctx) => eachContainer(ctx, fn));

export const POLICY_CHECKS: readonly Check[] = [
  // ---- restricted Pod Security Standard
  check(POLICY, 'host-namespaces', "pods do not share the host's network, PID or IPC namespace", 'remove hostNetwork, hostPID and hostIPC', (ctx) => {
    for (const w of ctx.podSubjects) {
      for (const k of ['hostNetwork', 'hostPID', 'hostIPC']) if (w.spec[k] === true) ctx.report(w.object, `${k} is true`);
    }
  }),
  check(
    POLICY,
    'volume-types',
    `pods only use the volume types of the restricted standard (${[...RESTRICTED_VOLUMES].join(', ')}); never hostPath`,
    'replace the volume with an emptyDir, a PersistentVolumeClaim, a ConfigMap or a Secret',
    (ctx) => {
      for (const w of ctx.podSubjects) {
        for (const v of w.volumes) {
          const types = Object.keys(v).filter((k) => k !== 'name');
          for (const t of types.filter((t) => !RESTRICTED_VOLUMES.has(t))) ctx.report(w.object, `volume ${show(v.name)} uses a ${t} volume`);
        }
      }
    },
  ),
  check(POLICY, 'host-ports', 'containers do not bind host ports', 'remove hostPort and reach the pods through a Service', (ctx) =>
    eachContainer(ctx, (v, _w, report) => {
      for (const p of v.ports) if (p.hostPort !== undefined && p.hostPort !== 0) report(`${v.at}: uses hostPort ${show(p.hostPort)}`);
    }),
  ),
  podSecurity('privileged', 'containers are not privileged', 'remove securityContext.privileged', (v, _w, report) => {
    if (v.sc.privileged === true) report(`${v.at}: is privileged`);
  }),
  podSecurity(
    'privilege-escalation',
    'containers set allowPrivilegeEscalation: false',
    'set securityContext.allowPrivilegeEscalation: false',
    (v, _w, report) => {
      if (v.sc.allowPrivilegeEscalation !== false) report(`${v.at}: allowPrivilegeEscalation is not false`);
    },
  ),
  podSecurity(
    'run-as-non-root',
    'containers run with runAsNonRoot: true and never as uid 0',
    'set runAsNonRoot: true and a non-zero runAsUser in the pod securityContext',
    (v, w, report) => {
      if (effective(v, w, 'runAsNonRoot') !== true) report(`${v.at}: runAsNonRoot is not true`);
      if (effective(v, w, 'runAsUser') === 0) report(`${v.at}: runs as uid 0`);
    },
  ),
  podSecurity(
    'capabilities',
    'containers drop ALL capabilities and add none but NET_BIND_SERVICE',
    'set capabilities.drop: [ALL] and remove the added capabilities',
    (v, _w, report) => {
      const caps = obj(v.sc.capabilities);
      if (!list(caps.drop).includes('ALL')) report(`${v.at}: does not drop ALL capabilities`);
      const added = list(caps.add).filter((x) => x !== 'NET_BIND_SERVICE');
      if (added.length) report(`${v.at}: adds capabilities ${added.map((x) => show(x)).join(', ')}`);
    },
  ),
  podSecurity(
    'seccomp',
    'containers run under the RuntimeDefault (or a Localhost) seccomp profile',
    'set securityContext.seccompProfile.type: RuntimeDefault on the pod',
    (v, w, report) => {
      const type = obj(v.sc.seccompProfile).type ?? obj(w.securityContext.seccompProfile).type;
      if (type !== 'RuntimeDefault' && type !== 'Localhost')
        report(`${v.at}: seccompProfile is ${type === undefined ? 'not set' : show(type)}, not RuntimeDefault`);
    },
  ),
  podSecurity(
    'selinux',
    'SELinux options only pick a container type (container_t, container_init_t, container_kvm_t), never a user or role',
    'remove seLinuxOptions.user and .role and use an allowed type',
    (v, w, report) => {
      for (const [where, ctxt] of [
        ['pod', w.securityContext],
        ['container', v.sc],
      ] as const) {
        const se = obj(ctxt.seLinuxOptions);
        if (se.type !== undefined && !SELINUX_TYPES.has(text(se.type))) report(`${v.at}: ${where} seLinuxOptions.type ${show(se.type)} is not allowed`);
        if (se.user !== undefined || se.role !== undefined) report(`${v.at}: ${where} seLinuxOptions sets a user or role`);
      }
    },
  ),
  podSecurity('proc-mount', 'containers use the Default /proc mount', 'remove securityContext.procMount', (v, _w, report) => {
    if (v.sc.procMount !== undefined && v.sc.procMount !== 'Default') report(`${v.at}: procMount is ${show(v.sc.procMount)}`);
  }),
  podSecurity('host-process', 'Windows containers do not run as HostProcess', 'remove windowsOptions.hostProcess', (v, w, report) => {
    if (obj(v.sc.windowsOptions).hostProcess === true || obj(w.securityContext.windowsOptions).hostProcess === true)
      report(`${v.at}: runs as a Windows HostProcess`);
  }),
  check(POLICY, 'sysctls', 'pods only set the safe sysctls of the baseline standard', 'remove the sysctl, or set it on the nodes', (ctx) => {
    for (const w of ctx.podSubjects) {
      for (const s of objects(obj(w.spec.securityContext).sysctls)) {
        if (!SAFE_SYSCTLS.has(text(s.name))) ctx.report(w.object, `sysctl ${show(s.name)} is not a safe sysctl`);
      }
    }
  }),
  check(POLICY, 'apparmor', 'AppArmor profiles are runtime/default or localhost/*', 'remove the AppArmor annotation or use runtime/default', (ctx) => {
    for (const w of ctx.podSubjects) {
      for (const [k, v] of Object.entries(w.annotations)) {
        if (k.startsWith(APPARMOR_PREFIX) && v !== 'runtime/default' && !text(v).startsWith('localhost/'))
          ctx.report(w.object, `AppArmor profile ${show(v)} of ${show(k.slice(APPARMOR_PREFIX.length))}`);
      }
    }
  }),
  // ---- production defaults
  podSecurity(
    'read-only-root-filesystem',
    'containers have a read-only root filesystem',
    'set readOnlyRootFilesystem: true and mount an emptyDir where the process writes',
    (v, _w, report) => {
      if (v.sc.readOnlyRootFilesystem !== true) report(`${v.at}: root filesystem is writable`);
    },
  ),
  podSecurity(
    'high-uid',
    `containers run as a uid and gid of at least ${MIN_UID}, which no host user has`,
    `set runAsUser and runAsGroup to ${MIN_UID} or more in the pod securityContext`,
    (v, w, report) => {
      const uid = effective(v, w, 'runAsUser');
      const gid = effective(v, w, 'runAsGroup');
      if (!(typeof uid === 'number' && uid >= MIN_UID) || !(typeof gid === 'number' && gid >= MIN_UID)) {
        report(`${v.at}: runAsUser ${show(uid)} and runAsGroup ${show(gid)} should both be set and >= ${MIN_UID}`);
      }
    },
  ),
  check(
    POLICY,
    'automount-token',
    'pods do not mount a ServiceAccount token',
    'set automountServiceAccountToken: false on the pod (mount a projected token where one is needed)',
    (ctx) => {
      for (const w of ctx.podSubjects) if (w.spec.automountServiceAccountToken !== false) ctx.report(w.object, 'automountServiceAccountToken is not false');
    },
  ),
  podSecurity(
    'image-pinned',
    'images are valid references pinned to a version tag (not latest) or a digest',
    'add a version tag (":1.27.2") or a digest ("@sha256:...")',
    (v, _w, report) => {
      const ref = parseImage(v.c.image);
      if (!ref) report(`${v.at}: image ${show(v.c.image)} is not a valid image reference`);
      else if (!ref.digest && (!ref.tag || ref.tag === 'latest')) report(`${v.at}: image ${show(v.c.image)} is not pinned to a tag or digest`);
    },
  ),
  podSecurity(
    'image-pull-policy',
    'containers pull their image Always (so a node cannot run a stale or planted copy)',
    'set imagePullPolicy: Always',
    (v, _w, report) => {
      if (v.c.imagePullPolicy !== 'Always')
        report(`${v.at}: imagePullPolicy is ${v.c.imagePullPolicy === undefined ? 'not set' : show(v.c.imagePullPolicy)}, not Always`);
    },
  ),
  podSecurity(
    'resources',
    'containers request cpu, memory and ephemeral-storage and limit memory and ephemeral-storage',
    'set the missing requests and limits',
    (v, _w, report) => {
      const r = obj(v.c.resources);
      const req = obj(r.requests);
      const lim = obj(r.limits);
      const missing = [
        ...['cpu', 'memory', 'ephemeral-storage'].filter((k) => !req[k]).map((k) => `requests.${k}`),
        ...['memory', 'ephemeral-storage'].filter((k) => !lim[k]).map((k) => `limits.${k}`),
      ];
      if (missing.length) report(`${v.at}: missing ${missing.join(', ')}`);
    },
  ),
  podSecurity(
    'probes',
    'long-running containers have readiness and liveness probes, and the two differ',
    'add both probes; make liveness cheaper and more tolerant than readiness',
    (v, w, report) => {
      if (v.init || w.batch || w.kind === 'Pod') return;
      if (v.c.readinessProbe === undefined) report(`${v.at}: no readinessProbe`);
      if (v.c.livenessProbe === undefined) report(`${v.at}: no livenessProbe`);
      const handler = probeHandler(v.c.readinessProbe);
      if (handler !== undefined && handler === probeHandler(v.c.livenessProbe))
        report(`${v.at}: liveness and readiness probes use the same handler (${handler})`);
    },
  ),
  check(
    POLICY,
    'exposure',
    'Services are not published outside the cluster by a cloud load balancer (type LoadBalancer) or on chosen node addresses (externalIPs); NodePort stays allowed',
    "use a NodePort or ClusterIP Service behind the platform's ingress; remove externalIPs",
    (ctx) => {
      for (const svc of ctx.subjectsOfKind('Service')) {
        const s = obj(svc.spec);
        if (s.type === 'LoadBalancer') ctx.report(svc, 'type LoadBalancer publishes it on a cloud load balancer');
        const ips = list(s.externalIPs);
        if (ips.length) ctx.report(svc, `externalIPs ${ips.map((ip) => show(ip)).join(', ')} publish it on node addresses`);
      }
    },
  ),
  check(
    POLICY,
    'pdb',
    'a Deployment or StatefulSet that may run several pods is covered by a PodDisruptionBudget',
    'add a PodDisruptionBudget selecting its pods',
    (ctx) => {
      // policy/v1: an absent selector selects no pods, an empty one every pod of the namespace
      const budgeted = covered(ctx, 'PodDisruptionBudget', (p) => Selector.of(obj(p.spec).selector));
      for (const w of replicated(ctx)) if (!budgeted.has(w.object)) ctx.report(w.object, 'several replicas but no PodDisruptionBudget');
    },
  ),
  check(
    POLICY,
    'pdb-eviction',
    'a PodDisruptionBudget sets unhealthyPodEvictionPolicy and allows some voluntary eviction',
    'set unhealthyPodEvictionPolicy (AlwaysAllow) and a maxUnavailable above 0',
    (ctx) => {
      for (const pdb of ctx.subjectsOfKind('PodDisruptionBudget')) {
        const s = obj(pdb.spec);
        if (s.unhealthyPodEvictionPolicy === undefined) ctx.report(pdb, 'unhealthyPodEvictionPolicy is not set');
        if (s.maxUnavailable === 0 || s.maxUnavailable === '0%') ctx.report(pdb, 'allows no voluntary eviction (maxUnavailable 0): node drains would hang');
      }
    },
  ),
  check(
    POLICY,
    'topology-spread',
    'a Deployment or StatefulSet that may run several pods spreads them with topologySpreadConstraints',
    'add topologySpreadConstraints over zones and hostnames',
    (ctx) => {
      for (const w of replicated(ctx))
        if (!objects(w.spec.topologySpreadConstraints).length) ctx.report(w.object, 'several replicas but no topologySpreadConstraints');
    },
  ),
  check(
    POLICY,
    'anti-affinity',
    `a Deployment or StatefulSet that may run several pods has a pod anti-affinity on ${HOSTNAME} selecting its own pods`,
    `add a (preferred) podAntiAffinity term with topologyKey ${HOSTNAME} and the pods' selector`,
    (ctx) => {
      for (const w of replicated(ctx)) {
        const anti = recordAt(w.spec, 'affinity', 'podAntiAffinity');
        const terms = [
          ...objects(anti.requiredDuringSchedulingIgnoredDuringExecution),
          ...objects(anti.preferredDuringSchedulingIgnoredDuringExecution).map((x) => obj(x.podAffinityTerm)),
        ];
        // an absent labelSelector matches no pods, an empty one every pod
        if (!terms.some((t) => t.topologyKey === HOSTNAME && Selector.of(t.labelSelector).matches(w.labels)))
          ctx.report(w.object, 'several replicas but no hostname pod anti-affinity selecting its own pods');
      }
    },
  ),
  check(
    POLICY,
    'network-policy',
    'the pods of every workload are fenced by NetworkPolicies for both ingress and egress',
    'add a NetworkPolicy selecting the pods with policyTypes [Ingress, Egress]',
    (ctx) => {
      const ingress = new Set<JsonObject>();
      const egress = new Set<JsonObject>();
      for (const p of ctx.index.ofKind('NetworkPolicy')) {
        const types = list(valueAt(p, 'spec', 'policyTypes'));
        const fences = [...(types.includes('Ingress') ? [ingress] : []), ...(types.includes('Egress') ? [egress] : [])];
        if (!fences.length) continue;
        // spec.podSelector is a value, not a pointer: absent is {} (every pod of the namespace), as the API server reads it
        for (const w of ctx.index.ownersSelectedBy(ctx.index.namespaceOf(p), Selector.of(obj(p.spec).podSelector ?? {})))
          for (const f of fences) f.add(w.object);
      }
      for (const w of ctx.podSubjects) {
        if (!ingress.has(w.object)) ctx.report(w.object, 'no NetworkPolicy restricts ingress to its pods');
        if (!egress.has(w.object)) ctx.report(w.object, 'no NetworkPolicy restricts egress from its pods');
      }
    },
  ),
  check(
    POLICY,
    'retain-volumes',
    'a StatefulSet keeps its volumes when it is deleted or scaled down',
    'set persistentVolumeClaimRetentionPolicy to Retain (or remove it)',
    (ctx) => {
      for (const o of ctx.subjectsOfKind('StatefulSet')) {
        const rp = recordAt(o, 'spec', 'persistentVolumeClaimRetentionPolicy');
        if (rp.whenDeleted === 'Delete' || rp.whenScaled === 'Delete') ctx.report(o, 'deletes its volumes on delete or scale-down');
      }
    },
  ),
  check(
    POLICY,
    'recommended-labels',
    `workloads carry the recommended labels ${LABEL_NAME} and ${LABEL_INSTANCE}`,
    'add the two labels to metadata.labels',
    (ctx) => {
      for (const w of ctx.podSubjects) {
        const labels = recordAt(w.object, 'metadata', 'labels');
        for (const k of [LABEL_NAME, LABEL_INSTANCE]) if (!has(labels, k) || !labels[k]) ctx.report(w.object, `missing recommended label ${k}`);
      }
    },
  ),
];
