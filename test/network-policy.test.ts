import { ApiObject, Lazy } from 'cdk8s';
import { DatabaseEngine, ServiceType, StatefulDatabase, StatelessWebTier } from '../src';
import { ObjectJson } from '../src/gitops/_object-json';
import { chart, find, Manifest, proxySidecar, synth } from './util';

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const propsOf = (o: ApiObject) => (o as unknown as { props: Record<string, unknown> }).props;
const postgres = () => DatabaseEngine.postgres({ version: '16.4' });
const sources = (policy: Manifest) => policy.spec.ingress.map((r: Manifest) => r.from?.[0]?.podSelector?.matchLabels?.['app.kubernetes.io/name'] ?? '*');

describe('the NetworkPolicy of a tier', () => {
  test('renders its spec at synth (one Lazy, the same JSON by toJson() and by the one pass): rules added after it was built are in it', () => {
    const c = chart('shop');
    const db = new StatefulDatabase(c, 'db', { engine: postgres(), secretName: 'db-credentials' });
    const spec = propsOf(db.networkPolicy).spec;
    expect(spec).toBeInstanceOf(Lazy);
    const web = new StatelessWebTier(c, 'web', { image: IMAGE });
    web.connectTo(db);
    expect(new ObjectJson().of(db.networkPolicy)).toEqual(db.networkPolicy.toJson());
    const policy = find(synth(c), 'NetworkPolicy', 'db');
    expect(Object.keys(policy.spec)).toEqual(['egress', 'ingress', 'podSelector', 'policyTypes']);
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' } });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(sources(policy)).toEqual(['web']);
  });

  test('keeps each rule once, in the order first added, with few rules and with many (more than eight)', () => {
    for (const clients of [3, 12]) {
      const c = chart('shop');
      const db = new StatefulDatabase(c, 'db', { engine: postgres(), secretName: 'db-credentials' });
      const webs = Array.from({ length: clients }, (_, i) => new StatelessWebTier(c, `web-${i}`, { image: IMAGE, serviceType: ServiceType.CLUSTER_IP }));
      for (const web of webs) web.connectTo(db);
      // let in again, in another order: nothing added
      for (const web of [...webs].reverse()) db.acceptConnectionFrom(web);
      const web0 = webs[0];
      for (const web of webs.slice(1)) web0.allowEgressTo(web, 8080);
      for (const web of webs.slice(1)) web0.allowEgressTo(web, 8080);
      const objects = synth(c);
      expect(sources(find(objects, 'NetworkPolicy', 'db'))).toEqual(webs.map((w) => w.name));
      const egress = find(objects, 'NetworkPolicy', 'web-0').spec.egress;
      const to = egress.map((r: Manifest) => r.to[0].podSelector?.matchLabels?.['app.kubernetes.io/name'] ?? 'dns');
      expect(to).toEqual(['dns', 'db', ...webs.slice(1).map((w) => w.name)]);
    }
  });

  test('a peer let in before and after a sidecar port is published keeps both rules, each with every served port (as added)', () => {
    const c = chart('shop');
    const web = new StatelessWebTier(c, 'web', { image: IMAGE, serviceType: ServiceType.CLUSTER_IP });
    const client = new StatelessWebTier(c, 'client', { image: IMAGE, serviceType: ServiceType.CLUSTER_IP });
    web.acceptConnectionFrom(client);
    web.acceptConnectionFrom(client);
    web.addSidecar({ ...proxySidecar(), publish: true });
    web.acceptConnectionFrom(client);
    const ingress = find(synth(c), 'NetworkPolicy', 'web').spec.ingress;
    expect(ingress.map((r: Manifest) => r.ports.map((p: Manifest) => p.port))).toEqual([
      [8080, 9000],
      [8080, 9000],
    ]);
    expect(sources({ spec: { ingress } })).toEqual(['client', 'client']);
  });

  test('selects the pods by their labels as they were when it was built', () => {
    const c = chart('shop');
    const web = new StatelessWebTier(c, 'web', { image: IMAGE });
    web.podSelectorLabels['app.kubernetes.io/name'] = 'changed';
    expect(find(synth(c), 'NetworkPolicy', 'web').spec.podSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'web',
    });
  });
});
