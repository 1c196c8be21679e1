/**
 * Regressions found by the property tests (test/properties-*.test.ts): each
 * problem a generated prop set ran into, pinned as a targeted test.
 */
import { Testing } from 'cdk8s';
import { DatabaseEngine, EnvValue, LabelExpression, Probe, StatefulDatabase, StatelessWebTier, StatelessWebTierProps } from '../src';
import { database, problemsOf as dbProblemsOf } from './database-fixture';
import { chart, find, mainContainer, synth } from './util';

const IMAGE = 'registry.example.com/shop/web:1.4.2';

/** Synthesizes and returns the error message (fails the test when synth succeeds). */
function problemsOf(props: Partial<StatelessWebTierProps>): string {
  const c = chart();
  new StatelessWebTier(c, 'web', { image: IMAGE, ...props });
  try {
    Testing.synth(c);
  } catch (e) {
    expect(e).not.toBeInstanceOf(TypeError);
    return (e as Error).message;
  }
  throw new Error('synth succeeded');
}

/** Props from a JavaScript caller, who can pass anything. */
const js = <T>(value: unknown): T => value as T;

describe('int32 fields', () => {
  test('rejects counts and durations above the int32 range of the API', () => {
    expect(problemsOf({ replicas: 2 ** 31 })).toMatch(
      /\[test\/web\] replicas: got 2147483648; must be a whole number from 0 to 2147483647\. Fix: set replicas to a whole number from 0 to 2147483647/,
    );
    expect(problemsOf({ revisionHistoryLimit: Number.MAX_SAFE_INTEGER })).toMatch(
      /revisionHistoryLimit: got 9007199254740991; must be a whole number from 0 to 2147483647/,
    );
    expect(problemsOf({ readiness: Probe.httpGet('/', { timeoutSeconds: 2 ** 40 }) })).toMatch(
      /readiness\.timeoutSeconds: got 1099511627776; must be a whole number from 1 to 2147483647/,
    );
  });

  test('can configure the largest int32 values, and a grace period beyond them (an int64)', () => {
    const c = chart();
    new StatelessWebTier(c, 'web', { image: IMAGE, replicas: 2 ** 31 - 1, terminationGracePeriodSeconds: 2 ** 40 });
    const d = find(synth(c), 'Deployment', 'web');
    expect(d.spec.replicas).toBe(2 ** 31 - 1);
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(2 ** 40);
  });
});

describe('instance', () => {
  test('rejects an empty instance (it selects the pods, and counts as missing)', () => {
    expect(problemsOf({ instance: '' })).toMatch(/\[test\/web\] instance: got ""; must be a non-empty label value.*\. Fix: leave instance out for the name/);
  });
});

describe('selectorExpressions from JavaScript', () => {
  test('rejects a value that is not a LabelExpression with a message, not a TypeError', () => {
    expect(problemsOf({ selectorExpressions: [js<LabelExpression>({ key: 'track', operator: 'Exists' })] })).toMatch(
      /\[test\/web\] selectorExpressions\[0\]: got \{"key":"track","operator":"Exists"\}; must be a LabelExpression/,
    );
  });
});

describe('configFiles from JavaScript', () => {
  test('rejects configFiles that are not a map, with a message, not a TypeError', () => {
    expect(problemsOf({ configFiles: js(null) })).toMatch(/\[test\/web\] configFiles: got null; must be a map of file names to file contents/);
    expect(problemsOf({ configFiles: js('app.conf') })).toMatch(/configFiles: got "app.conf"; must be a map of file names to file contents/);
  });
});

describe('command and args', () => {
  test('rejects a command or args that are not lists of strings', () => {
    expect(problemsOf({ command: js('node server.js') })).toMatch(
      /\[test\/web\] command: got "node server.js"; must be a list of strings\. Fix: write command as a list/,
    );
    expect(problemsOf({ args: js([8080]) })).toMatch(/args: got \[8080\]; must be a list of strings/);
    expect(problemsOf({ sidecars: [{ name: 'proxy', image: IMAGE, port: 9000, command: js(5) }] })).toMatch(
      /sidecars\[0\]\.command: got 5; must be a list of strings/,
    );
  });

  test('a null command or args is left out, like undefined', () => {
    const c = chart();
    new StatelessWebTier(c, 'web', { image: IMAGE, command: js(null), args: js(null) });
    const container = mainContainer(find(synth(c), 'Deployment', 'web'));
    expect(container.command).toBeUndefined();
    expect(container.args).toBeUndefined();
  });
});

describe('env references', () => {
  test('rejects a Secret or ConfigMap key that the API server would refuse', () => {
    expect(problemsOf({ env: { API_TOKEN: EnvValue.fromSecretKey('creds', 'api token') } })).toMatch(
      /\[test\/web\] env\["API_TOKEN"\]: got "api token"; needs a key: letters, digits, "-", "_" and "."/,
    );
    expect(problemsOf({ env: { FLAGS: EnvValue.fromConfigMapKey('flags', '') } })).toMatch(/env\["FLAGS"\]: got ""; needs a key/);
  });

  test('rejects a field path that the downward API does not offer', () => {
    expect(problemsOf({ env: { NODE: EnvValue.fromFieldPath('spec.bogus') } })).toMatch(
      /env\["NODE"\]: got "spec.bogus"; needs a field path the API server supports \(metadata.name, .*status.podIPs\)\. Fix: use a field path like "metadata.name"/,
    );
  });

  test('can read the downward API fields, labels and annotations included', () => {
    const paths = [
      'metadata.name',
      'metadata.namespace',
      'metadata.uid',
      "metadata.labels['team']",
      "metadata.annotations['example.com/x']",
      'spec.nodeName',
      'spec.serviceAccountName',
      'status.hostIP',
      'status.hostIPs',
      'status.podIP',
      'status.podIPs',
    ];
    const c = chart();
    new StatelessWebTier(c, 'web', { image: IMAGE, env: Object.fromEntries(paths.map((p, i) => [`F${i}`, EnvValue.fromFieldPath(p)])) });
    const env = mainContainer(find(synth(c), 'Deployment', 'web')).env;
    expect(env.map((e: { valueFrom: { fieldRef: { fieldPath: string } } }) => e.valueFrom.fieldRef.fieldPath)).toEqual(paths);
  });
});

describe('derived volume names', () => {
  test('a long sidecar name with writable paths gets distinct volume names of at most 63 characters', () => {
    const name = `log-${'x'.repeat(56)}`;
    const c = chart();
    new StatelessWebTier(c, 'web', {
      image: IMAGE,
      sidecars: [{ name, image: IMAGE, port: 9000, portName: 'logs', readiness: Probe.exec(['true']), writablePaths: ['/var/cache/side', '/var/log/side'] }],
    });
    const pod = find(synth(c), 'Deployment', 'web').spec.template.spec;
    const mounts = pod.containers[1].volumeMounts as Array<{ name: string; mountPath: string }>;
    expect(mounts.map((m) => m.mountPath)).toEqual(['/tmp', '/var/cache/side', '/var/log/side', '/shared']);
    const names = mounts.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(names[0]).toMatch(/^log-x+-[0-9a-f]{8}$/);
  });
});

describe('StatefulDatabase name from JavaScript', () => {
  test('a name that is not a string is reported, not a TypeError while deriving the database name', () => {
    for (const engine of [DatabaseEngine.postgres({ version: '16.4' }), DatabaseEngine.mysql({ version: '8.4.3' })]) {
      const problems = dbProblemsOf((c) => database(c, { engine, name: js(42) }));
      expect(problems[0]).toMatch(/^\[test\/db\] name: got 42; must be a DNS-1035 label of at most 52 characters/);
      expect(problems.join('\n')).not.toMatch(/engine\.database/);
    }
  });
});

describe('StatefulDatabase args', () => {
  test('rejects args that are not a list of strings, also in a custom engine', () => {
    expect(dbProblemsOf((c) => database(c, { args: js('-c max_connections=200') }))).toEqual([
      expect.stringMatching(/^\[test\/db\] args: got "-c max_connections=200"; must be a list of strings/),
    ]);
    expect(dbProblemsOf((c) => database(c, { engine: DatabaseEngine.mysql({ version: '8.4.3' }), args: js(5) }))).toEqual([
      expect.stringMatching(/args: got 5; must be a list of strings/),
    ]);
    const custom = DatabaseEngine.custom({
      image: IMAGE,
      port: 2379,
      dataPath: '/data',
      readiness: Probe.exec(['true']),
      liveness: Probe.tcpSocket(),
      args: js(5),
    });
    expect(dbProblemsOf((c) => new StatefulDatabase(c, 'db', { engine: custom }))).toEqual([
      expect.stringMatching(/^\[test\/db\] engine\.args: got 5; must be a list of strings/),
    ]);
  });
});

describe('image references', () => {
  test('rejects an upper-case first path component that is not a registry (no "." or ":")', () => {
    expect(problemsOf({ image: 'Shop/web:1.4.2' })).toMatch(/\[test\/web\] image: got "Shop\/web:1.4.2"; must be an image reference/);
    expect(dbProblemsOf((c) => database(c, { engine: DatabaseEngine.postgres({ version: '16.4', repository: 'MIRROR/postgres' }) }))).toEqual([
      expect.stringMatching(/engine\.image: got "MIRROR\/postgres:16.4"; must be an image reference/),
    ]);
  });

  test('can name a registry with a dot, a port or localhost (any case), and a lower-case path without one', () => {
    for (const image of ['Registry.Example.com/shop/web:1.4.2', 'localhost:5000/web:1', 'localhost/web:1', 'myteam/web:1']) {
      const c = chart();
      new StatelessWebTier(c, 'web', { image });
      expect(mainContainer(find(synth(c), 'Deployment', 'web')).image).toBe(image);
    }
  });
});

describe('web.connectTo(db) with a database whose props are wrong', () => {
  /** The lines of the synth error of a web tier connected to a database built with `props`. */
  function connectedProblems(props: Parameters<typeof database>[1]): string[] {
    const c = chart();
    new StatelessWebTier(c, 'web', { image: IMAGE }).connectTo(database(c, props));
    try {
      Testing.synth(c);
    } catch (e) {
      expect(e).not.toBeInstanceOf(TypeError);
      return (e as Error).message
        .split('\n')
        .slice(1)
        .map((l) => l.trim());
    }
    throw new Error('synth succeeded');
  }

  test("a database without a port leaves no port-less rule in the web tier's NetworkPolicy (no render failure at synth)", () => {
    const engine = DatabaseEngine.custom({
      image: IMAGE,
      port: js(undefined),
      dataPath: '/data',
      readiness: Probe.exec(['true']),
      liveness: Probe.exec(['true'], { failureThreshold: 5 }),
    });
    const problems = connectedProblems({ engine, secretName: undefined });
    expect(problems).toContain(
      '[test/db] engine.port: got (not set); a custom engine needs the port its server listens on. Fix: give the port, e.g. port: 2379',
    );
    expect(problems.filter((l) => /schema\/|policy\//.test(l))).toEqual([]);
  });

  test('a database namespace that is not a label is reported once, by the database (not again by the web tier, nor as a schema finding)', () => {
    expect(connectedProblems({ namespace: js(true) })).toEqual(['[test/db] namespace: got true; must be a DNS-1123 label. Fix: use a namespace like "shop"']);
  });
});

describe('list and map props from JavaScript', () => {
  test('rejects list props that are not lists, with a message, not a TypeError', () => {
    expect(problemsOf({ writablePaths: js('/var/cache/app') })).toMatch(
      /\[test\/web\] writablePaths: got "\/var\/cache\/app"; must be a list\. Fix: write writablePaths as a list/,
    );
    expect(problemsOf({ sidecars: js({ name: 'proxy' }) })).toMatch(/\[test\/web\] sidecars: got \{"name":"proxy"\}; must be a list/);
    expect(problemsOf({ selectorExpressions: js('track') })).toMatch(/\[test\/web\] selectorExpressions: got "track"; must be a list/);
    expect(dbProblemsOf((c) => database(c, { writablePaths: js('/scratch'), volumeClaims: js(5) }))).toEqual([
      expect.stringMatching(/^\[test\/db\] writablePaths: got "\/scratch"; must be a list/),
      expect.stringMatching(/^\[test\/db\] volumeClaims: got 5; must be a list/),
    ]);
  });

  test('rejects labels and annotations that are not maps (a string became one label per character)', () => {
    expect(problemsOf({ labels: js('team') })).toMatch(/\[test\/web\] labels: got "team"; must be a map of keys to values/);
    expect(problemsOf({ annotations: js(['a']) })).toMatch(/\[test\/web\] annotations: got \["a"\]; must be a map of keys to values/);
  });

  test('null list props are left out, like undefined', () => {
    const c = chart();
    new StatelessWebTier(c, 'web', { image: IMAGE, writablePaths: js(null), sidecars: js(null), selectorExpressions: js(null), labels: js(null) });
    expect(find(synth(c), 'Deployment', 'web').spec.template.spec.containers).toHaveLength(1);
  });
});

describe('derived sidecar port names', () => {
  test('a sidecar that gives no port name gets a legal one that is free in the pod', () => {
    const c = chart();
    new StatelessWebTier(c, 'web', {
      image: IMAGE,
      sidecars: ['log--shipper', '12345', 'http', 'metrics-exporter-a', 'metrics-exporter-b'].map((name, i) => ({
        name,
        image: IMAGE,
        port: 9000 + i,
        readiness: Probe.exec(['true']),
      })),
    });
    const containers = find(synth(c), 'Deployment', 'web').spec.template.spec.containers as Array<{ ports: Array<{ name: string }> }>;
    expect(containers.map((x) => x.ports[0].name)).toEqual(['http', 'log-shipper', 'p12345', 'http-2', 'metrics-exporte', 'metrics-expor-2']);
  });

  test('keeps the container name (cut to 15) when it is a legal, free port name', () => {
    const c = chart();
    new StatelessWebTier(c, 'web', { image: IMAGE, sidecars: [{ name: 'metrics-exporter-x', image: IMAGE, port: 9113, readiness: Probe.exec(['true']) }] });
    expect(find(synth(c), 'Deployment', 'web').spec.template.spec.containers[1].ports[0].name).toBe('metrics-exporte');
  });
});

describe('tier names in one namespace', () => {
  test('rejects two tiers that would write Services of one name in one namespace', () => {
    expect(
      dbProblemsOf((c) => {
        new StatelessWebTier(c, 'web', { image: IMAGE, name: 'shop' });
        database(c, { name: 'shop' });
      }),
    ).toEqual([
      '[test/web] name: got "shop"; names a Service that test/db writes too; one would overwrite the other. Fix: give each tier its own name in a namespace',
      '[test/db] name: got "shop"; names a Service that test/web writes too; one would overwrite the other. Fix: give each tier its own name in a namespace',
    ]);
    expect(
      dbProblemsOf((c) => {
        new StatelessWebTier(c, 'web', { image: IMAGE, name: 'orders-headless' });
        database(c, { name: 'orders' });
      }, 'shop'),
    ).toEqual(
      expect.arrayContaining([
        '[test/web] name: got "orders-headless"; names a Service that test/db writes too in namespace "shop"; one would overwrite the other. Fix: give each tier its own name in a namespace',
      ]),
    );
  });

  test('can give two tiers one name in different namespaces', () => {
    const c = chart();
    new StatelessWebTier(c, 'web', { image: IMAGE, name: 'shop', namespace: 'a' });
    new StatelessWebTier(c, 'web2', { image: IMAGE, name: 'shop', namespace: 'b' });
    expect(
      synth(c)
        .filter((o) => o.kind === 'Service')
        .map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
    ).toEqual(['a/shop', 'b/shop']);
  });
});

describe('custom engine clientEnv', () => {
  test('rejects a clientEnv that is not a map of EnvValues', () => {
    const custom = (clientEnv: unknown) =>
      DatabaseEngine.custom({
        image: IMAGE,
        port: 2379,
        dataPath: '/data',
        readiness: Probe.exec(['true']),
        liveness: Probe.tcpSocket(),
        clientEnv: js(clientEnv),
      });
    expect(dbProblemsOf((c) => new StatefulDatabase(c, 'db', { engine: custom('PASSWORD') }))).toEqual([
      expect.stringMatching(/^\[test\/db\] engine\.clientEnv: got "PASSWORD"; must be a map of env suffixes to EnvValues/),
    ]);
    expect(dbProblemsOf((c) => new StatefulDatabase(c, 'db', { engine: custom({ PASSWORD: 'hunter2' }) }))).toEqual([
      expect.stringMatching(/^\[test\/db\] engine\.clientEnv\["PASSWORD"\]: got "hunter2"; must be an EnvValue/),
    ]);
  });
});

describe('connectTo a target whose name is not a string', () => {
  test('is reported by the target, not a TypeError while deriving the env prefix', () => {
    const problems = dbProblemsOf((c) => new StatelessWebTier(c, 'web', { image: IMAGE }).connectTo(database(c, { name: js(42) })));
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^\[test\/db\] name: got 42; must be a DNS-1035 label/)]));
  });
});
