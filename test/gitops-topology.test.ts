/**
 * The topology diagram in each environment's README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { folderFiles, renderFolder } from '../src/gitops/_render';
import { topology } from '../src/gitops/_topology';
import { Manifest } from './util';
import { shopApp, tempDir } from './gitops-fixture';

const meta = (name: string, extra: Manifest = {}) => ({ name, namespace: 'data', ...extra });
const pod = (labels: Manifest, container: Manifest) => ({ metadata: { labels }, spec: { containers: [container] } });
const WEB_LABELS = { app: 'web' };
const DB_LABELS = { app: 'db' };

/** A web Deployment connected to a PostgreSQL StatefulSet with a headless Service and claims, fenced by NetworkPolicies. */
const STATEFUL: Manifest[] = [
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('web'),
    spec: { type: 'NodePort', selector: WEB_LABELS, ports: [{ port: 80, targetPort: 'http', nodePort: 30090 }] },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta('db'),
    spec: { clusterIP: 'None', selector: DB_LABELS, ports: [{ port: 5432, targetPort: 'postgres' }] },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('web'),
    spec: {
      replicas: 2,
      selector: { matchLabels: WEB_LABELS },
      template: pod(WEB_LABELS, {
        name: 'web',
        ports: [{ name: 'http', containerPort: 8080 }],
        env: [
          { name: 'DB_HOST', value: 'db.data.svc.cluster.local' },
          { name: 'DB_PORT', value: '5432' },
        ],
      }),
    },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta('db'),
    spec: {
      replicas: 3,
      serviceName: 'db',
      selector: { matchLabels: DB_LABELS },
      template: pod(DB_LABELS, { name: 'db', ports: [{ name: 'postgres', containerPort: 5432 }] }),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { resources: { requests: { storage: '20Gi' } } } }],
    },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('web'),
    spec: {
      podSelector: { matchLabels: WEB_LABELS },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ protocol: 'TCP', port: 8080 }] }],
      egress: [{ to: [{ podSelector: { matchLabels: DB_LABELS } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('db'),
    spec: {
      podSelector: { matchLabels: DB_LABELS },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: WEB_LABELS } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
      egress: [],
    },
  },
];

test('NodePort Service → pods ← ReplicaSet ← Deployment; headless Service → StatefulSet pods → claims; web → db', () => {
  const diagram = topology(STATEFUL);
  expect(diagram).toMatchSnapshot();
  const lines = diagram.split('\n').map((l) => l.trim());
  expect(lines).toEqual(
    expect.arrayContaining([
      'ext -->|"node port 30090"| svc_data_web',
      'svc_data_web -->|"80 → http"| pods_data_web',
      'deployment_data_web -.->|"owns"| rs_data_web',
      'rs_data_web -.->|"owns"| pods_data_web',
      'svc_data_db -->|"stable DNS per pod"| pods_data_db',
      'statefulset_data_db -.->|"owns"| pods_data_db',
      'pods_data_db -.->|"claims"| pvc_data_db_data',
      'pvc_data_db_data[("PVC data-db-0 … data-db-2<br/>20Gi each")]',
      'pods_data_web -->|"DB_HOST"| svc_data_db',
      'pods_data_web ==>|"TCP 5432"| pods_data_db',
      'ext ==>|"TCP 8080"| pods_data_web',
    ]),
  );
});

test('a peer that selects every pod becomes one "any pod" node, not an edge from each pod', () => {
  const open = STATEFUL.map((o) =>
    o.kind === 'NetworkPolicy' && o.metadata.name === 'db'
      ? {
          ...o,
          spec: {
            ...o.spec,
            ingress: [
              {
                from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
                ports: [{ protocol: 'TCP', port: 9187 }],
              },
            ],
          },
        }
      : o,
  );
  const diagram = topology(open);
  expect(diagram).toContain('any_any_pod_in_data(["any pod in data"])');
  expect(diagram).toContain('any_any_pod_in_data ==>|"TCP 9187"| pods_data_db');
  expect(diagram).toContain('any_any_pod_in_monitoring ==>|"TCP 9187"| pods_data_db');
  expect(diagram).not.toContain('pods_data_web ==>|"TCP 9187"|');
});

test('a NetworkPolicy edge needs the egress of the source too', () => {
  const noEgress = STATEFUL.map((o) => (o.kind === 'NetworkPolicy' && o.metadata.name === 'web' ? { ...o, spec: { ...o.spec, egress: [] } } : o));
  expect(topology(noEgress)).not.toContain('pods_data_web ==>');
  expect(topology(STATEFUL)).toContain('pods_data_web ==>');
});

// was a bug: an empty selector map drew the Service's traffic to every pod of the namespace
test('a Service with an empty selector sends its traffic to no pod (its endpoints are managed elsewhere)', () => {
  const external = { apiVersion: 'v1', kind: 'Service', metadata: meta('external'), spec: { selector: {}, ports: [{ port: 9, targetPort: 9 }] } };
  const diagram = topology([...STATEFUL, external]);
  expect(diagram).toContain('svc_data_external{{"Service external<br/>ClusterIP"}}');
  expect(diagram).not.toMatch(/svc_data_external -->/);
  expect(topology([...STATEFUL, { ...external, spec: { ...external.spec, selector: WEB_LABELS } }])).toContain('svc_data_external -->|"9 → 9"| pods_data_web');
});

test('NetworkPolicy selectors: matchExpressions pick the pods; an absent podSelector is every pod of the namespace', () => {
  const withPolicy = (spec: Manifest) =>
    topology([...STATEFUL.filter((o) => o.kind !== 'NetworkPolicy'), { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('p'), spec }]);
  const ingress = [{ ports: [{ protocol: 'TCP', port: 7 }] }];
  const byExpression = withPolicy({
    podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] },
    policyTypes: ['Ingress'],
    ingress,
  });
  expect(byExpression).toContain('ext ==>|"TCP 7"| pods_data_db');
  expect(byExpression).not.toContain('ext ==>|"TCP 7"| pods_data_web');
  const everyPod = withPolicy({ policyTypes: ['Ingress'], ingress });
  expect(everyPod).toContain('ext ==>|"TCP 7"| pods_data_db');
  expect(everyPod).toContain('ext ==>|"TCP 7"| pods_data_web');
});

test('a claim of its own (a PersistentVolumeClaim object) gets one edge from each workload that mounts it, even twice', () => {
  const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('shared'), spec: { resources: { requests: { storage: '1Gi' } } } };
  const mounting = (name: string, volumes: Manifest[]) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name),
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name }], volumes } } },
  });
  const volume = (name: string) => ({ name, persistentVolumeClaim: { claimName: 'shared' } });
  const lines = topology([claim, mounting('a', [volume('one'), volume('two')]), mounting('b', [{ name: 'tmp', emptyDir: {} }]), mounting('c', [volume('one')])])
    .split('\n')
    .map((l) => l.trim());
  expect(lines).toContain('pvc_data_shared[("PVC shared<br/>1Gi")]');
  expect(lines.filter((l) => l.endsWith('pvc_data_shared'))).toEqual([
    'pods_data_a -.->|"claims"| pvc_data_shared',
    'pods_data_c -.->|"claims"| pvc_data_shared',
  ]);
});

test('NetworkPolicy peers in other namespaces (namespaceSelector) and address blocks; a named port in the egress of the source', () => {
  const inNs = (ns: string, o: Manifest) => ({ ...o, metadata: { ...o.metadata, namespace: ns } });
  const web = STATEFUL.find((o) => o.kind === 'Deployment')!;
  const webPolicy = STATEFUL.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'web')!;
  const objects = [
    ...STATEFUL.filter((o) => o.kind !== 'NetworkPolicy'),
    inNs('front', web),
    // the web pods in "front" may reach the db on its named port only; those in "data" may not leave their namespace
    inNs('front', {
      ...webPolicy,
      spec: { ...webPolicy.spec, egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: DB_LABELS } }], ports: [{ port: 'postgres' }] }] },
    }),
    { ...webPolicy, spec: { ...webPolicy.spec, egress: [{ to: [{ podSelector: {} }] }] } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('db'),
      spec: {
        podSelector: { matchLabels: DB_LABELS },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'front' } }, podSelector: { matchLabels: WEB_LABELS } },
              { ipBlock: { cidr: '10.0.0.0/8' } },
            ],
            ports: [{ protocol: 'TCP', port: 5432 }],
          },
        ],
      },
    },
  ];
  const lines = topology(objects)
    .split('\n')
    .map((l) => l.trim());
  expect(lines.filter((l) => l.includes('==>') && l.endsWith('pods_data_db'))).toEqual([
    'pods_front_web ==>|"TCP 5432"| pods_data_db',
    'ext ==>|"TCP 5432 from 10.0.0.0/8"| pods_data_db',
  ]);
});

test("a Service's edges carry each label once, in the order of its ports (a node port or a port pair given twice)", () => {
  const web = STATEFUL[0];
  const ports = [
    { port: 80, targetPort: 'http', nodePort: 30090 },
    { port: 80, targetPort: 'http', nodePort: 30090 },
    { port: 443, targetPort: 'https' },
  ];
  const lines = topology([{ ...web, spec: { ...web.spec, ports } }, ...STATEFUL.slice(1)])
    .split('\n')
    .map((l) => l.trim());
  expect(lines.filter((l) => l.includes('svc_data_web') && l.includes('-->'))).toEqual([
    'ext -->|"node port 30090, node port (any)"| svc_data_web',
    'svc_data_web -->|"80 → http, 443 → https"| pods_data_web',
  ]);
  // without ports: a node of the Service, and no edge
  expect(topology([{ ...web, spec: { ...web.spec, ports: [] } }])).not.toContain('svc_data_web -->');
});

test('a selector picks the pods that match among those with its first label, or among all (only matchExpressions, or every pod)', () => {
  const deployment = (name: string, labels: Manifest) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name),
    spec: { template: { metadata: { labels }, spec: { containers: [{ name }] } } },
  });
  const service = (selector: Manifest) => ({ apiVersion: 'v1', kind: 'Service', metadata: meta('s'), spec: { selector, ports: [{ port: 1 }] } });
  const policy = (podSelector: Manifest) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('p'),
    spec: { podSelector, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 7 }] }] },
  });
  const targets = (objects: Manifest[], arrow: string) =>
    topology(objects)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.includes(arrow))
      .map((l) => l.slice(l.lastIndexOf(' ') + 1));
  const tiers = (...tierOf: (string | undefined)[]) => tierOf.map((tier, i) => deployment(`d${i}`, tier === undefined ? { app: 'db' } : { app: 'db', tier }));
  const untiered = { matchLabels: { app: 'db' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] };
  // the ones that match first, last, in between, all or none of the candidates
  expect(targets([...tiers('x', undefined, undefined), policy(untiered)], '==>')).toEqual(['pods_data_d1', 'pods_data_d2']);
  expect(targets([...tiers(undefined, 'x', undefined), policy(untiered)], '==>')).toEqual(['pods_data_d0', 'pods_data_d2']);
  expect(targets([...tiers(undefined, undefined, 'x'), policy(untiered)], '==>')).toEqual(['pods_data_d0', 'pods_data_d1']);
  expect(targets([...tiers(undefined, undefined), policy(untiered)], '==>')).toEqual(['pods_data_d0', 'pods_data_d1']);
  expect(targets([...tiers('x', 'y'), policy(untiered)], '==>')).toEqual([]);
  // no label to look candidates up by: every group of the namespace is one
  const other = deployment('other', { team: 'a' });
  const onlyExpressions = { matchExpressions: [{ key: 'tier', operator: 'In', values: ['x', 'y'] }] };
  expect(targets([other, ...tiers('x', undefined, 'y'), policy(onlyExpressions)], '==>')).toEqual(['pods_data_d0', 'pods_data_d2']);
  expect(targets([other, ...tiers('x'), policy({})], '==>')).toEqual(['pods_data_other', 'pods_data_d0']);
  expect(targets([other, ...tiers('x'), { ...policy({}), spec: { policyTypes: ['Ingress'], ingress: [{}] } }], '==>')).toEqual([
    'pods_data_other',
    'pods_data_d0',
  ]);
  // a Service's map selector: every entry must match, the first one finds the candidates
  expect(targets([...tiers('x', undefined, 'x'), service({ app: 'db', tier: 'x' })], '-->')).toEqual(['pods_data_d0', 'pods_data_d2']);
  expect(targets([...tiers('x', undefined, 'x'), service({ tier: 'x', app: 'web' })], '-->')).toEqual([]);
});

test('env values find a Service by its host names also when its name or namespace is no legal name (a dot, a slash)', () => {
  const service = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: {} });
  const client = (namespace: string, ...values: string[]) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'client', namespace },
    spec: { template: { metadata: { labels: WEB_LABELS }, spec: { containers: [{ name: 'c', env: values.map((value, i) => ({ name: `E${i}`, value })) }] } } },
  });
  const connections = (objects: Manifest[]) =>
    topology(objects)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('pods_') && l.includes('-->'));
  expect(connections([service('a.b', 'c'), service('db', 'c'), client('c', 'a.b.c', 'a.b.c.svc', 'db', 'x')])).toEqual([
    'pods_c_client -->|"E0, E1"| svc_c_a_b',
    'pods_c_client -->|"E2"| svc_c_db',
  ]);
  expect(connections([service('x', 'p/q'), client('p/q', 'x', 'x.p/q')])).toEqual(['pods_p_q_client -->|"E0, E1"| svc_p_q_x']);
  // a plain Service that no value names, next to one that is named
  expect(connections([service('api', 'c'), service('db', 'c'), client('c', 'db.c.svc.cluster.local', 'c/api.x')])).toEqual([
    'pods_c_client -->|"E0"| svc_c_db',
  ]);
});

test('is deterministic and independent of the input order of objects', () => {
  expect(topology(STATEFUL)).toBe(topology(STATEFUL));
  const shuffled = [...STATEFUL].reverse();
  const edges = (d: string) =>
    d
      .split('\n')
      .filter((l) => l.includes('->') || l.includes('==>'))
      .sort();
  expect(edges(topology(shuffled))).toEqual(edges(topology(STATEFUL)));
});

test('escapes quotes and angle brackets in names and values', () => {
  const template = { metadata: { labels: WEB_LABELS }, spec: { containers: [{ name: 'web' }], volumes: [{ name: 'c', configMap: { name: 'a"b<c>' } }] } };
  const odd: Manifest[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('a"b<c>') },
    { ...STATEFUL[2], spec: { ...STATEFUL[2].spec, template } },
  ];
  expect(topology(odd)).toContain('cm_data_a_b_c_[/"ConfigMap a#quot;b#lt;c#gt;"/]');
});

test('each environment README shows its diagram and lists its objects', () => {
  const dir = path.join(tempDir(), 'dist');
  try {
    shopApp({ outdir: dir }).synth();
    const readme = fs.readFileSync(path.join(dir, 'prod', 'README.md'), 'utf8');
    expect(readme).toMatchSnapshot();
    expect(readme).toContain('```mermaid\nflowchart LR\n');
    expect(readme).toContain('hpa_shop_prod_api -.->|"scales 3 to 12"| deployment_shop_prod_api');
    expect(readme).toContain('pods_shop_prod_front -->|"API_HOST"| svc_shop_prod_api');
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

test('a role label names a role only when it is one the library writes (not a name an object inherits, like "constructor")', () => {
  const withRole = (role: string): Manifest[] => {
    const db = STATEFUL[3];
    const labels = { ...DB_LABELS, 'cdk8s-tiers/role': role };
    return [
      ...STATEFUL.slice(0, 3),
      { ...db, spec: { ...db.spec, template: pod(labels, { name: 'db', ports: [{ name: 'postgres', containerPort: 5432 }] }) } },
    ];
  };
  expect(topology(withRole('replica'))).toContain('read replicas');
  for (const role of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    const text = topology(withRole(role));
    expect(text).not.toMatch(/function|native code|\[object/);
    expect(text).toBe(topology(withRole('none')));
  }
});

/** Every kind the diagram draws, with the fields it reads: init containers, env from ConfigMaps, roles, every peer form. */
const RICH: Manifest[] = [
  ...STATEFUL,
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('settings'), data: { a: 'b' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('extra') },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta('shared'), spec: { resources: { requests: { storage: '1Gi' } } } },
  { apiVersion: 'v1', kind: 'Secret', metadata: meta('creds'), stringData: { password: 'x' } },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: meta('web'),
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5 },
  },
  ...['DaemonSet', 'ReplicaSet', 'Job'].map((kind) => ({
    apiVersion: kind === 'Job' ? 'batch/v1' : 'apps/v1',
    kind,
    metadata: meta(kind.toLowerCase()),
    spec: {
      replicas: 2,
      template: {
        metadata: {
          labels: {
            app: kind,
            'cdk8s-tiers/role': kind === 'DaemonSet' ? 'primary' : 'replica',
            'app.kubernetes.io/name': 'db',
            'app.kubernetes.io/instance': 'i',
          },
        },
        spec: {
          volumes: [
            { name: 'c', configMap: { name: 'settings' } },
            { name: 'p', persistentVolumeClaim: { claimName: 'shared' } },
          ],
          initContainers: [{ name: 'init', env: [{ name: 'WAIT_FOR', value: 'db' }], envFrom: [{ configMapRef: { name: 'extra' } }] }],
          containers: [
            {
              name: 'main',
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [
                { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'a' } } },
                { name: 'DB', value: 'db.data' },
              ],
            },
          ],
        },
      },
    },
  })),
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta('open'),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            { podSelector: {} },
            { namespaceSelector: {}, podSelector: {} },
            { namespaceSelector: { matchLabels: { team: 'a' } } },
            { ipBlock: { cidr: '10.0.0.0/8' } },
          ],
        },
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { app: 'Job' } } }],
          ports: [{ port: 'http' }],
        },
      ],
      egress: [{ to: [{ podSelector: { matchLabels: WEB_LABELS } }], ports: [{ protocol: 'UDP', port: 53 }, { port: 'http' }] }],
    },
  },
];

/** Every path below `v` (objects and arrays), the empty one first. */
function pathsOf(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...at, k]));
  return out;
}

/** `o` with the value at `at` replaced (a copy of what lies on the way). */
function replaced(o: unknown, at: (string | number)[], value: unknown): unknown {
  if (at.length === 0) return value;
  const copy: Manifest = Array.isArray(o) ? [...o] : { ...(o as Manifest) };
  copy[at[0]] = replaced(copy[at[0]], at.slice(1), value);
  return copy;
}

test('the diagram draws objects with any field odd or missing: it does not fail, and prints no JavaScript value of its own', () => {
  expect(topology(RICH)).toContain('cm_data_extra[/"ConfigMap extra"/]');
  expect(topology(RICH)).toContain('pods_data_job -.->|"replicates from"|');
  // text that only a JavaScript value turned into a string would print
  const jsValue = /undefined|null|NaN|\[object|function/;
  expect(jsValue.test(topology(RICH))).toBe(false);
  let compared = 0;
  for (let i = 0; i < RICH.length; i++) {
    for (const at of pathsOf(RICH[i])) {
      for (const odd of [undefined, null, 'x', 7, [], {}, [null, 'y']]) {
        const objects = RICH.map((o, j) => (j === i ? (replaced(o, at, odd) as Manifest) : o)).filter((o) => o !== undefined && o !== null);
        if (objects.some((o) => typeof o !== 'object' || Array.isArray(o))) continue;
        expect([i, at, odd, jsValue.test(topology(objects))]).toEqual([i, at, odd, false]);
        compared++;
      }
    }
  }
  expect(compared).toBeGreaterThan(2000);
});

test('a synth writes each README from the objects it writes: its diagram and count are those of the written files', () => {
  const dir = path.join(tempDir(), 'dist');
  try {
    shopApp({ outdir: dir }).synth();
    for (const env of ['dev', 'prod']) {
      const files = fs.readdirSync(path.join(dir, env)).filter((f) => f !== 'README.md' && f !== 'kustomization.yaml');
      const kustomization = fs.readFileSync(path.join(dir, env, 'kustomization.yaml'), 'utf8');
      const order = [...kustomization.matchAll(/^ {2}- (.*)$/gm)].map((m) => m[1]);
      expect([...order].sort()).toEqual([...files].sort());
      const objects = order.map((f) => parseAllDocuments(fs.readFileSync(path.join(dir, env, f), 'utf8'))[0].toJS() as Manifest);
      const readme = fs.readFileSync(path.join(dir, env, 'README.md'), 'utf8');
      expect(readme).toContain(`\`\`\`mermaid\n${topology(objects)}\`\`\``);
      expect(readme).toContain(`${objects.length} objects;`);
    }
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

test('node ids: each run of characters other than letters and digits becomes one "_", at either end too', () => {
  for (const name of ['-a--b-', 'x', '日本', 'a\u{1F600}b', '..', 'a_b']) {
    const template = { metadata: { labels: WEB_LABELS }, spec: { containers: [{ name: 'web' }], volumes: [{ name: 'c', configMap: { name } }] } };
    const diagram = topology([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(name) },
      { ...STATEFUL[2], spec: { ...STATEFUL[2].spec, template } },
    ]);
    expect(diagram).toContain(`\n    ${`cm_data_${name}`.replace(/[^A-Za-z0-9]+/g, '_')}[/"ConfigMap ${name}"/]`);
  }
  expect(topology([{ apiVersion: 'v1', kind: 'Service', metadata: meta('-a--b-'), spec: {} }])).toContain('svc_data_a_b_{{"Service -a--b-<br/>ClusterIP"}}');
});

test('node ids: runs of other characters join across namespace, name and claim (each made id text once)', () => {
  const idOf = (...parts: string[]) => parts.join('_').replace(/[^A-Za-z0-9]+/g, '_');
  for (const namespace of ['data', '-n-', '_', 'a.b', '']) {
    for (const name of ['db', '-a-', '', '.']) {
      for (const claim of ['data', '', '-c']) {
        const set = {
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name, namespace },
          spec: {
            template: { metadata: { labels: DB_LABELS }, spec: { containers: [{ name: 'db' }] } },
            volumeClaimTemplates: [{ metadata: { name: claim } }],
          },
        };
        const head = (prefix: string) => idOf(prefix, ...[namespace, name].filter((x) => x !== ''));
        const lines = topology([set, { ...set, spec: { ...set.spec, volumeClaimTemplates: [] } }])
          .split('\n')
          .map((l) => l.trim());
        expect([namespace, name, claim, lines.filter((l) => l.includes('-.->'))]).toEqual([
          namespace,
          name,
          claim,
          [
            `${head('statefulset')} -.->|"owns"| ${head('pods')}`,
            `${head('pods')} -.->|"claims"| ${idOf('pvc', ...(namespace ? [namespace] : []), name, claim)}`,
            `${head('statefulset')}_2 -.->|"owns"| ${head('pods')}_2`,
          ],
        ]);
      }
    }
  }
});

test('a folder gives its other files first, then lets go of each object as its file is read, keeping its file name', () => {
  const problems: string[] = [];
  const folder = renderFolder(
    'data',
    RICH.map((object, i) => ({ path: `app/data/o${i}`, object })),
    problems,
  );
  expect(problems).toEqual([]);
  const files = folderFiles(folder);
  expect(files.next().value?.[0]).toBe('kustomization.yaml');
  expect(folder.objects).toHaveLength(RICH.length); // held while the files made from them are read
  const first = files.next();
  expect(first.value?.[0]).toBe('service-data-web.yaml');
  expect(folder.listed).toEqual([]); // kept once the reader has taken the file and asks for the next
  expect(folder.objects).toEqual([]); // the folder holds none of them now: only the file being read
  let read = 1;
  let previous = first.value![0];
  for (const [name] of files) {
    read++;
    expect(folder.listed).toHaveLength(read - 1);
    expect(folder.listed[read - 2]).toBe(previous); // the file just read, kept by name
    previous = name;
  }
  expect(read).toBe(RICH.length);
  expect(folder.listed[0]).toBe('service-data-web.yaml');
  expect(folder.listed).toContain('secret-data-creds.yaml');
});
