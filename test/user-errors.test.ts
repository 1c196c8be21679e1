/**
 * Each mistake of issue 8 ("Use it as a dependency", Why) as a new user makes
 * it, ending in one clear message: construct path, prop, value, rule, and a fix
 * the user can act on; once, and never a raw TypeError.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { assertNoProblems } from '../src/_errors';
import {
  DatabaseEngine,
  Environment,
  EnvValue,
  GitOpsApp,
  Guardrails,
  LabelExpression,
  PercentOrAbsolute,
  Probe,
  Rollout,
  StatefulDatabase,
  StatefulDatabaseProps,
  StatelessWebTier,
  StatelessWebTierProps,
  TiersProblems,
} from '../src';
import { caughtProblems } from './util';

const IMAGE = 'registry.example.com/shop/web:1.4.2';
const js = <T>(v: unknown): T => v as T;

/** The problem lines a synth of `build` ends in (none when it synthesizes). */
function linesOf(build: (c: Chart) => void): string[] {
  const c = new Chart(Testing.app(), 'test');
  build(c);
  try {
    Testing.synth(c);
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).constructor.name).not.toMatch(/TypeError|RangeError|ReferenceError/);
    return (e as Error).message
      .split('\n')
      .filter((l) => l.startsWith('  ['))
      .map((l) => l.slice(2));
  }
  return [];
}
const web = (props: Partial<StatelessWebTierProps>) => (c: Chart) => new StatelessWebTier(c, 'web', { image: IMAGE, ...props });
const pg = () => DatabaseEngine.postgres({ version: '16.4' });
const db = (props: Partial<StatefulDatabaseProps>) => (c: Chart) => new StatefulDatabase(c, 'db', { engine: pg(), secretName: 'db-credentials', ...props });

describe('one mistake, one message', () => {
  const long = 'a'.repeat(64);
  test('a 64-character name: one line (was 4, one a JSON blob on another construct)', () => {
    expect(linesOf(web({ name: long }))).toEqual([
      `[test/web] name: got "${long}"; must be a DNS-1035 label of at most 63 characters (it names the Service): lower-case letters, digits and "-", starting with a letter. Fix: use a name like "shop-front"`,
    ]);
    expect(linesOf((c) => new StatelessWebTier(c, 'web', { image: IMAGE }).connectTo(db({ name: long })(c)))).toEqual([
      expect.stringMatching(new RegExp(`^\\[test/db\\] name: got "${long}"; must be a DNS-1035 label of at most 52 characters`)),
    ]);
  });

  test('replicas: NaN: one line (was 2)', () => {
    const line = (path: string) =>
      `[test/${path}] replicas: got NaN; must be a whole number >= 0. Fix: set replicas to a whole number >= 0, or leave it out for the default`;
    expect(linesOf(web({ replicas: NaN }))).toEqual([line('web')]);
    expect(linesOf(db({ replicas: NaN }))).toEqual([line('db')]);
  });

  test("LabelExpression.in('k', []): one line (was 2)", () => {
    expect(linesOf(web({ selectorExpressions: [LabelExpression.in('k', [])] }))).toEqual([
      '[test/web] selectorExpressions[0].values: got []; In needs a non-empty list of label values. Fix: list at least one value of at most 63 letters, digits, "-", "_" or "."',
    ]);
  });

  test('an engine port that is not a port: one line (the client Service port derived from it is not repeated)', () => {
    expect(linesOf(db({ engine: DatabaseEngine.postgres({ version: '16.4', port: NaN }) }))).toEqual([
      '[test/db] engine.port: got NaN; must be a port number from 1 to 65535. Fix: set engine.port to a whole number from 1 to 65535',
    ]);
  });

  test('a chart namespace that is not a label: one line per tier (not one per object, nor on a connected tier)', () => {
    const a = new Chart(Testing.app(), 'a', { namespace: 'Bad NS' });
    const b = new Chart(a.node.root, 'b', { namespace: 'shop' });
    const database = db({})(a);
    new StatelessWebTier(b, 'web', { image: IMAGE }).connectTo(database);
    expect(caughtProblems(() => assertNoProblems(a.node.root))).toEqual([
      '[a/db] namespace: got "Bad NS"; the namespace of chart a, which every object of the tier gets, must be a DNS-1123 label. Fix: correct the namespace of chart a (e.g. "shop"), or set namespace on the tier',
    ]);
  });

  test('props that are not an object: one line, not one per missing prop', () => {
    expect(linesOf((c) => new StatelessWebTier(c, 'web', js(undefined)))).toEqual([
      '[test/web] props: got (not set); StatelessWebTier needs its props (an object). Fix: give the props as an object like { image: "registry.example.com/shop/web:1.4.2" }',
    ]);
  });
});

describe('JavaScript callers get messages, not TypeErrors', () => {
  test('Rollout.rollingUpdate({ maxSurge: 5 })', () => {
    expect(linesOf(web({ rollout: Rollout.rollingUpdate({ maxSurge: js(5) }) }))).toEqual([
      '[test/web] rollout.maxSurge: got 5; must be a PercentOrAbsolute. Fix: use PercentOrAbsolute.percent(25) or PercentOrAbsolute.absolute(1) for maxSurge',
    ]);
  });

  test('Rollout.rollingUpdate(null) is the default rolling update, like leaving the options out', () => {
    expect(linesOf(web({ rollout: Rollout.rollingUpdate(js(null)) }))).toEqual([]);
    expect(linesOf(web({ rollout: Rollout.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(js(null)) }) }))).toEqual([
      '[test/web] rollout.maxSurge: got null; must be a whole percentage from 0 to 100. Fix: use PercentOrAbsolute.percent(25) or PercentOrAbsolute.absolute(1)',
    ]);
  });

  test('connectTo(undefined) and connectTo(5)', () => {
    for (const [target, shown] of [
      [undefined, '(not set)'],
      [5, '5'],
    ] as const) {
      expect(linesOf((c) => new StatelessWebTier(c, 'web', { image: IMAGE }).connectTo(js(target)))).toEqual([
        `[test/web] connectTo: got ${shown}; needs a tier to connect to (an IConnectable: a StatelessWebTier or a StatefulDatabase). Fix: pass the tier, e.g. web.connectTo(db)`,
      ]);
    }
  });

  test('a literal env value that is not text, and a sidecar name that is not a DNS-1123 label: one line each', () => {
    const lines = linesOf(
      web({
        env: { LOG_LEVEL: EnvValue.fromValue(js(5)) },
        sidecars: [{ name: 'Log_Shipper', image: IMAGE, port: 9000, readiness: Probe.httpGet('/ready'), liveness: Probe.tcpSocket() }],
      }),
    );
    expect(lines).toEqual([
      '[test/web] env["LOG_LEVEL"]: got 5; must be a string. Fix: quote the value (numbers too)',
      '[test/web] sidecars[0].name: got "Log_Shipper"; a container name must be a DNS-1123 label (lower-case letters, digits, "-", at most 63). Fix: use a name like "app" or "log-shipper"',
    ]);
  });

  test('allowEgressTo(null, 80)', () => {
    expect(linesOf((c) => new StatelessWebTier(c, 'web', { image: IMAGE }).allowEgressTo(js(null), 80))).toEqual([
      '[test/web] allowEgressTo: got null; needs a network peer: a construct with podSelectorLabels (a tier of this library, or an INetworkPeer of yours). Fix: pass the tier or workload, e.g. allowEgressTo(db, 5432)',
    ]);
  });

  test('acceptConnectionFrom(null) is reported and opens nothing (it used to let every pod in)', () => {
    let tier: StatelessWebTier | undefined;
    expect(
      linesOf((c) => {
        tier = new StatelessWebTier(c, 'web', { image: IMAGE, serviceType: js('ClusterIP') });
        tier.acceptConnectionFrom(js(null));
      }),
    ).toEqual([expect.stringMatching(/^\[test\/web\] acceptConnectionFrom: got null; needs a network peer/)]);
    expect(tier!.networkPolicy.toJson().spec.ingress).toEqual([{ from: [{ podSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('a guardrail check list holding null', () => {
    const caught = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return e;
      }
      throw new Error('expected an error');
    };
    for (const [method, call] of [
      ['checkManifests', () => Guardrails.checkManifests([js(null)])],
      ['problemsOf', () => Guardrails.problemsOf([{ kind: 'x' }, js(null)])],
    ] as const) {
      const e = caught(call);
      expect(TiersProblems.isTiersError(e)).toBe(true);
      expect(TiersProblems.fromError(e).map((p) => p.message)).toEqual([
        `[Guardrails.${method}] objects[${method === 'problemsOf' ? 1 : 0}]: got null; must be a manifest object (with apiVersion, kind and metadata). Fix: remove it from the list; a YAML document that is empty reads as null`,
      ]);
    }
    expect(() => Guardrails.check(js(undefined))).toThrow(/\[Guardrails\.check\] chart: got \(not set\); must be a Chart\. Fix: pass the chart to check/);
  });
});

describe('misspelt and wrongly typed props are reported, with the nearest known name', () => {
  test.each([
    [{ replica: 5 }, '[test/web] replica: got 5; not a prop of StatelessWebTier. Fix: did you mean replicas?'],
    [{ nodePort2: 30080 }, '[test/web] nodePort2: got 30080; not a prop of StatelessWebTier. Fix: did you mean nodePort?'],
    [{ resources: { cpuRequestt: '1' } }, '[test/web] resources.cpuRequestt: got "1"; not a prop of ResourceOptions. Fix: did you mean cpuRequest?'],
    [
      { autoscaling: { maxReplicas: 4, minReplica: 2 } },
      '[test/web] autoscaling.minReplica: got 2; not a prop of AutoscalingOptions. Fix: did you mean minReplicas?',
    ],
    [{ security: { runAsUsr: 10001 } }, '[test/web] security.runAsUsr: got 10001; not a prop of PodSecurityOptions. Fix: did you mean runAsUser?'],
    [
      { readiness: js(LabelExpression.exists('x')) },
      '[test/web] readiness: got {"key":"x","operator":"Exists"}; must be a Probe. Fix: use Probe.httpGet(...), Probe.tcpSocket() or Probe.exec([...])',
    ],
    [
      { sidecars: [{ name: 'log', image: IMAGE, port: 9000, readiness: Probe.httpGet('/ready'), liveness: Probe.tcpSocket(), imagee: 'x' }] },
      '[test/web] sidecars[0].imagee: got "x"; not a prop of SidecarOptions. Fix: did you mean image?',
    ],
    [
      { colour: 'blue' },
      '[test/web] colour: got "blue"; not a prop of StatelessWebTier. Fix: remove it; the props of StatelessWebTier are name, namespace, instance, partOf, version, component, labels, annotations, minReadySeconds, revisionHistoryLimit, terminationGracePeriodSeconds, serviceType, servicePort, nodePort, env, writablePaths, readiness, liveness, startup, resources, security, serviceAccountName, priorityClassName, nodeSelector, tolerations, imagePullSecrets, readOnlyVolumes, initContainers, imageRegistry, nodeAffinity, image, replicas, rollout, progressDeadlineSeconds, preStopDelaySeconds, selectorExpressions, port, portName, command, args, configFiles, configMountPath, sharedPath, autoscaling, sidecars, metrics',
    ],
    [
      { resources: 5 },
      '[test/web] resources: got 5; must be ResourceOptions (an object with the keys cpuRequest, cpuLimit, memoryRequest, memoryLimit, ephemeralStorageRequest, ephemeralStorageLimit). Fix: write resources as an object like { cpuRequest: "250m", memoryLimit: "512Mi" }, or leave it out',
    ],
    [{ env: 5 }, "[test/web] env: got 5; must be a map of keys to values. Fix: write env like { LOG_LEVEL: EnvValue.fromValue('info') }, or leave it out"],
    [
      { security: 'root' },
      '[test/web] security: got "root"; must be PodSecurityOptions (an object with the keys runAsUser, runAsGroup, fsGroup). Fix: write security as an object like { runAsUser: 10001 }, or leave it out',
    ],
  ])('web tier %j', (props, line) => {
    expect(linesOf(web(js(props)))).toEqual([line]);
  });

  test('probe options, engine options, claims, retention and update options', () => {
    expect(linesOf(web({ readiness: Probe.httpGet('/', js({ periodSecond: 5 })) }))).toEqual([
      '[test/web] readiness.periodSecond: got 5; not a prop of PortProbeOptions. Fix: did you mean periodSeconds?',
    ]);
    expect(linesOf(db({ engine: DatabaseEngine.postgres(js({ version: '16.4', datbase: 'orders' })) }))).toEqual([
      '[test/db] engine.datbase: got "orders"; not a prop of PostgresOptions. Fix: did you mean database?',
    ]);
    expect(linesOf(db({ volumeClaims: [js({ name: 'wal', mountpath: '/wal' })] }))).toEqual([
      '[test/db] volumeClaims[0].mountpath: got "/wal"; not a prop of VolumeClaimOptions. Fix: did you mean mountPath?',
    ]);
    // a required prop written misspelt is reported once, as the misspelling
    expect(linesOf(web({ sidecars: [js({ name: 'log', imag: IMAGE, port: 9000, readiness: Probe.httpGet('/ready'), liveness: Probe.tcpSocket() })] }))).toEqual(
      ['[test/web] sidecars[0].imag: got "registry.example.com/shop/web:1.4.2"; not a prop of SidecarOptions. Fix: did you mean image?'],
    );
    expect(linesOf(db({ claimRetention: js({ whenDelete: 'Delete' }) }))).toEqual([
      '[test/db] claimRetention.whenDelete: got "Delete"; not a prop of ClaimRetentionPolicy. Fix: did you mean whenDeleted?',
    ]);
  });

  test('environment props and tier overrides of a GitOpsApp', () => {
    const render = (props: object) => {
      const root = new GitOpsApp({ outdir: path.join(os.tmpdir(), 'cdk8s-tiers-user-errors') });
      const env = new Environment(root, 'dev', js(props));
      new StatelessWebTier(env, 'web', { image: IMAGE, replicas: env.replicas('web', 2) });
      try {
        root.render();
      } catch (e) {
        return TiersProblems.fromError(e).map((p) => p.message);
      }
      return [];
    };
    expect(render({ namespce: 'shop' })).toEqual(['[dev] namespce: got "shop"; not a prop of Environment. Fix: did you mean namespace?']);
    expect(render({ tiers: { web: { replica: 2 } } })).toEqual(['[dev] tiers.web.replica: got 2; not a prop of TierOverrides. Fix: did you mean replicas?']);
    expect(caughtProblems(() => new GitOpsApp(js({ outdir: path.join(os.tmpdir(), 'x'), outDir: 'dist' })).render())).toEqual(
      expect.arrayContaining(['[app] outDir: got "dist"; not a prop of GitOpsApp. Fix: did you mean outdir?']),
    );
  });
});

describe('labels the library owns, and connecting a tier to itself', () => {
  test('a user label app.kubernetes.io/name is reported, not dropped', () => {
    expect(linesOf(web({ labels: { 'app.kubernetes.io/name': 'shop' } }))).toEqual([
      '[test/web] labels["app.kubernetes.io/name"]: got "shop"; the library sets app.kubernetes.io/name itself, so this value would be replaced. Fix: remove it and set the name prop instead',
    ]);
    expect(linesOf(db({ annotations: { 'kubectl.kubernetes.io/default-container': 'x' } }))).toEqual([
      '[test/db] annotations["kubectl.kubernetes.io/default-container"]: got "x"; the library sets kubectl.kubernetes.io/default-container itself, so this value would be replaced. Fix: remove it (the library names the main container there)',
    ]);
  });

  test('tier.connectTo(tier)', () => {
    expect(
      linesOf((c) => {
        const tier = new StatelessWebTier(c, 'web', { image: IMAGE });
        tier.connectTo(tier);
      }),
    ).toEqual([
      '[test/web] connectTo: got "test/web"; a tier cannot connect to itself: its pods would get their own Service as a dependency. Fix: connect it to another tier, or remove the call',
    ]);
  });
});

describe('fixes a user can act on', () => {
  test('a value of a second copy of cdk8s (two installs) names the copies, not a JSON patch the user never wrote', () => {
    let other: typeof import('cdk8s') | undefined;
    jest.isolateModules(() => {
      other = jest.requireActual<typeof import('cdk8s')>('cdk8s');
    });
    const lines = linesOf((c) => {
      new StatelessWebTier(c, 'web', { image: IMAGE });
      new ApiObject(c, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: other!.Lazy.any({ produce: () => 'b' }) } });
    });
    expect(lines).toEqual([
      expect.stringMatching(
        /^\[test\/cm\] schema\/renders: ConfigMap x: cannot be rendered: .*non-simple object of type 'Lazy'.*\. Fix: install cdk8s, constructs and cdk8s-plus-28 once: `npm ls cdk8s` shows two copies/,
      ),
    ]);
    expect(lines.join('\n')).not.toMatch(/JSON patch/);
  });

  test('a required prop is never told to be left out', () => {
    expect(linesOf(web({ autoscaling: { maxReplicas: js('10') } }))).toEqual([
      '[test/web] autoscaling.maxReplicas: got "10"; must be a whole number >= 1. Fix: set autoscaling.maxReplicas (required) to a whole number >= 1',
    ]);
  });
});
