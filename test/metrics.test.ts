/**
 * Metrics of both tiers: the engine's exporter as a sidecar of a database, a
 * web tier's own or a sidecar's port; the metrics Service, the scrapers'
 * NetworkPolicy ingress and the ServiceMonitor. In threes: defaults, can
 * configure, rejects.
 */
import { Chart } from 'cdk8s';
import {
  DatabaseEngine,
  DatabaseMetrics,
  DatabaseMetricsOptions,
  Probe,
  ServiceType,
  StatelessWebTier,
  StatelessWebTierProps,
  WebMetrics,
  WebMetricsOptions,
} from '../src';
import { customEngine, database, envOf, problemsOf, render } from './database-fixture';
import { all, chart, find, Manifest } from './util';

const MONITORING = { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } };
const dbMetrics = (o: Partial<DatabaseMetricsOptions> = {}) => DatabaseMetrics.prometheus({ scrapedBy: MONITORING, ...o });
const webMetrics = (o: Partial<WebMetricsOptions> = {}) => WebMetrics.prometheus({ scrapedBy: MONITORING, ...o });

const ENGINES: Array<[string, () => DatabaseEngine, { image: string; port: number; env: Record<string, string>; args: string[] }]> = [
  [
    'postgres',
    () => DatabaseEngine.postgres({ version: '16.4', database: 'shop' }),
    {
      image: 'quay.io/prometheuscommunity/postgres-exporter:v0.16.0',
      port: 9187,
      env: {
        DATA_SOURCE_URI: '127.0.0.1:5432/shop?sslmode=disable',
        PGUSER: 'secret:db-credentials/username',
        PGPASSWORD: 'secret:db-credentials/password',
      },
      args: ['--web.listen-address=:9187'],
    },
  ],
  [
    'mysql',
    () => DatabaseEngine.mysql({ version: '8.4.3' }),
    {
      image: 'quay.io/prometheus/mysqld-exporter:v0.16.0',
      port: 9104,
      env: { MYSQLD_EXPORTER_USER: 'secret:db-credentials/username', MYSQLD_EXPORTER_PASSWORD: 'secret:db-credentials/password' },
      args: ['--web.listen-address=:9104', '--mysqld.address=127.0.0.1:3306', '--mysqld.username=$(MYSQLD_EXPORTER_USER)'],
    },
  ],
  [
    'redis',
    () => DatabaseEngine.redis({ version: '7.4.1' }),
    {
      image: 'docker.io/oliver006/redis_exporter:v1.67.0',
      port: 9121,
      env: { REDIS_ADDR: 'redis://127.0.0.1:6379', REDIS_PASSWORD: 'secret:db-credentials/password' },
      args: ['--web.listen-address=:9121'],
    },
  ],
];

function exporterOf(objects: Manifest[]): Manifest {
  const containers: Manifest[] = find(objects, 'StatefulSet', 'db').spec.template.spec.containers;
  return containers.find((c) => c.name === 'metrics') as Manifest;
}

describe('database metrics', () => {
  test.each(ENGINES)('defaults (%s): the standard exporter, pinned, credentials from the Secret only, hardened, a metrics Service', (_, engine, want) => {
    const c = chart('shop');
    const db = database(c, { engine: engine(), metrics: dbMetrics() });
    const objects = render(c);
    const exporter = exporterOf(objects);
    expect(exporter.image).toBe(want.image);
    expect(exporter.ports).toEqual([{ name: 'metrics', containerPort: want.port, protocol: 'TCP' }]);
    expect(exporter.args).toEqual(want.args);
    expect(envOf(exporter)).toEqual(want.env);
    // no credential is a literal or on a command line
    expect(JSON.stringify([exporter.args, exporter.command ?? []])).not.toMatch(/password|secret/i);
    expect(exporter.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(exporter.resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '32Mi' },
      limits: { memory: '128Mi', 'ephemeral-storage': '128Mi' },
    });
    expect(exporter.readinessProbe.httpGet).toEqual({ path: '/', port: 'metrics' });
    expect(exporter.livenessProbe.tcpSocket).toEqual({ port: 'metrics' });
    const svc = find(objects, 'Service', 'db-metrics');
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' },
      ports: [{ name: 'metrics', port: want.port, targetPort: 'metrics', protocol: 'TCP' }],
    });
    expect(svc.metadata.labels['app.kubernetes.io/component']).toBe('metrics');
    expect(db.metricsService?.name).toBe('db-metrics');
    expect(db.serviceMonitor).toBeUndefined();
    expect(all(objects, 'ServiceMonitor')).toEqual([]);
  });

  test('defaults: without metrics the pod has one container and there is no metrics Service', () => {
    const c = chart('shop');
    const db = database(c);
    const objects = render(c);
    expect(find(objects, 'StatefulSet', 'db').spec.template.spec.containers.map((x: Manifest) => x.name)).toEqual(['db']);
    expect(all(objects, 'Service').map((s) => s.metadata.name)).toEqual(['db-headless', 'db']);
    expect(db.metricsService).toBeUndefined();
  });

  test('the NetworkPolicy lets only the named scrapers in on the exporter port, and the other rules stay', () => {
    const c = chart('shop');
    const db = database(c, { metrics: dbMetrics({ scrapedBy: { ...MONITORING, podLabels: { 'app.kubernetes.io/name': 'prometheus' } } }) });
    const api = new StatelessWebTier(c, 'api', { image: 'registry.example.com/shop/api:1.0.0' });
    api.connectTo(db);
    const ingress = find(render(c), 'NetworkPolicy', 'db').spec.ingress;
    expect(ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } } }],
        ports: [{ protocol: 'TCP', port: 5432 }],
      },
      {
        from: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
            podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
          },
        ],
        ports: [{ protocol: 'TCP', port: 9187 }],
      },
    ]);
  });

  test('can configure image, port, resources and a ServiceMonitor', () => {
    const c = chart('shop');
    const db = database(c, {
      metrics: dbMetrics({
        image: 'registry.example.com/mirror/postgres-exporter:v0.16.0',
        port: 9999,
        resources: { memoryLimit: '64Mi', memoryRequest: '32Mi' },
        serviceMonitor: { intervalSeconds: 15, labels: { release: 'kube-prometheus-stack' } },
      }),
    });
    const objects = render(c);
    const exporter = exporterOf(objects);
    expect(exporter.image).toBe('registry.example.com/mirror/postgres-exporter:v0.16.0');
    expect(exporter.args).toEqual(['--web.listen-address=:9999']);
    expect(exporter.resources.limits.memory).toBe('64Mi');
    expect(find(objects, 'Service', 'db-metrics').spec.ports[0].port).toBe(9999);
    expect(find(objects, 'NetworkPolicy', 'db').spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 9999 }]);
    const sm = find(objects, 'ServiceMonitor', 'db');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.metadata.namespace).toBe('shop');
    expect(sm.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/component': 'metrics' });
    expect(sm.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/component': 'metrics' } },
      endpoints: [{ port: 'metrics', path: '/metrics', scheme: 'http', interval: '15s' }],
    });
    expect(db.serviceMonitor).toBeDefined();
    // the ServiceMonitor selects the metrics Service only, not the client or headless Service
    const selected = all(objects, 'Service').filter((s) => Object.entries(sm.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels[k] === v));
    expect(selected.map((s) => s.metadata.name)).toEqual(['db-metrics']);
  });

  test.each<[string, Partial<DatabaseMetricsOptions> | unknown, RegExp]>([
    ['no scrapers', { scrapedBy: undefined }, /metrics\.scrapedBy: got \(not set\); names the pods that may scrape/],
    ['empty scrapers', { scrapedBy: { namespaceLabels: {} } }, /metrics\.scrapedBy: got \{"namespaceLabels":\{\}\}; names the pods that may scrape/],
    ['bad label', { scrapedBy: { podLabels: { 'app name': 'x' } } }, /metrics\.scrapedBy\.podLabels/],
    ['misspelt key', { scrapedBy: MONITORING, intervall: 5 }, /metrics\.intervall: got 5; not a prop of DatabaseMetricsOptions/],
    ['port of the server', { port: 5432 }, /metrics\.port: got 5432; the exporter listens next to the server in one pod/],
    ['port out of range', { port: 70000 }, /metrics\.port: got 70000/],
    ['unpinned image', { image: 'quay.io/prometheuscommunity/postgres-exporter' }, /metrics\.image: got "quay\.io\/prometheuscommunity\/postgres-exporter"/],
    ['interval 0', { serviceMonitor: { intervalSeconds: 0 } }, /metrics\.serviceMonitor\.intervalSeconds: got 0/],
    ['bad monitor label', { serviceMonitor: { labels: { '-x': 'y' } } }, /metrics\.serviceMonitor\.labels/],
  ])('rejects %s', (_, o, message) => {
    const lines = problemsOf((c) => database(c, { metrics: dbMetrics(o as Partial<DatabaseMetricsOptions>) }));
    expect(lines.join('\n')).toMatch(message);
    expect(lines[0]).toMatch(/^\[test\/db\] metrics/);
  });

  test('rejects metrics that are not DatabaseMetrics, and a custom engine', () => {
    expect(problemsOf((c) => database(c, { metrics: { scrapedBy: MONITORING } as never }))).toEqual([
      expect.stringMatching(/^\[test\/db\] metrics: got \{"scrapedBy":.*; must be a DatabaseMetrics\. Fix: use DatabaseMetrics\.prometheus/),
    ]);
    expect(problemsOf((c) => database(c, { engine: customEngine(), secretName: undefined, metrics: dbMetrics() }))).toEqual([
      expect.stringMatching(
        /^\[test\/db\] metrics: got "custom"; DatabaseMetrics\.prometheus\(\) runs the standard exporter of the postgres, mysql and redis presets/,
      ),
    ]);
  });

  test('rejects a database named like the exporter container', () => {
    expect(problemsOf((c) => database(c, { metrics: dbMetrics() }, 'metrics')).join('\n')).toMatch(
      /metrics: got "metrics"; the exporter container is named "metrics", and container names must be unique/,
    );
  });
});

const web = (c: Chart, props: Partial<StatelessWebTierProps> = {}) =>
  new StatelessWebTier(c, 'web', { image: 'registry.example.com/shop/web:1.4.2', ...props });

describe('web tier metrics', () => {
  test('defaults: no metrics Service, and the NetworkPolicy as before', () => {
    const c = chart('shop');
    const tier = web(c);
    const objects = render(c);
    expect(all(objects, 'Service').map((s) => s.metadata.name)).toEqual(['web']);
    expect(tier.metricsService).toBeUndefined();
  });

  test("the main port by default: a ClusterIP metrics Service to it on /metrics, ingress from the scrapers besides the tier's own", () => {
    const c = chart('shop');
    const tier = web(c, { metrics: webMetrics({ serviceMonitor: {} }) });
    const objects = render(c);
    expect(find(objects, 'Service', 'web-metrics').spec).toMatchObject({ type: 'ClusterIP', ports: [{ name: 'metrics', port: 8080, targetPort: 'http' }] });
    expect(find(objects, 'NetworkPolicy', 'web').spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
    expect(find(objects, 'ServiceMonitor', 'web').spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', scheme: 'http', interval: '30s' }]);
    expect(tier.serviceMonitor).toBeDefined();
  });

  test('an internal tier nobody connects to still accepts its own namespace next to the scrapers', () => {
    const c = chart('shop');
    web(c, { serviceType: ServiceType.CLUSTER_IP, metrics: webMetrics() });
    const ingress = find(render(c), 'NetworkPolicy', 'web').spec.ingress;
    expect(ingress).toEqual([
      { from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 8080 }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
  });

  test("can configure a sidecar's port and a path: the port is on the metrics Service only, open to the scrapers only", () => {
    const c = chart('shop');
    web(c, {
      sidecars: [{ name: 'stats', image: 'registry.example.com/stats:1.0.0', port: 9113, readiness: Probe.httpGet('/ready') }],
      metrics: webMetrics({ portName: 'stats', path: '/prometheus' }),
    });
    const objects = render(c);
    expect(find(objects, 'Service', 'web-metrics').spec.ports).toEqual([{ name: 'metrics', port: 9113, targetPort: 'stats', protocol: 'TCP' }]);
    expect(find(objects, 'Service', 'web').spec.ports.map((p: Manifest) => p.port)).toEqual([80]);
    const ingress = find(objects, 'NetworkPolicy', 'web').spec.ingress;
    expect(ingress.filter((r: Manifest) => r.ports.some((p: Manifest) => p.port === 9113))).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 9113 }] },
    ]);
  });

  test.each<[string, Partial<WebMetricsOptions>, RegExp]>([
    ['a port no container has', { portName: 'stats' }, /metrics\.portName: got "stats"; names no port of the pod \(it has "http"\)/],
    ['a bad port name', { portName: 'Not A Port' }, /metrics\.portName: got "Not A Port"/],
    ['a relative path', { path: 'metrics' }, /metrics\.path: got "metrics"; must be an absolute HTTP path/],
    ['no scrapers', { scrapedBy: {} }, /metrics\.scrapedBy: got \{\}; names the pods that may scrape/],
    ['a misspelt key', { portname: 'http' } as never, /metrics\.portname: got "http"; not a prop of WebMetricsOptions\. Fix: did you mean portName\?/],
  ])('rejects %s', (_, o, message) => {
    expect(problemsOf((c) => web(c, { metrics: webMetrics(o) })).join('\n')).toMatch(message);
  });

  test('rejects a name too long for the metrics Service (at most 55 with metrics, 63 without)', () => {
    const long = 'w'.repeat(56);
    expect(problemsOf((c) => web(c, { name: long, metrics: webMetrics() }))).toEqual([
      expect.stringMatching(
        /metrics: got "w{56}"; the metrics Service is named "<name>-metrics", a DNS-1035 label of at most 63 characters, so the tier's name can have at most 55/,
      ),
    ]);
    expect(problemsOf((c) => web(c, { name: long }))).toEqual([]);
  });

  test('rejects metrics that are not WebMetrics (e.g. DatabaseMetrics)', () => {
    expect(problemsOf((c) => web(c, { metrics: dbMetrics() as never }))).toEqual([
      expect.stringMatching(/^\[test\/web\] metrics: got .*; must be a WebMetrics\. Fix: use WebMetrics\.prometheus/),
    ]);
  });
});
