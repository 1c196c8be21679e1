/**
 * The specs of a tier's Services and PodDisruptionBudget are rendered at synth from what they need (src/_service.ts,
 * src/_pdb.ts), and every object of a tier selects its pods by one copy of the selector labels made when the tier
 * was built (src/_tier.ts `_selector`).
 */
import { ApiObject, Lazy } from 'cdk8s';
import { DatabaseEngine, DatabaseMetrics, StatefulDatabase, StatelessWebTier, WebMetrics } from '../src';
import { ObjectJson } from '../src/gitops/_object-json';
import { appProblems, chart, find, Manifest, proxySidecar, synth } from './util';

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const propsOf = (o: ApiObject) => (o as unknown as { props: Record<string, unknown> }).props;
const postgres = () => DatabaseEngine.postgres({ version: '16.4' });
const scrapedBy = { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' }, podLabels: { app: 'prometheus' } };
const WEB = { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' };
const DB = { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' };

function build() {
  const c = chart('shop');
  const web = new StatelessWebTier(c, 'web', { image: IMAGE, metrics: WebMetrics.prometheus({ scrapedBy }) });
  const db = new StatefulDatabase(c, 'db', {
    engine: postgres(),
    secretName: 'db-credentials',
    replicas: 2,
    metrics: DatabaseMetrics.prometheus({ scrapedBy }),
  });
  return { c, web, db };
}

/** The pod selector of every object of `objects` that selects pods, by kind and name. */
function selectors(objects: Manifest[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of objects) {
    const s = o.kind === 'Service' ? o.spec.selector : o.kind === 'NetworkPolicy' ? o.spec.podSelector.matchLabels : o.spec?.selector?.matchLabels;
    if (s !== undefined) out[`${o.kind}/${o.metadata.name}`] = s;
  }
  return out;
}

describe("a tier's Services and PodDisruptionBudget", () => {
  test('render their specs at synth (one Lazy each), the same JSON by toJson() and by the one pass', () => {
    const { web, db } = build();
    const objects = [web.service, web.podDisruptionBudget!, web.metricsService!, db.service, db.headlessService, db.readService!, db.podDisruptionBudget!];
    for (const o of objects) {
      expect(propsOf(o).spec).toBeInstanceOf(Lazy);
      expect(new ObjectJson().of(o)).toEqual(o.toJson());
    }
    expect(db.headlessService.toJson().spec).toEqual({
      type: 'ClusterIP',
      clusterIP: 'None',
      publishNotReadyAddresses: true,
      selector: DB,
      ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }],
    });
    expect(web.podDisruptionBudget!.toJson().spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: WEB }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
  });

  test('a sidecar port published after the Service is built is on it', () => {
    const { c, web } = build();
    web.addSidecar({ ...proxySidecar(), publish: true });
    expect(find(synth(c), 'Service', 'web').spec.ports.map((p: Manifest) => [p.name, p.port, p.nodePort])).toEqual([
      ['http', 80, undefined],
      ['proxy', 9000, undefined],
    ]);
  });

  test('every object selects the pods by their labels as they were when the tier was built', () => {
    const expected = selectors(synth(build().c));
    expect(expected).toMatchObject({
      'Service/web': WEB,
      'Service/web-metrics': WEB,
      'PodDisruptionBudget/web': WEB,
      'NetworkPolicy/web': WEB,
      'Deployment/web': WEB,
      'Service/db': { ...DB, 'cdk8s-tiers/role': 'primary' },
      'Service/db-headless': DB,
      'Service/db-read': { ...DB, 'cdk8s-tiers/role': 'replica' },
      'StatefulSet/db': DB,
      'StatefulSet/db-replica': { ...DB, 'cdk8s-tiers/role': 'replica' },
    });
    const { c, web, db } = build();
    web.podSelectorLabels['app.kubernetes.io/name'] = 'changed';
    db.podSelectorLabels['app.kubernetes.io/instance'] = 'changed';
    expect(selectors(synth(c))).toEqual(expected);
  });

  test("a rendered Service's selector changed by a caller leaves the tier's other objects as they were (toJson() gives copies)", () => {
    const { c, web } = build();
    const json = web.service.toJson();
    json.spec.selector['app.kubernetes.io/name'] = 'changed';
    expect(selectors(synth(c))['PodDisruptionBudget/web']).toEqual(WEB);
    expect(selectors(synth(c))['Service/web']).toEqual(WEB);
  });

  test('three tiers claiming one Service name and one node port: each gets one problem naming the other two, in the order they were built', () => {
    const c = chart('shop');
    for (const id of ['a', 'b', 'c']) new StatelessWebTier(c, id, { name: 'web', image: IMAGE, nodePort: 30080 });
    new StatelessWebTier(c, 'own', { image: IMAGE, nodePort: 30081 });
    const problems = appProblems(c);
    const named = (who: string) => problems.filter((p) => p.startsWith(`[test/${who}] `));
    expect(named('own')).toEqual([]);
    expect(named('a')).toEqual([
      expect.stringContaining('nodePort: got 30080; is also asked for by test/b, test/c;'),
      expect.stringContaining('name: got "web"; names a Service that test/b, test/c writes too in namespace "shop";'),
    ]);
    expect(named('b')).toEqual([expect.stringContaining('by test/a, test/c;'), expect.stringContaining('that test/a, test/c writes too')]);
    expect(named('c')).toEqual([expect.stringContaining('by test/a, test/b;'), expect.stringContaining('that test/a, test/b writes too')]);
  });
});
