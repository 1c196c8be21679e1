import { ApiObject, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import {
  ClaimRetention,
  DatabaseEngine,
  EnvValue,
  PodManagementPolicy,
  Probe,
  ServiceType,
  StatefulDatabase,
  StatefulUpdate,
  StatelessWebTier,
  VolumeAccessMode,
} from '../src';
import { database, envOf, postgres, problemsOf, render, workload } from './database-fixture';
import { all, chart, find, mainContainer, Manifest } from './util';

/** A clustered custom engine (replicas > 1 allowed). */
const etcd = () =>
  DatabaseEngine.custom({
    image: 'registry.k8s.io/etcd:3.5.15-0',
    port: 2379,
    dataPath: '/var/lib/etcd',
    readiness: Probe.httpGet('/readyz', { periodSeconds: 5 }),
    liveness: Probe.httpGet('/livez', { periodSeconds: 10 }),
  });
const STABLE_LABELS = {
  'app.kubernetes.io/name': 'db',
  'app.kubernetes.io/instance': 'db',
  'app.kubernetes.io/component': 'database',
  'app.kubernetes.io/managed-by': 'cdk8s-tiers',
};
/** The labels of a claim template: only those that can never change (claim templates are immutable). */
const CLAIM_LABELS = { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/managed-by': 'cdk8s-tiers' };
const pvc = (name: string, spec: Manifest) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, labels: CLAIM_LABELS },
  spec: { volumeMode: 'Filesystem', ...spec },
});
const SELECTOR = { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' };
const message = (build: (c: Chart) => void, namespace?: string) => problemsOf(build, namespace).join('\n');

describe('snapshots', () => {
  test('defaults', () => {
    const c = chart('shop');
    database(c);
    expect(render(c)).toMatchSnapshot();
  });

  test('every prop', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const c = chart('shop');
    new k8s.KubeServiceAccount(c, 'sa', { metadata: { name: 'orders-store', namespace: 'orders' }, automountServiceAccountToken: false });
    new StatefulDatabase(c, 'orders', {
      engine: etcd(),
      name: 'orders-store',
      namespace: 'orders',
      instance: 'orders-main',
      partOf: 'shop',
      version: '3.5.15',
      component: 'store',
      labels: { team: 'payments' },
      annotations: { 'example.com/owner': 'payments' },
      replicas: 3,
      podManagementPolicy: PodManagementPolicy.PARALLEL,
      updateStrategy: StatefulUpdate.rollingUpdate({ partition: 2 }),
      minReadySeconds: 30,
      revisionHistoryLimit: 5,
      terminationGracePeriodSeconds: 300,
      storage: '50Gi',
      storageClassName: 'fast-ssd',
      accessModes: [VolumeAccessMode.READ_WRITE_ONCE_POD],
      volumeClaims: [
        { name: 'wal', mountPath: '/var/lib/etcd-wal', storage: '5Gi', storageClassName: 'fast-ssd', accessModes: [VolumeAccessMode.READ_WRITE_ONCE] },
      ],
      claimRetention: { whenDeleted: ClaimRetention.DELETE, whenScaled: ClaimRetention.RETAIN },
      serviceType: ServiceType.NODE_PORT,
      servicePort: 12379,
      nodePort: 32379,
      env: { ETCD_QUOTA_BACKEND_BYTES: EnvValue.fromValue('4294967296') },
      args: ['--auto-compaction-retention=1'],
      writablePaths: ['/var/run/etcd'],
      readiness: Probe.httpGet('/readyz', { periodSeconds: 3 }),
      liveness: Probe.tcpSocket({ periodSeconds: 15 }),
      startup: Probe.httpGet('/livez', { failureThreshold: 30 }),
      resources: {
        cpuRequest: '500m',
        cpuLimit: '2',
        memoryRequest: '1Gi',
        memoryLimit: '2Gi',
        ephemeralStorageRequest: '256Mi',
        ephemeralStorageLimit: '2Gi',
      },
      security: { runAsUser: 20000, runAsGroup: 20000, fsGroup: 20001 },
      serviceAccountName: 'orders-store',
    });
    expect(render(c)).toMatchSnapshot();
    // the guardrails run at synth and say what was waived
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/waived policy\/retain-volumes on StatefulSet orders\/orders-store/));
    warn.mockRestore();
  });
});

describe('StatefulSet', () => {
  test('defaults: 1 replica, OrderedReady, rolling update from partition 0, 10s min ready, 10 revisions, 120s to shut down', () => {
    const c = chart();
    const db = database(c);
    const { sts, pod } = workload(render(c));
    expect(sts.spec).toMatchObject({
      replicas: 1,
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      minReadySeconds: 10,
      revisionHistoryLimit: 10,
      serviceName: 'db-headless',
      selector: { matchLabels: SELECTOR },
    });
    expect(pod.terminationGracePeriodSeconds).toBe(120);
    expect([db.replicas, db.podManagementPolicy, db.updateStrategy.type, db.updateStrategy.partition]).toEqual([
      1,
      PodManagementPolicy.ORDERED_READY,
      'RollingUpdate',
      0,
    ]);
    expect([db.minReadySeconds, db.revisionHistoryLimit, db.terminationGracePeriodSeconds]).toEqual([10, 10, 120]);
    expect(ApiObject.of(db)).toBe(db.statefulSet);
  });

  test('defaults: pod hardening shared with the web tier, no token, no service links, no spreading for one replica', () => {
    const c = chart();
    database(c);
    const { sts, pod, container } = workload(render(c));
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.securityContext.fsGroup).toBe(10001);
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.affinity).toBeUndefined();
    expect(sts.spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/default-container': 'db' });
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.resources).toEqual({
      requests: { cpu: '250m', memory: '512Mi', 'ephemeral-storage': '128Mi' },
      limits: { memory: '1Gi', 'ephemeral-storage': '1Gi' },
    });
  });

  test('can configure replicas, Parallel, partition, timings; several replicas spread and avoid each other', () => {
    const c = chart();
    new StatefulDatabase(c, 'db', {
      engine: etcd(),
      replicas: 3,
      podManagementPolicy: PodManagementPolicy.PARALLEL,
      updateStrategy: StatefulUpdate.rollingUpdate({ partition: 3 }),
      minReadySeconds: 0,
      revisionHistoryLimit: 1,
      terminationGracePeriodSeconds: 600,
    });
    const { sts, pod } = workload(render(c));
    expect(sts.spec).toMatchObject({
      replicas: 3,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } },
      minReadySeconds: 0,
      revisionHistoryLimit: 1,
    });
    expect(pod.terminationGracePeriodSeconds).toBe(600);
    expect(pod.topologySpreadConstraints.map((t: Manifest) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(pod.topologySpreadConstraints[0].matchLabelKeys).toBeUndefined();
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm).toEqual({
      topologyKey: 'kubernetes.io/hostname',
      labelSelector: { matchLabels: SELECTOR },
    });
  });

  test('can configure OnDelete updates (no rollingUpdate block)', () => {
    const c = chart();
    database(c, { updateStrategy: StatefulUpdate.onDelete() });
    expect(workload(render(c)).sts.spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  test('rejects a partition above replicas, and a negative one', () => {
    expect(message((c) => database(c, { updateStrategy: StatefulUpdate.rollingUpdate({ partition: 2 }) }))).toMatch(
      /updateStrategy.partition: got 2; must not exceed replicas \(1\)/,
    );
    expect(message((c) => database(c, { updateStrategy: StatefulUpdate.rollingUpdate({ partition: -1 }) }))).toMatch(
      /updateStrategy.partition: got -1; must be a whole number >= 0/,
    );
    expect(problemsOf((c) => database(c, { updateStrategy: StatefulUpdate.rollingUpdate({ partition: 1 }) }))).toEqual([]);
  });

  test('rejects bad replicas, policy, strategy and timings', () => {
    const m = message((c) =>
      database(c, {
        replicas: -1,
        podManagementPolicy: 'Sometimes' as PodManagementPolicy,
        updateStrategy: { type: 'Rolling' } as unknown as StatefulUpdate,
        minReadySeconds: 1.5,
        revisionHistoryLimit: -2,
        terminationGracePeriodSeconds: Number.NaN,
      }),
    );
    expect(m).toMatch(/replicas: got -1; must be a whole number >= 0/);
    expect(m).toMatch(/podManagementPolicy: got "Sometimes"; must be PodManagementPolicy.ORDERED_READY or PodManagementPolicy.PARALLEL/);
    expect(m).toMatch(/updateStrategy: got {"type":"Rolling"}; must be a StatefulUpdate/);
    expect(m).toMatch(/minReadySeconds: got 1.5; must be a whole number >= 0/);
    expect(m).toMatch(/revisionHistoryLimit: got -2;/);
    expect(m).toMatch(/terminationGracePeriodSeconds: got NaN;/);
  });
});

describe('name and identity', () => {
  test('defaults: the id names every object; labels and version from the image tag', () => {
    const c = chart();
    const db = database(c);
    const objects = render(c);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['StatefulSet/db', 'Service/db-headless', 'Service/db', 'NetworkPolicy/db']);
    expect(db.labels).toEqual({ ...STABLE_LABELS, 'app.kubernetes.io/version': '16.4' });
    expect(db.podSelectorLabels).toEqual(SELECTOR);
    for (const o of objects) expect(o.metadata.labels).toEqual(db.labels);
  });

  test('can configure name, instance, partOf, version, component, labels and annotations', () => {
    const c = chart();
    database(c, {
      name: 'orders-db',
      instance: 'orders',
      partOf: 'shop',
      version: '16',
      component: 'primary',
      labels: { team: 'a' },
      annotations: { 'example.com/x': 'y' },
    });
    const { sts } = workload(render(c), 'orders-db');
    expect(sts.metadata.labels).toEqual({
      team: 'a',
      'app.kubernetes.io/name': 'orders-db',
      'app.kubernetes.io/instance': 'orders',
      'app.kubernetes.io/component': 'primary',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/version': '16',
      'app.kubernetes.io/managed-by': 'cdk8s-tiers',
    });
    expect(sts.metadata.annotations).toEqual({ 'example.com/x': 'y' });
    expect(sts.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'orders-db', 'app.kubernetes.io/instance': 'orders' });
  });

  test('accepts a name of exactly 52 characters and rejects 53', () => {
    expect(problemsOf((c) => database(c, { name: `a${'b'.repeat(51)}` }))).toEqual([]);
    expect(message((c) => database(c, { name: `a${'b'.repeat(52)}` }))).toMatch(
      /name: got "ab{52}"; must be a DNS-1035 label of at most 52 characters \(the StatefulSet controller adds "-<hash>"/,
    );
  });

  test('rejects bad name, namespace, labels and identity values', () => {
    const m = message((c) => database(c, { name: '1db', namespace: 'Shop', instance: 'x'.repeat(64), labels: { 'bad key!': 'v' } }));
    expect(m).toMatch(/name: got "1db"; must be a DNS-1035 label/);
    expect(m).toMatch(/namespace: got "Shop"; must be a DNS-1123 label/);
    expect(m).toMatch(/instance: got "x{64}"; must be a label value/);
    expect(m).toMatch(/labels key: got "bad key!"/);
  });

  test('rejects an engine that is not a DatabaseEngine, and only that', () => {
    expect(problemsOf((c) => new StatefulDatabase(c, 'db', { engine: { kind: 'postgres' } as unknown as DatabaseEngine }))).toEqual([
      '[test/db] engine: got {"kind":"postgres"}; must be a DatabaseEngine. Fix: use DatabaseEngine.postgres({ version: \'16.4\' }), .mysql(...), .redis(...) or .custom(...)',
    ]);
  });

  test('reports every problem of one synth at once', () => {
    const problems = problemsOf((c) => new StatefulDatabase(c, 'db', { engine: DatabaseEngine.postgres({ version: '16' }), storage: '0', replicas: 10 }));
    expect(problems.map((m) => /\] (\w+(\.\w+)?):/.exec(m)?.[1])).toEqual(['secretName', 'engine.version', 'replicas', 'storage']);
  });
});

describe('volume claims', () => {
  test('defaults: one 10Gi ReadWriteOnce claim "data" with immutable labels only, written as stored (no GitOps diff), mounted at the data path', () => {
    const c = chart();
    const db = database(c, { labels: { team: 'a' }, partOf: 'shop' });
    const { sts, container } = workload(render(c));
    expect(sts.spec.volumeClaimTemplates).toEqual([pvc('data', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } })]);
    expect(container.volumeMounts[0]).toEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect([db.storage, db.storageClassName, db.accessModes]).toEqual(['10Gi', undefined, [VolumeAccessMode.READ_WRITE_ONCE]]);
  });

  test('defaults: the retention policy is written out, Retain and Retain', () => {
    const c = chart();
    const db = database(c);
    expect(workload(render(c)).sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect([db.whenDeleted, db.whenScaled]).toEqual([ClaimRetention.RETAIN, ClaimRetention.RETAIN]);
  });

  test('can ask for Delete by name, for each case separately; the choice waives the retain-volumes guardrail on the StatefulSet only', () => {
    const c = chart();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    database(c, { claimRetention: { whenScaled: ClaimRetention.DELETE } });
    const objects = render(c);
    expect(warn).toHaveBeenCalledWith(
      expect.stringMatching(/1 waived finding:\n.*waived policy\/retain-volumes on StatefulSet db: claimRetention asks for ClaimRetention.DELETE by name/),
    );
    warn.mockRestore();
    const { sts } = workload(objects);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Delete' });
    expect(sts.metadata.annotations).toEqual({
      'guardrails.cdk8s-tiers.io/waive': 'policy/retain-volumes=claimRetention asks for ClaimRetention.DELETE by name',
    });
    expect(find(objects, 'Service', 'db').metadata.annotations).toBeUndefined();
  });

  test("keeps the user's own waivers next to the Delete waiver", () => {
    const c = chart();
    jest.spyOn(console, 'warn').mockImplementationOnce(() => undefined);
    database(c, {
      claimRetention: { whenDeleted: ClaimRetention.DELETE },
      annotations: { 'guardrails.cdk8s-tiers.io/waive': 'policy/image-pull-policy=air-gapped mirror' },
    });
    expect(workload(render(c)).sts.metadata.annotations['guardrails.cdk8s-tiers.io/waive']).toBe(
      'policy/image-pull-policy=air-gapped mirror; policy/retain-volumes=claimRetention asks for ClaimRetention.DELETE by name',
    );
  });

  test('can configure size, class and access modes of the data claim', () => {
    const c = chart();
    database(c, { storage: '1.5Ti', storageClassName: 'fast-ssd', accessModes: [VolumeAccessMode.READ_WRITE_ONCE_POD] });
    expect(workload(render(c)).sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOncePod'],
      storageClassName: 'fast-ssd',
      volumeMode: 'Filesystem',
      resources: { requests: { storage: '1.5Ti' } },
    });
  });

  test('can bind to volumes without a class with storageClassName ""', () => {
    const c = chart();
    database(c, { storageClassName: '' });
    expect(workload(render(c)).sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBe('');
  });

  test('can add named claims, mounted by name; 1Gi ReadWriteOnce by default', () => {
    const c = chart();
    database(c, {
      volumeClaims: [
        { name: 'wal', mountPath: '/var/lib/postgresql/wal' },
        { name: 'archive', mountPath: '/archive', storage: '100Gi', storageClassName: 'cold', accessModes: [VolumeAccessMode.READ_WRITE_MANY] },
      ],
    });
    const { sts, container, pod } = workload(render(c));
    expect(sts.spec.volumeClaimTemplates.slice(1)).toEqual([
      pvc('wal', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }),
      pvc('archive', { accessModes: ['ReadWriteMany'], storageClassName: 'cold', resources: { requests: { storage: '100Gi' } } }),
    ]);
    expect(container.volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/lib/postgresql/data' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'var-run-postgresql', mountPath: '/var/run/postgresql' },
      { name: 'wal', mountPath: '/var/lib/postgresql/wal' },
      { name: 'archive', mountPath: '/archive' },
      { name: 'credentials', mountPath: '/etc/credentials', readOnly: true },
    ]);
    // claims are not pod volumes: the StatefulSet controller adds them
    expect(pod.volumes.map((v: Manifest) => v.name)).toEqual(['tmp', 'var-run-postgresql', 'credentials']);
  });

  test.each([
    ['"0"', '0'],
    ['a milli-quantity', '10m'],
    ['no quantity', 'ten gigs'],
    ['a negative size', '-1Gi'],
    ['below 1Mi', '1Ki'],
  ])('rejects storage: %s', (_what, storage) => {
    expect(message((c) => database(c, { storage }))).toMatch(/storage: got .*; must be a Kubernetes quantity of at least 1Mi/);
  });

  test('rejects bad class, access modes and retention', () => {
    const m = message((c) =>
      database(c, {
        storageClassName: 'Fast SSD',
        accessModes: [],
        claimRetention: { whenDeleted: 'Forget' as ClaimRetention },
      }),
    );
    expect(m).toMatch(/storageClassName: got "Fast SSD"; must be a StorageClass name/);
    expect(m).toMatch(/accessModes: got \[\]; must be a non-empty list of VolumeAccessMode values/);
    expect(m).toMatch(/claimRetention.whenDeleted: got "Forget"; must be ClaimRetention.RETAIN or ClaimRetention.DELETE/);
  });

  test('rejects claim names clashing with the data claim or a pod volume', () => {
    const m = message((c) =>
      database(c, {
        volumeClaims: [
          { name: 'data', mountPath: '/a' },
          { name: 'tmp', mountPath: '/b' },
          { name: 'var-run-postgresql', mountPath: '/c' },
        ],
      }),
    );
    expect(m).toMatch(/volumeClaims\[0\]: got "data"; the volume name is already used by the data claim/);
    expect(m).toMatch(/volumeClaims\[1\]: got "tmp"; the volume name is already used by writablePaths/);
    expect(m).toMatch(/volumeClaims\[2\]: got "var-run-postgresql"; the volume name is already used by writablePaths/);
  });

  test('rejects two claims of one name, a bad name, a relative or clashing mount path, and a bad size', () => {
    const m = message((c) =>
      database(c, {
        volumeClaims: [
          { name: 'wal', mountPath: '/wal' },
          { name: 'wal', mountPath: '/wal2' },
          { name: 'Logs', mountPath: 'logs' },
          { name: 'x', mountPath: '/var/lib/postgresql/data' },
          { name: 'y', mountPath: '/y', storage: '10m' },
        ],
      }),
    );
    expect(m).toMatch(/volumeClaims\[1\]: got "wal"; the volume name is already used by volumeClaims\[0\]/);
    expect(m).toMatch(/volumeClaims\[2\].name: got "Logs"; a claim template name must be a DNS-1123 label/);
    expect(m).toMatch(/volumeClaims\[2\].mountPath: got "logs"; must be an absolute path/);
    expect(m).toMatch(/volumeClaims\[3\]: got "\/var\/lib\/postgresql\/data"; container "db" already mounts a volume at that path/);
    expect(m).toMatch(/volumeClaims\[4\].storage: got "10m"; must be a Kubernetes quantity of at least 1Mi/);
  });
});

describe('writable paths, env, args, probes, resources, security', () => {
  test('can add writable paths; an engine path given again is not doubled', () => {
    const c = chart();
    database(c, { writablePaths: ['/var/run/postgresql', '/var/log/postgresql'] });
    const { pod } = workload(render(c));
    expect(pod.volumes.map((v: Manifest) => v.name)).toEqual(['tmp', 'var-run-postgresql', 'var-log-postgresql', 'credentials']);
  });

  test('rejects a writable path on the data path', () => {
    expect(message((c) => database(c, { writablePaths: ['/var/lib/postgresql/data'] }))).toMatch(
      /writablePaths: got "\/var\/lib\/postgresql\/data"; container "db" already mounts a volume at that path/,
    );
  });

  test("can add env and args after the engine's", () => {
    const c = chart();
    database(c, { env: { POSTGRES_INITDB_ARGS: EnvValue.fromValue('--data-checksums') }, args: ['-c', 'max_connections=200'] });
    const { container } = workload(render(c));
    expect(envOf(container).POSTGRES_INITDB_ARGS).toBe('--data-checksums');
    expect(container.env.map((e: Manifest) => e.name).slice(-1)).toEqual(['POSTGRES_INITDB_ARGS']);
    expect(container.args).toEqual(['-c', 'max_connections=200']);
  });

  test('rejects env that the engine sets, and literal credentials', () => {
    const m = message((c) => database(c, { env: { PGDATA: EnvValue.fromValue('/data'), REPLICATION_PASSWORD: EnvValue.fromValue('hunter2') } }));
    expect(m).toMatch(/env\["PGDATA"\]: got "PGDATA"; container "db" already has an environment variable of that name/);
    expect(m).toMatch(/env\["REPLICATION_PASSWORD"\]: got "\(literal value hidden\)"; "REPLICATION_PASSWORD" looks like a credential/);
    expect(m).not.toMatch(/hunter2/);
  });

  test('can override probes; they must still differ', () => {
    const c = chart();
    database(c, { readiness: Probe.tcpSocket({ periodSeconds: 3 }), liveness: Probe.exec(['true']), startup: Probe.tcpSocket({ failureThreshold: 100 }) });
    const { container } = workload(render(c));
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 'postgres' });
    expect(container.livenessProbe.exec.command).toEqual(['true']);
    expect(container.startupProbe.failureThreshold).toBe(100);
    const same = Probe.tcpSocket();
    expect(message((c2) => database(c2, { readiness: same, liveness: same }))).toMatch(/liveness: got "the same handler as readiness"/);
  });

  test('can configure resources and identity; rejects low ids and requests above limits', () => {
    const c = chart();
    new k8s.KubeServiceAccount(c, 'sa', { metadata: { name: 'db-sa' }, automountServiceAccountToken: false });
    database(c, { resources: { memoryRequest: '2Gi', memoryLimit: '4Gi' }, security: { runAsUser: 20000, runAsGroup: 20001 }, serviceAccountName: 'db-sa' });
    const { container, pod } = workload(render(c));
    expect(container.resources.requests.memory).toBe('2Gi');
    expect(container.resources.limits.memory).toBe('4Gi');
    expect(pod.securityContext).toMatchObject({ runAsUser: 20000, runAsGroup: 20001, fsGroup: 20001 });
    expect(pod.serviceAccountName).toBe('db-sa');
    const m = message((c2) => database(c2, { resources: { memoryRequest: '2Gi' }, security: { runAsUser: 999 }, serviceAccountName: 'Bad_SA' }));
    expect(m).toMatch(/resources.memoryRequest: got "2Gi"; must not exceed resources.memoryLimit \(1Gi\)/);
    expect(m).toMatch(/security.runAsUser: got 999; must be a whole number from 10000/);
    expect(m).toMatch(/serviceAccountName: got "Bad_SA"; must be a DNS-1123 subdomain/);
  });
});

describe('Secret', () => {
  test('rejects a Secret name that is not one', () => {
    const problems = problemsOf((c) => database(c, { secretName: 'DB Credentials' }));
    expect(problems).toEqual([expect.stringMatching(/secretName: got "DB Credentials"; must be a Secret name: a DNS-1123 subdomain/)]);
  });

  test('suggests a Secret name when it is missing', () => {
    expect(message((c) => new StatefulDatabase(c, 'orders', { engine: postgres() }))).toMatch(
      /with the keys "username", "password"; the library never writes secret values. Fix: .* set secretName: "orders-credentials"/,
    );
  });
});

describe('Services', () => {
  test('defaults: a headless governing Service publishing not-ready pods on named ports, and a ClusterIP client Service', () => {
    const c = chart();
    const db = database(c);
    const objects = render(c);
    expect(find(objects, 'Service', 'db-headless').spec).toEqual({
      type: 'ClusterIP',
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: SELECTOR,
      ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }],
    });
    expect(find(objects, 'Service', 'db').spec).toEqual({
      type: 'ClusterIP',
      selector: SELECTOR,
      ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }],
    });
    expect(workload(objects).sts.spec.serviceName).toBe(db.headlessServiceName);
    expect([db.headlessServiceName, db.serviceType, db.servicePort, db.nodePort]).toEqual(['db-headless', ServiceType.CLUSTER_IP, 5432, undefined]);
  });

  test('can configure the client Service port; the headless Service keeps the pod port', () => {
    const c = chart();
    database(c, { servicePort: 15432 });
    const objects = render(c);
    expect(find(objects, 'Service', 'db').spec.ports).toEqual([{ name: 'postgres', port: 15432, targetPort: 'postgres', protocol: 'TCP' }]);
    expect(find(objects, 'Service', 'db-headless').spec.ports[0].port).toBe(5432);
  });

  test('can publish on a node port, which lets traffic in from anywhere on the database port', () => {
    const c = chart();
    database(c, { serviceType: ServiceType.NODE_PORT, nodePort: 31432 });
    const objects = render(c);
    expect(find(objects, 'Service', 'db').spec).toMatchObject({ type: 'NodePort', ports: [{ nodePort: 31432, port: 5432 }] });
    expect(find(objects, 'NetworkPolicy', 'db').spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 5432 }] }]);
  });

  test('rejects a node port without NodePort, out of range, or taken by another tier', () => {
    expect(message((c) => database(c, { nodePort: 31432 }))).toMatch(
      /nodePort: got 31432; only a NodePort Service has a node port \(serviceType is ClusterIP\)/,
    );
    expect(message((c) => database(c, { serviceType: ServiceType.NODE_PORT, nodePort: 8080 }))).toMatch(
      /nodePort: got 8080; must be a node port from 30000 to 32767/,
    );
    const clash = problemsOf((c) => {
      database(c, { serviceType: ServiceType.NODE_PORT, nodePort: 30080 });
      new StatelessWebTier(c, 'front', { image: 'nginx:1.27.2', nodePort: 30080 });
    });
    expect(clash).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\[test\/db\] nodePort: got 30080; is also asked for by test\/front/),
        expect.stringMatching(/^\[test\/front\] nodePort: got 30080; is also asked for by test\/db/),
      ]),
    );
  });

  test('rejects bad service type and port', () => {
    const m = message((c) => database(c, { serviceType: 'LoadBalancer' as ServiceType, servicePort: 0 }));
    expect(m).toMatch(/serviceType: got "LoadBalancer"; must be ServiceType.CLUSTER_IP or ServiceType.NODE_PORT/);
    expect(m).toMatch(/servicePort: got 0; must be a port number/);
  });
});

describe('identity helpers', () => {
  test('host and replica names are fully qualified with the chart namespace', () => {
    const c = chart('shop');
    const db = new StatefulDatabase(c, 'orders-db', { engine: etcd(), replicas: 3 });
    expect(db.host).toBe('orders-db.shop.svc.cluster.local');
    expect([0, 1, 2].map((i) => db.replicaHost(i))).toEqual([
      'orders-db-0.orders-db-headless.shop.svc.cluster.local',
      'orders-db-1.orders-db-headless.shop.svc.cluster.local',
      'orders-db-2.orders-db-headless.shop.svc.cluster.local',
    ]);
    render(c);
  });

  test('the database namespace wins over the chart namespace; without any, names are relative', () => {
    const c = chart('shop');
    const own = database(c, { namespace: 'data' });
    expect(own.replicaHost(0)).toBe('db-0.db-headless.data.svc.cluster.local');
    expect(own.host).toBe('db.data.svc.cluster.local');
    const bare = database(chart());
    expect(bare.host).toBe('db');
    expect(bare.replicaHost(0)).toBe('db-0.db-headless');
  });

  test('the database alone is checked by the guardrails at synth too', () => {
    expect(problemsOf((c) => database(c, { serviceAccountName: 'missing' })).join('\n')).toMatch(
      /\[test\/db\/statefulset\] api\/references: StatefulSet db: refers to ServiceAccount "missing", which is not in the output/,
    );
  });

  test('rejects a replica that does not exist', () => {
    const m = message((c) => database(c).replicaHost(1));
    expect(m).toMatch(/replicaHost\(1\): got 1; must be a whole number from 0 to 0. Fix: ask for a replica from 0 to 0 \(replicas is 1\)/);
    expect(message((c) => database(c).replicaHost(-1))).toMatch(/replicaHost\(-1\)/);
  });
});

describe('NetworkPolicy and PodDisruptionBudget', () => {
  test('defaults: nobody may connect until a tier is connected; egress to DNS only; no budget for one replica', () => {
    const c = chart();
    const db = database(c);
    const objects = render(c);
    const policy = find(objects, 'NetworkPolicy', 'db');
    expect(policy.spec.podSelector).toEqual({ matchLabels: SELECTOR });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress).toEqual([
      {
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      },
    ]);
    expect(all(objects, 'PodDisruptionBudget')).toEqual([]);
    expect(db.podDisruptionBudget).toBeUndefined();
  });

  test('several replicas: a budget of one that protects a healthy quorum, and traffic between the replicas', () => {
    const c = chart();
    new StatefulDatabase(c, 'db', { engine: etcd(), replicas: 3 });
    const objects = render(c);
    expect(find(objects, 'PodDisruptionBudget', 'db').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: SELECTOR },
      unhealthyPodEvictionPolicy: 'IfHealthyBudget',
    });
    const policy = find(objects, 'NetworkPolicy', 'db').spec;
    expect(policy.ingress).toEqual([{ from: [{ podSelector: { matchLabels: SELECTOR } }], ports: [{ protocol: 'TCP', port: 2379 }] }]);
    expect(policy.egress[1]).toEqual({ to: [{ podSelector: { matchLabels: SELECTOR } }], ports: [{ protocol: 'TCP', port: 2379 }] });
  });

  test('can let the database out to a peer (e.g. a backup target); rejects a bad port', () => {
    const c = chart();
    const db = database(c);
    const store = new StatelessWebTier(c, 'store', { image: 'minio/minio:RELEASE.2024-01-01T00-00-00Z', port: 9000, serviceType: ServiceType.CLUSTER_IP });
    db.allowEgressTo(store, 9000);
    const egress = find(render(c), 'NetworkPolicy', 'db').spec.egress;
    expect(egress[1]).toEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'store', 'app.kubernetes.io/instance': 'store' } } }],
      ports: [{ protocol: 'TCP', port: 9000 }],
    });
    expect(message((c2) => database(c2).allowEgressTo(new StatelessWebTier(c2, 'x', { image: 'a/b:1.0.0' }), 0))).toMatch(
      /allowEgressTo\(test\/x\) port: got 0/,
    );
  });
});

describe('wiring a web tier to the database', () => {
  const WEB = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' };

  test('web.connectTo(db): env on the web container, ingress on the database from the web pods only, egress from the web pods', () => {
    const c = chart('shop');
    const db = database(c, { name: 'orders-db' });
    const api = new StatelessWebTier(c, 'api', { image: 'example/api:1.2.3', serviceType: ServiceType.CLUSTER_IP });
    const connection = api.connectTo(db);
    const objects = render(c);

    expect(mainContainer(find(objects, 'Deployment', 'api')).env).toEqual([
      { name: 'ORDERS_DB_HOST', value: 'orders-db.shop.svc.cluster.local' },
      { name: 'ORDERS_DB_PORT', value: '5432' },
      { name: 'ORDERS_DB_USER', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'username' } } },
      { name: 'ORDERS_DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'password' } } },
      { name: 'ORDERS_DB_NAME', value: 'orders_db' },
    ]);
    expect(find(objects, 'NetworkPolicy', 'orders-db').spec.ingress).toEqual([
      { from: [{ podSelector: { matchLabels: WEB } }], ports: [{ protocol: 'TCP', port: 5432 }] },
    ]);
    expect(find(objects, 'NetworkPolicy', 'api').spec.egress).toEqual([
      expect.objectContaining({
        ports: [
          { protocol: 'UDP', port: 53 },
          { protocol: 'TCP', port: 53 },
        ],
      }),
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders-db', 'app.kubernetes.io/instance': 'orders-db' } } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
    ]);
    expect(connection).toMatchObject({ host: 'orders-db.shop.svc.cluster.local', port: 5432, podPort: 5432 });
    expect(Object.keys(connection.env)).toEqual(['USER', 'PASSWORD', 'NAME']);
  });

  test('the client port is the Service port, the egress rule the pod port; a prefix can be chosen', () => {
    const c = chart();
    database(c, { servicePort: 15432 });
    const api = new StatelessWebTier(c, 'api', { image: 'example/api:1.2.3' });
    api.connectTo(c.node.findChild('db') as StatefulDatabase, { envPrefix: 'PG' });
    const objects = render(c);
    expect(envOf(mainContainer(find(objects, 'Deployment', 'api')))).toMatchObject({
      PG_HOST: 'db',
      PG_PORT: '15432',
      PG_USER: 'secret:db-credentials/username',
    });
    expect(find(objects, 'NetworkPolicy', 'api').spec.egress[1].ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
  });

  test('a client in another namespace is let in by namespace and pod labels', () => {
    const app = chart('data');
    const db = database(app);
    const web = new StatelessWebTier(new Chart(app.node.root, 'web', { namespace: 'shop' }), 'api', { image: 'example/api:1.2.3' });
    web.connectTo(db);
    expect(find(render(app), 'NetworkPolicy', 'db').spec.ingress[0].from).toEqual([
      {
        podSelector: { matchLabels: WEB },
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
      },
    ]);
  });

  test('redis gives clients the password only; two clients get two rules', () => {
    const c = chart();
    const cache = database(c, { engine: DatabaseEngine.redis({ version: '7.4.1' }) }, 'cache');
    const a = new StatelessWebTier(c, 'a', { image: 'example/a:1.0.0' });
    const b = new StatelessWebTier(c, 'b', { image: 'example/b:1.0.0' });
    a.connectTo(cache);
    b.connectTo(cache);
    const objects = render(c);
    expect(envOf(mainContainer(find(objects, 'Deployment', 'a')))).toEqual({
      CACHE_HOST: 'cache',
      CACHE_PORT: '6379',
      CACHE_PASSWORD: 'secret:db-credentials/password',
    });
    expect(find(objects, 'NetworkPolicy', 'cache').spec.ingress.map((r: Manifest) => r.from[0].podSelector.matchLabels['app.kubernetes.io/name'])).toEqual([
      'a',
      'b',
    ]);
  });

  test('rejects connecting twice with one prefix', () => {
    expect(
      message((c) => {
        const db = database(c);
        const api = new StatelessWebTier(c, 'api', { image: 'example/api:1.2.3' });
        api.connectTo(db);
        api.connectTo(db);
      }),
    ).toMatch(/connectTo\(test\/db\).env: got "DB_HOST"; container "api" already has an environment variable of that name/);
  });
});

describe('output', () => {
  test('is byte-identical run after run, with no undefined, null or NaN', () => {
    const build = () => {
      const c = chart('shop');
      const db = database(c, { volumeClaims: [{ name: 'wal', mountPath: '/wal' }] });
      new StatelessWebTier(c, 'api', { image: 'example/api:1.2.3' }).connectTo(db);
      return JSON.stringify(render(c));
    };
    const first = build();
    expect(build()).toBe(first);
    expect(first).not.toMatch(/undefined|null|NaN/);
  });
});
