/**
 * A tier whose props have a problem builds nothing: no child is built from an
 * invalid value (there are no stand-ins), the synth reports every problem of the
 * app together, once each, and reading a child of such a tier throws its problems.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import { IConstruct } from 'constructs';
import { DatabaseEngine, EnvValue, PercentOrAbsolute, Probe, Rollout, StatefulDatabase, StatelessWebTier, StatefulUpdate } from '../src';
import { database } from './database-fixture';
import { appProblems, caughtProblems, chart } from './util';

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const js = <T>(v: unknown): T => v as T;
const apiObjectsBelow = (c: IConstruct) => c.node.findAll().filter((x) => x !== c && ApiObject.isApiObject(x)).length;

describe('a web tier with an invalid rollout', () => {
  const bad = () => Rollout.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(120) });
  const line = expect.stringMatching(/^\[test\/web\] rollout\.maxSurge: got "120%"; must be a whole percentage from 0 to 100/);

  test('builds nothing, and the synth reports the problem once', () => {
    const c = chart();
    const web = new StatelessWebTier(c, 'web', { image: IMAGE, rollout: bad() });
    expect(apiObjectsBelow(web)).toBe(0);
    expect(web.node.defaultChild).toBeUndefined();
    expect(appProblems(c)).toEqual([line]);
    expect(caughtProblems(() => Testing.synth(c))).toEqual([line]);
  });

  test('reading its Deployment, Service or NetworkPolicy throws its problems, not a TypeError', () => {
    const web = new StatelessWebTier(chart(), 'web', { image: IMAGE, rollout: js(Rollout.recreate) });
    for (const child of [() => web.deployment, () => web.service, () => web.networkPolicy]) {
      expect(caughtProblems(child)).toEqual([expect.stringMatching(/^\[test\/web\] rollout: got .*; must be a Rollout\. Fix: /)]);
    }
  });

  test('its other problems are reported with it, sidecars too', () => {
    const c = chart();
    new StatelessWebTier(c, 'web', {
      image: IMAGE,
      rollout: bad(),
      replicas: -1,
      sidecars: [{ name: 'Bad', image: IMAGE, port: 9000, readiness: Probe.httpGet('/ready') }],
    });
    expect(appProblems(c)).toEqual([
      expect.stringMatching(/^\[test\/web\] replicas: got -1; /),
      line,
      expect.stringMatching(/^\[test\/web\] sidecars\[0\]\.name: got "Bad"; /),
    ]);
  });

  test('a valid tier beside it is built as usual', () => {
    const c = chart();
    new StatelessWebTier(c, 'web', { image: IMAGE, rollout: bad() });
    const other = new StatelessWebTier(c, 'other', { image: IMAGE, updateStrategyIsNotAProp: 1 } as never);
    expect(apiObjectsBelow(other)).toBe(0); // (a misspelt prop is a problem too)
    const ok = new StatelessWebTier(c, 'ok', { image: IMAGE });
    expect(apiObjectsBelow(ok)).toBeGreaterThan(0);
    expect(ok.deployment.toJson().spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
  });
});

describe('a database whose engine is not a DatabaseEngine (a JavaScript caller)', () => {
  const engine = js<DatabaseEngine>({ kind: 'postgres' });
  const engineLine = expect.stringMatching(/^\[test\/db\] engine: got \{"kind":"postgres"\}; must be a DatabaseEngine\. Fix: /);

  test('builds nothing, and binds nothing (no stand-in engine: the fields it would give stay unset)', () => {
    const c = chart();
    const db = new StatefulDatabase(c, 'db', { engine, secretName: 'db-credentials' });
    expect(apiObjectsBelow(db)).toBe(0);
    expect(db.engine).toBe(engine);
    expect(db.port).toBeUndefined();
    expect(db.dataPath).toBeUndefined();
    expect(appProblems(c)).toEqual([engineLine]);
    expect(caughtProblems(() => db.statefulSet)).toEqual([engineLine]);
    expect(caughtProblems(() => db.headlessService)).toEqual([engineLine]);
  });

  test('every prop that does not depend on the engine is still checked, together', () => {
    const c = chart();
    new StatefulDatabase(c, 'db', {
      engine,
      storage: '0',
      replicas: -1,
      updateStrategy: StatefulUpdate.rollingUpdate({ partition: -1 }),
      env: { 'BAD NAME': EnvValue.fromValue('x') },
      args: js('--x'),
    });
    const props = appProblems(c).map((l) => /^\[test\/db\] ([^:]+):/.exec(l)?.[1]);
    expect(props).toEqual(['engine', 'replicas', 'updateStrategy.partition', 'args', 'env["BAD NAME"]', 'storage']);
  });

  test('a web tier connected to it wires nothing to it, and the synth reports the engine once', () => {
    const c = chart('shop');
    const db = new StatefulDatabase(c, 'db', { engine });
    const web = new StatelessWebTier(c, 'web', { image: IMAGE });
    const connection = web.connectTo(db);
    expect(connection.host).toBe('db.shop.svc.cluster.local');
    const env = web.deployment.toJson().spec.template.spec.containers[0].env ?? [];
    expect(env.map((e: { name: string }) => e.name)).not.toContain('DB_HOST');
    expect(web.networkPolicy.toJson().spec.egress).toHaveLength(1); // DNS only
    expect(caughtProblems(() => Testing.synth(c))).toEqual([engineLine]);
  });

  test('a tier that built nothing can still connect: no TypeError, and only its own problem', () => {
    const c = chart('shop');
    const db = database(c);
    const broken = new StatelessWebTier(c, 'web', { image: js(5) });
    broken.connectTo(db);
    expect(apiObjectsBelow(broken)).toBe(0);
    expect(appProblems(c)).toEqual([expect.stringMatching(/^\[test\/web\] image: got 5; /)]);
  });
});

test('a tier that builds nothing still claims its Service names: a clash is reported with its other problems', () => {
  const c = chart('shop');
  new StatelessWebTier(c, 'web', { image: IMAGE, name: 'orders', rollout: js(5) });
  database(c, { name: 'orders' });
  expect(appProblems(c)).toEqual([
    expect.stringMatching(/^\[test\/web\] rollout: got 5; must be a Rollout/),
    expect.stringMatching(/^\[test\/web\] name: got "orders"; names a Service that test\/db writes too in namespace "shop"/),
    expect.stringMatching(/^\[test\/db\] name: got "orders"; names a Service that test\/web writes too in namespace "shop"/),
  ]);
});

test('a tier that builds nothing is still a construct of its chart (its id is taken)', () => {
  const c = new Chart(Testing.app(), 'test');
  new StatelessWebTier(c, 'web', { image: js(undefined) });
  expect(() => new StatelessWebTier(c, 'web', { image: IMAGE })).toThrow(/There is already a Construct with name 'web'/);
});
