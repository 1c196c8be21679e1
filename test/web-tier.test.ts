import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvValue, LabelExpression, PercentOrAbsolute, Probe, Rollout, ServiceType, StatelessWebTier, StatelessWebTierProps } from '../src';
import { all, chart, find, mainContainer, Manifest, RESTRICTED_CONTAINER_SECURITY, synth } from './util';

const IMAGE = 'registry.example.com/shop/web:1.4.2';

function render(props: Partial<StatelessWebTierProps> = {}, namespace?: string): { tier: StatelessWebTier; objects: Manifest[] } {
  const c = chart(namespace);
  const tier = new StatelessWebTier(c, 'web', { image: IMAGE, ...props });
  return { tier, objects: synth(c) };
}

/** Synthesizes and returns the error message (fails the test when synth succeeds). */
function problemsOf(props: Partial<StatelessWebTierProps>): string {
  const c = chart();
  new StatelessWebTier(c, 'web', { image: IMAGE, ...props });
  try {
    Testing.synth(c);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('synth succeeded');
}

const deployment = (o: Manifest[]) => find(o, 'Deployment', 'web');
const podSpec = (o: Manifest[]) => deployment(o).spec.template.spec;

describe('snapshots', () => {
  test('defaults', () => {
    expect(render().objects).toMatchSnapshot();
  });

  test('every prop set', () => {
    const c = chart('shop');
    const tier = new StatelessWebTier(c, 'web', {
      image: 'registry.example.com/shop/web@sha256:' + 'a'.repeat(64),
      name: 'storefront',
      namespace: 'shop',
      instance: 'storefront-eu',
      partOf: 'shop',
      version: '2.0.0',
      component: 'frontend',
      labels: { team: 'checkout', track: 'stable' },
      annotations: { 'example.com/owner': 'checkout@example.com' },
      rollout: Rollout.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(1), maxUnavailable: PercentOrAbsolute.percent(10) }),
      minReadySeconds: 10,
      progressDeadlineSeconds: 300,
      revisionHistoryLimit: 3,
      terminationGracePeriodSeconds: 45,
      selectorExpressions: [LabelExpression.in('track', ['stable', 'canary'])],
      port: 3000,
      portName: 'web',
      serviceType: ServiceType.NODE_PORT,
      servicePort: 8080,
      nodePort: 30100,
      command: ['node'],
      args: ['server.js'],
      env: {
        LOG_LEVEL: EnvValue.fromValue('info'),
        API_TOKEN: EnvValue.fromSecretKey('web-secrets', 'token'),
        FLAGS: EnvValue.fromConfigMapKey('flags', 'all'),
        POD_NAME: EnvValue.fromFieldPath('metadata.name'),
      },
      configFiles: { 'app.json': '{"a":1}', 'extra.conf': 'x=1\n' },
      configMountPath: '/etc/storefront',
      writablePaths: ['/var/cache/web'],
      sharedPath: '/var/run/shared',
      readiness: Probe.httpGet('/ready', { periodSeconds: 3, timeoutSeconds: 1, failureThreshold: 2, successThreshold: 2 }),
      liveness: Probe.httpGet('/live', { initialDelaySeconds: 15, periodSeconds: 20, failureThreshold: 6 }),
      startup: Probe.tcpSocket({ periodSeconds: 2, failureThreshold: 60 }),
      resources: {
        cpuRequest: '200m',
        cpuLimit: '1',
        memoryRequest: '256Mi',
        memoryLimit: '512Mi',
        ephemeralStorageRequest: '100Mi',
        ephemeralStorageLimit: '1Gi',
      },
      security: { runAsUser: 20000, runAsGroup: 20001, fsGroup: 20002 },
      serviceAccountName: 'storefront',
      autoscaling: { minReplicas: 3, maxReplicas: 10, cpuUtilizationPercent: 60 },
      sidecars: [
        { name: 'metrics', image: 'registry.example.com/tools/exporter:0.9.1', port: 9113, readiness: Probe.httpGet('/metrics', { periodSeconds: 5 }) },
      ],
    });
    new ApiObject(c, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'storefront', namespace: 'shop' } });
    expect(tier.name).toBe('storefront');
    expect(synth(c)).toMatchSnapshot();
  });
});

describe('Deployment', () => {
  test('defaults: 2 replicas, stable selector, rolling update 25%/0, history 10', () => {
    const { tier, objects } = render();
    const d = deployment(objects);
    expect(tier.replicas).toBe(2);
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } });
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    expect(d.spec.minReadySeconds).toBe(5);
    expect(d.spec.progressDeadlineSeconds).toBe(600);
    expect(d.spec.revisionHistoryLimit).toBe(10);
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(30);
  });

  test('is the default child, and every child is a public field', () => {
    const { tier } = render({ configFiles: { a: 'b' }, autoscaling: { maxReplicas: 4 } });
    expect(ApiObject.of(tier)).toBe(tier.deployment);
    expect(tier.service.kind).toBe('Service');
    expect(tier.networkPolicy.kind).toBe('NetworkPolicy');
    expect(tier.podDisruptionBudget?.kind).toBe('PodDisruptionBudget');
    expect(tier.autoscaler?.kind).toBe('HorizontalPodAutoscaler');
    expect(tier.configMap?.kind).toBe('ConfigMap');
  });

  test('can configure replicas, recreate, timings', () => {
    const d = deployment(
      render({ replicas: 5, rollout: Rollout.recreate(), minReadySeconds: 0, progressDeadlineSeconds: 120, revisionHistoryLimit: 0 }).objects,
    );
    expect(d.spec.replicas).toBe(5);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(d.spec.minReadySeconds).toBe(0);
    expect(d.spec.progressDeadlineSeconds).toBe(120);
    expect(d.spec.revisionHistoryLimit).toBe(0);
  });

  test('can configure surge and unavailability as counts or percentages', () => {
    const d = deployment(
      render({ rollout: Rollout.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(2), maxUnavailable: PercentOrAbsolute.percent(50) }) }).objects,
    );
    expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: 2, maxUnavailable: '50%' });
  });

  test('scales to zero', () => {
    const { objects } = render({ replicas: 0 });
    expect(deployment(objects).spec.replicas).toBe(0);
    expect(all(objects, 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('can add set-based selector expressions that the pod labels satisfy', () => {
    const d = deployment(
      render({
        labels: { track: 'stable' },
        selectorExpressions: [
          LabelExpression.in('track', ['stable', 'canary']),
          LabelExpression.notIn('tier', ['db']),
          LabelExpression.exists('track'),
          LabelExpression.doesNotExist('legacy'),
        ],
      }).objects,
    );
    expect(d.spec.selector.matchExpressions).toEqual([
      { key: 'track', operator: 'In', values: ['stable', 'canary'] },
      { key: 'tier', operator: 'NotIn', values: ['db'] },
      { key: 'track', operator: 'Exists' },
      { key: 'legacy', operator: 'DoesNotExist' },
    ]);
    expect(d.spec.template.metadata.labels.track).toBe('stable');
  });

  test('rejects selector expressions the pods do not satisfy, or on the version label', () => {
    expect(problemsOf({ selectorExpressions: [LabelExpression.in('track', ['stable'])] })).toMatch(
      /\[test\/web\] selectorExpressions\[0\]: got "track In \[\\"stable\\"\]"; the pod labels do not satisfy it/,
    );
    expect(problemsOf({ selectorExpressions: [LabelExpression.exists('app.kubernetes.io/version')] })).toMatch(
      /selectorExpressions\[0\]\.key: got "app.kubernetes.io\/version"; the version label changes with every release/,
    );
    expect(problemsOf({ selectorExpressions: [LabelExpression.in('track', [])] })).toMatch(
      /selectorExpressions\[0\]\.values: got \[\]; In needs a non-empty list/,
    );
  });

  test('rejects bad replicas', () => {
    expect(problemsOf({ replicas: -1 })).toMatch(/\[test\/web\] replicas: got -1; must be a whole number >= 0\. Fix: set replicas to a whole number >= 0/);
    expect(problemsOf({ replicas: 1.5 })).toMatch(/replicas: got 1.5; must be a whole number >= 0/);
    expect(problemsOf({ replicas: NaN })).toMatch(/replicas: got NaN; must be a whole number >= 0/);
  });

  test('rejects bad surge and unavailability', () => {
    expect(problemsOf({ rollout: Rollout.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(0), maxUnavailable: PercentOrAbsolute.absolute(0) }) })).toMatch(
      /rollout\.maxSurge and rollout\.maxUnavailable: got "0 and 0"; cannot both be zero/,
    );
    expect(problemsOf({ rollout: Rollout.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(120) }) })).toMatch(
      /rollout\.maxSurge: got "120%"; must be a whole percentage from 0 to 100/,
    );
    expect(problemsOf({ rollout: Rollout.rollingUpdate({ maxUnavailable: PercentOrAbsolute.absolute(-1) }) })).toMatch(
      /rollout\.maxUnavailable: got -1; must be a whole number of pods >= 0/,
    );
  });

  test('rejects a progress deadline not above minReadySeconds', () => {
    expect(problemsOf({ minReadySeconds: 60, progressDeadlineSeconds: 60 })).toMatch(
      /progressDeadlineSeconds: got 60; must be greater than minReadySeconds \(60\)/,
    );
    expect(problemsOf({ revisionHistoryLimit: -2 })).toMatch(/revisionHistoryLimit: got -2; must be a whole number >= 0/);
  });
});

describe('labels and names', () => {
  test('defaults: recommended labels, version from the image tag, never in the selector', () => {
    const { objects } = render();
    const expected = {
      'app.kubernetes.io/name': 'web',
      'app.kubernetes.io/instance': 'web',
      'app.kubernetes.io/component': 'web',
      'app.kubernetes.io/version': '1.4.2',
      'app.kubernetes.io/managed-by': 'cdk8s-tiers',
    };
    for (const o of objects) expect(o.metadata.labels).toEqual(expected);
    expect(deployment(objects).spec.template.metadata.labels).toEqual(expected);
    expect(find(objects, 'Service', 'web').spec.selector).toEqual({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' });
  });

  test('an image pinned by digest only gets no version label', () => {
    const { objects } = render({ image: 'registry.example.com/shop/web@sha256:' + 'b'.repeat(64) });
    expect(deployment(objects).metadata.labels['app.kubernetes.io/version']).toBeUndefined();
  });

  test('can configure name, namespace, instance, part-of, component, extra labels and annotations', () => {
    const { objects } = render({
      name: 'shop-front',
      namespace: 'shop',
      instance: 'eu',
      partOf: 'shop',
      component: 'frontend',
      labels: { team: 'a' },
      annotations: { 'example.com/x': 'y' },
    });
    const d = find(objects, 'Deployment', 'shop-front');
    expect(d.metadata.namespace).toBe('shop');
    expect(d.metadata.labels).toMatchObject({
      'app.kubernetes.io/instance': 'eu',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/component': 'frontend',
      team: 'a',
    });
    expect(d.metadata.annotations).toEqual({ 'example.com/x': 'y' });
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'shop-front', 'app.kubernetes.io/instance': 'eu' });
    for (const o of objects) expect(o.metadata.namespace).toBe('shop');
  });

  test('takes the chart namespace when none is given', () => {
    const { objects } = render({}, 'team-a');
    for (const o of objects) expect(o.metadata.namespace).toBe('team-a');
  });

  test('user labels cannot override the recommended labels: they are reported, not dropped', () => {
    expect(
      problemsOf({ labels: { 'app.kubernetes.io/name': 'other' } })
        .split('\n')
        .filter((l) => l.startsWith('  [')),
    ).toEqual([
      '  [test/web] labels["app.kubernetes.io/name"]: got "other"; the library sets app.kubernetes.io/name itself, so this value would be replaced. Fix: remove it and set the name prop instead',
    ]);
  });

  test('rejects names that are not DNS-1035 labels', () => {
    expect(problemsOf({ name: 'Web_1' })).toMatch(
      /\[test\/web\] name: got "Web_1"; must be a DNS-1035 label of at most 63 characters \(it names the Service\).*Fix: use a name like "shop-front"/,
    );
    expect(problemsOf({ name: '1web' })).toMatch(/name: got "1web"; must be a DNS-1035 label/);
    expect(problemsOf({ name: 'a'.repeat(64) })).toMatch(/name: got "a{64}"; must be a DNS-1035 label/);
    expect(problemsOf({ namespace: 'Shop' })).toMatch(/namespace: got "Shop"; must be a DNS-1123 label/);
  });

  test('rejects bad label keys and values', () => {
    expect(problemsOf({ labels: { 'bad key!': 'x' } })).toMatch(/labels key: got "bad key!"; must be a label key/);
    expect(problemsOf({ labels: { team: 'not ok' } })).toMatch(/labels\["team"\]: got "not ok"; must be a label value/);
    expect(problemsOf({ version: 'v'.repeat(64) })).toMatch(/version: got "v{64}"; must be a label value/);
  });
});

describe('Service', () => {
  test('defaults: NodePort on port 80 to the named container port, cluster-chosen node port', () => {
    const { tier, objects } = render();
    const s = find(objects, 'Service', 'web');
    expect(s.spec).toEqual({
      type: 'NodePort',
      selector: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
    expect(tier.serviceType).toBe(ServiceType.NODE_PORT);
    expect(tier.servicePort).toBe(80);
  });

  test('can fix the node port, the ports, or be ClusterIP', () => {
    const fixed = find(render({ nodePort: 30080, servicePort: 8081, port: 3000, portName: 'web' }).objects, 'Service', 'web');
    expect(fixed.spec.ports).toEqual([{ name: 'web', port: 8081, targetPort: 'web', protocol: 'TCP', nodePort: 30080 }]);
    const internal = find(render({ serviceType: ServiceType.CLUSTER_IP }).objects, 'Service', 'web');
    expect(internal.spec.type).toBe('ClusterIP');
    expect(internal.spec.ports[0].nodePort).toBeUndefined();
  });

  test('rejects ports out of range', () => {
    expect(problemsOf({ port: 0 })).toMatch(/\] port: got 0; must be a port number from 1 to 65535/);
    expect(problemsOf({ servicePort: 70000 })).toMatch(/servicePort: got 70000; must be a port number from 1 to 65535/);
    expect(problemsOf({ portName: 'this-name-is-too-long' })).toMatch(/portName: got "this-name-is-too-long"; must be an IANA service name/);
  });

  test('rejects node ports outside 30000-32767 or on a ClusterIP Service', () => {
    expect(problemsOf({ nodePort: 29999 })).toMatch(/nodePort: got 29999; must be a node port from 30000 to 32767/);
    expect(problemsOf({ nodePort: 30001, serviceType: ServiceType.CLUSTER_IP })).toMatch(
      /nodePort: got 30001; only a NodePort Service has a node port \(serviceType is ClusterIP\)/,
    );
  });

  test('rejects two Services of one app on the same node port, naming both', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    new StatelessWebTier(a, 'one', { image: IMAGE, nodePort: 30500 });
    new StatelessWebTier(b, 'two', { image: IMAGE, nodePort: 30500 });
    expect(() => app.synth()).toThrow(
      /\[a\/one\] nodePort: got 30500; is also asked for by b\/two[\s\S]*\[b\/two\] nodePort: got 30500; is also asked for by a\/one/,
    );
  });
});

describe('pod hardening', () => {
  test('defaults: non-root 10001, no privilege escalation, drop ALL, RuntimeDefault, read-only root with /tmp', () => {
    const { objects } = render();
    const spec = podSpec(objects);
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.enableServiceLinks).toBe(false);
    expect(spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    const c = mainContainer(deployment(objects));
    expect(c.securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY);
    expect(c.imagePullPolicy).toBe('Always');
    expect(c.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
  });

  test('can override uid, gid, fsGroup and add writable paths', () => {
    const { objects } = render({ security: { runAsUser: 12345, runAsGroup: 23456, fsGroup: 34567 }, writablePaths: ['/var/cache/nginx', '/var/run'] });
    const spec = podSpec(objects);
    expect(spec.securityContext).toMatchObject({ runAsUser: 12345, runAsGroup: 23456, fsGroup: 34567, fsGroupChangePolicy: 'OnRootMismatch' });
    expect(mainContainer(deployment(objects)).volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'var-cache-nginx', mountPath: '/var/cache/nginx' },
      { name: 'var-run', mountPath: '/var/run' },
    ]);
    expect(spec.volumes.map((v: Manifest) => v.name)).toEqual(['tmp', 'var-cache-nginx', 'var-run']);
  });

  test('rejects low uids, bad writable paths', () => {
    expect(problemsOf({ security: { runAsUser: 101 } })).toMatch(
      /security\.runAsUser: got 101; must be a whole number from 10000 to 2147483647\. Fix: use an id of 10000 or more/,
    );
    expect(problemsOf({ security: { runAsGroup: 0 } })).toMatch(/security\.runAsGroup: got 0; must be a whole number from 10000/);
    expect(problemsOf({ writablePaths: ['var/cache'] })).toMatch(/writablePaths: got "var\/cache"; each writable path must be an absolute, normalised path/);
    expect(problemsOf({ writablePaths: ['/a/b', '/a-b'] })).toMatch(/writablePaths: got "a-b"; the volume name is already used by writablePaths/);
  });

  test('rejects unpinned or malformed images', () => {
    expect(problemsOf({ image: 'nginx' })).toMatch(/\[test\/web\] image: got "nginx"; must be pinned to a version tag \(not "latest"\) or a sha256 digest/);
    expect(problemsOf({ image: 'nginx:latest' })).toMatch(/image: got "nginx:latest"; must be pinned/);
    expect(problemsOf({ image: 'Nginx:1.0' })).toMatch(/image: got "Nginx:1.0"; must be an image reference/);
    expect(problemsOf({ image: '' })).toMatch(/image: got ""; must be an image reference/);
  });
});

describe('probes', () => {
  test('defaults: HTTP readiness and TCP liveness that differ, no startup probe', () => {
    const c = mainContainer(deployment(render().objects));
    expect(c.readinessProbe).toEqual({
      httpGet: { path: '/', port: 'http' },
      initialDelaySeconds: 0,
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
      successThreshold: 1,
    });
    expect(c.livenessProbe).toEqual({
      tcpSocket: { port: 'http' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 2,
      failureThreshold: 3,
      successThreshold: 1,
    });
    expect(c.startupProbe).toBeUndefined();
  });

  test('tiers that keep the default probes share them (a Probe is never changed), and each renders them on its own port', () => {
    const c = chart();
    const a = new StatelessWebTier(c, 'a', { image: IMAGE });
    const b = new StatelessWebTier(c, 'b', { image: IMAGE, portName: 'web' });
    const own = new StatelessWebTier(c, 'own', { image: IMAGE, readiness: Probe.httpGet('/', { periodSeconds: 5 }) });
    type Built = { input: { readiness: unknown; liveness: unknown } };
    const input = (t: StatelessWebTier) => (t as unknown as { _containers: Built[] })._containers[0].input;
    expect(input(a).readiness).toBe(input(b).readiness);
    expect(input(a).liveness).toBe(input(b).liveness);
    expect(input(own).readiness).not.toBe(input(a).readiness);
    const objects = synth(c);
    const probes = (name: string) => {
      const m = mainContainer(find(objects, 'Deployment', name));
      return [m.readinessProbe, m.livenessProbe];
    };
    expect(probes('a')[0].httpGet).toEqual({ path: '/', port: 'http' });
    expect(probes('b')[0].httpGet).toEqual({ path: '/', port: 'web' });
    expect(probes('b')[1].tcpSocket).toEqual({ port: 'web' });
    expect(probes('own')).toEqual(probes('a'));
  });

  test('tiers that keep the default rollout share it (its budgets are values), and one given its own renders that', () => {
    const c = chart();
    const a = new StatelessWebTier(c, 'a', { image: IMAGE });
    const b = new StatelessWebTier(c, 'b', { image: IMAGE });
    const own = new StatelessWebTier(c, 'own', { image: IMAGE, rollout: Rollout.rollingUpdate({ maxSurge: PercentOrAbsolute.absolute(3) }) });
    expect(a.rollout).toBe(b.rollout);
    expect(own.rollout).not.toBe(a.rollout);
    const objects = synth(c);
    expect(find(objects, 'Deployment', 'a').spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    expect(find(objects, 'Deployment', 'own').spec.strategy.rollingUpdate.maxSurge).toBe(3);
  });

  test('can configure every probe and timing', () => {
    const c = mainContainer(
      deployment(
        render({
          readiness: Probe.tcpSocket({ periodSeconds: 3 }),
          liveness: Probe.exec(['/bin/health', '--live'], { timeoutSeconds: 5, failureThreshold: 9 }),
          startup: Probe.httpGet('/started', { periodSeconds: 1, failureThreshold: 120 }),
        }).objects,
      ),
    );
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(c.livenessProbe).toMatchObject({ exec: { command: ['/bin/health', '--live'] }, timeoutSeconds: 5, failureThreshold: 9 });
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/started', port: 'http' }, periodSeconds: 1, failureThreshold: 120 });
  });

  test('rejects identical probes, bad thresholds, unknown ports', () => {
    expect(problemsOf({ readiness: Probe.tcpSocket(), liveness: Probe.tcpSocket() })).toMatch(
      /liveness: got "the same handler as readiness"; liveness and readiness must use different handlers/,
    );
    // timings do not make two probes differ: the handler does
    expect(problemsOf({ readiness: Probe.httpGet('/ready'), liveness: Probe.httpGet('/ready', { periodSeconds: 30, failureThreshold: 10 }) })).toMatch(
      /liveness: got "the same handler as readiness"/,
    );
    expect(problemsOf({ liveness: Probe.tcpSocket({ successThreshold: 2 }) })).toMatch(
      /liveness\.successThreshold: got 2; must be 1 for liveness and startup probes/,
    );
    expect(problemsOf({ readiness: Probe.httpGet('/', { portName: 'admin' }) })).toMatch(
      /readiness\.portName: got "admin"; names a port the container does not declare/,
    );
    expect(problemsOf({ readiness: Probe.httpGet('healthz') })).toMatch(/readiness path: got "healthz"; must be an absolute URL path/);
    expect(problemsOf({ readiness: Probe.exec([]) })).toMatch(/readiness command: got \[\]; must be a non-empty list of strings/);
    expect(problemsOf({ startup: Probe.tcpSocket({ periodSeconds: 0 }) })).toMatch(/startup\.periodSeconds: got 0; must be a whole number >= 1/);
  });

  test('compares the handlers as rendered: a command, a path, a port named or left out', () => {
    const same = /liveness: got "the same handler as readiness"/;
    expect(problemsOf({ readiness: Probe.exec(['/bin/ok', '-q']), liveness: Probe.exec(['/bin/ok', '-q'], { periodSeconds: 30 }) })).toMatch(same);
    // the container's port named, or left out for the same port
    expect(problemsOf({ readiness: Probe.httpGet('/ready', { portName: 'http' }), liveness: Probe.httpGet('/ready') })).toMatch(same);
    expect(problemsOf({ readiness: Probe.tcpSocket({ portName: 'http' }), liveness: Probe.tcpSocket() })).toMatch(same);
    const c = mainContainer(
      deployment(render({ readiness: Probe.exec(['/bin/ok', '-q']), liveness: Probe.exec(['/bin/ok']), startup: Probe.httpGet('/ready') }).objects),
    );
    expect(c.livenessProbe.exec).toEqual({ command: ['/bin/ok'] });
    expect(mainContainer(deployment(render({ readiness: Probe.httpGet('/ready'), liveness: Probe.httpGet('/live') }).objects)).livenessProbe.httpGet).toEqual({
      path: '/live',
      port: 'http',
    });
  });
});

describe('resources', () => {
  test('defaults: modest requests for cpu, memory, disk; limits for memory and disk only', () => {
    expect(mainContainer(deployment(render().objects)).resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
      limits: { memory: '256Mi', 'ephemeral-storage': '256Mi' },
    });
  });

  test('can configure every quantity, including a CPU limit', () => {
    const r = mainContainer(
      deployment(
        render({
          resources: { cpuRequest: '0.5', cpuLimit: '2', memoryRequest: '1Gi', memoryLimit: '1Gi', ephemeralStorageRequest: '1G', ephemeralStorageLimit: '2G' },
        }).objects,
      ),
    ).resources;
    expect(r).toEqual({ requests: { cpu: '0.5', memory: '1Gi', 'ephemeral-storage': '1G' }, limits: { cpu: '2', memory: '1Gi', 'ephemeral-storage': '2G' } });
  });

  test('rejects bad quantities and requests above limits', () => {
    expect(problemsOf({ resources: { memoryLimit: '12x' } })).toMatch(/resources\.memoryLimit: got "12x"; must be a positive Kubernetes quantity/);
    expect(problemsOf({ resources: { cpuRequest: '-1' } })).toMatch(/resources\.cpuRequest: got "-1"; must be a positive Kubernetes quantity/);
    expect(problemsOf({ resources: { memoryRequest: '1Gi', memoryLimit: '512Mi' } })).toMatch(
      /resources\.memoryRequest: got "1Gi"; must not exceed resources\.memoryLimit \(512Mi\)/,
    );
    expect(problemsOf({ resources: { cpuRequest: '2', cpuLimit: '500m' } })).toMatch(
      /resources\.cpuRequest: got "2"; must not exceed resources\.cpuLimit \(500m\)/,
    );
    expect(problemsOf({ resources: { ephemeralStorageRequest: '1Gi' } })).toMatch(
      /resources\.ephemeralStorageRequest: got "1Gi"; must not exceed resources\.ephemeralStorageLimit \(256Mi\)/,
    );
  });
});

describe('availability: PDB, spread, anti-affinity', () => {
  const selector = { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } };

  test('defaults with 2 replicas: PDB maxUnavailable 1, zone and host spread, host anti-affinity', () => {
    const { objects } = render();
    expect(find(objects, 'PodDisruptionBudget', 'web').spec).toEqual({ maxUnavailable: 1, selector, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    const spec = podSpec(objects);
    expect(spec.topologySpreadConstraints.map((t: Manifest) => [t.topologyKey, t.whenUnsatisfiable, t.maxSkew])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', 1],
      ['kubernetes.io/hostname', 'ScheduleAnyway', 1],
    ]);
    expect(spec.topologySpreadConstraints[0].labelSelector).toEqual(selector);
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } },
    ]);
  });

  test('a single replica gets neither PDB nor spreading', () => {
    const { objects } = render({ replicas: 1 });
    expect(all(objects, 'PodDisruptionBudget')).toHaveLength(0);
    expect(podSpec(objects).topologySpreadConstraints).toBeUndefined();
    expect(podSpec(objects).affinity).toBeUndefined();
  });
});

describe('autoscaling', () => {
  test('defaults: no HPA', () => {
    expect(all(render().objects, 'HorizontalPodAutoscaler')).toHaveLength(0);
  });

  test('can add an HPA that owns the replica count', () => {
    const { tier, objects } = render({ autoscaling: { maxReplicas: 8 } });
    expect(find(objects, 'HorizontalPodAutoscaler', 'web').spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 2,
      maxReplicas: 8,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(tier.replicas).toBeUndefined();
    expect(deployment(objects).spec.replicas).toBeUndefined();
    expect(all(objects, 'PodDisruptionBudget')).toHaveLength(1);
  });

  test('rejects replicas with autoscaling, min above max, bad targets', () => {
    expect(problemsOf({ replicas: 3, autoscaling: { maxReplicas: 5 } })).toMatch(
      /replicas: got 3; cannot be set together with autoscaling.*Fix: remove replicas and set autoscaling.minReplicas instead/,
    );
    expect(problemsOf({ autoscaling: { minReplicas: 6, maxReplicas: 5 } })).toMatch(
      /autoscaling\.minReplicas: got 6; must not exceed autoscaling\.maxReplicas \(5\)/,
    );
    expect(problemsOf({ autoscaling: { minReplicas: 0, maxReplicas: 5 } })).toMatch(/autoscaling\.minReplicas: got 0; must be a whole number >= 1/);
    expect(problemsOf({ autoscaling: { maxReplicas: 5, cpuUtilizationPercent: 0 } })).toMatch(
      /autoscaling\.cpuUtilizationPercent: got 0; must be a whole number from 1 to 1000/,
    );
  });
});

describe('environment and config files', () => {
  test('can set literal, Secret, ConfigMap and field values in order', () => {
    const c = mainContainer(
      deployment(
        render({
          env: {
            B: EnvValue.fromValue('1'),
            DB_PASSWORD: EnvValue.fromSecretKey('db-creds', 'password'),
            A: EnvValue.fromConfigMapKey('cfg', 'a'),
            POD: EnvValue.fromFieldPath('metadata.name'),
          },
        }).objects,
      ),
    );
    expect(c.env).toEqual([
      { name: 'B', value: '1' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-creds', key: 'password' } } },
      { name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'a' } } },
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
  });

  test('rejects literal values for secret-looking names and bad env names', () => {
    const msg = problemsOf({ env: { DB_PASSWORD: EnvValue.fromValue('hunter2') } });
    expect(msg).toMatch(
      /env\["DB_PASSWORD"\]: got "\(literal value hidden\)"; "DB_PASSWORD" looks like a credential.*Fix: create a Secret and use EnvValue.fromSecretKey/,
    );
    expect(msg).not.toContain('hunter2');
    expect(problemsOf({ env: { '1BAD': EnvValue.fromValue('x') } })).toMatch(/env\["1BAD"\]: got "1BAD"; an environment variable name must/);
    expect(problemsOf({ env: { X: EnvValue.fromSecretKey('Bad_Name', 'k') } })).toMatch(
      /env\["X"\]: got "Bad_Name"; the Secret name must be a DNS-1123 subdomain/,
    );
  });

  test('config files become a mounted ConfigMap, and a checksum that rolls the pods on change', () => {
    const a = render({ configFiles: { 'app.conf': 'a=1' }, configMountPath: '/etc/app' }).objects;
    const b = render({ configFiles: { 'app.conf': 'a=2' }, configMountPath: '/etc/app' }).objects;
    expect(find(a, 'ConfigMap', 'web-config').data).toEqual({ 'app.conf': 'a=1' });
    const spec = podSpec(a);
    expect(spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'web-config' } });
    expect(mainContainer(deployment(a)).volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/app', readOnly: true });
    const sum = (o: Manifest[]) => deployment(o).spec.template.metadata.annotations['checksum/config'];
    expect(sum(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(sum(a)).not.toEqual(sum(b));
    expect(sum(a)).toEqual(sum(render({ configFiles: { 'app.conf': 'a=1' }, configMountPath: '/etc/app' }).objects));
  });

  test('defaults: no ConfigMap; config mounted at /config when files are given', () => {
    expect(all(render().objects, 'ConfigMap')).toHaveLength(0);
    expect(mainContainer(deployment(render({ configFiles: { x: 'y' } }).objects)).volumeMounts).toContainEqual({
      name: 'config',
      mountPath: '/config',
      readOnly: true,
    });
  });

  test('rejects bad config file names and a mount path without files or clashing', () => {
    expect(problemsOf({ configFiles: { 'a/b': 'x' } })).toMatch(/configFiles key: got "a\/b"; a ConfigMap key must consist of/);
    expect(problemsOf({ configMountPath: '/etc/x' })).toMatch(/configMountPath: got "\/etc\/x"; has no effect without configFiles/);
    expect(problemsOf({ configFiles: { a: 'b' }, configMountPath: '/tmp' })).toMatch(
      /configMountPath: got "\/tmp"; container "web" already mounts a volume at that path/,
    );
  });
});

describe('sidecars', () => {
  test('share the pod network and a shared emptyDir, hardened the same way', () => {
    const c = chart();
    const tier = new StatelessWebTier(c, 'web', {
      image: IMAGE,
      sidecars: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31.2', port: 9901, readiness: Probe.httpGet('/ready') }],
    });
    tier.addSidecar({ name: 'logs', image: 'fluent/fluent-bit:3.1.9', readiness: Probe.exec(['true']), liveness: Probe.exec(['/bin/sh', '-c', 'true']) });
    const objects = synth(c);
    const spec = podSpec(objects);
    expect(spec.containers.map((x: Manifest) => x.name)).toEqual(['web', 'proxy', 'logs']);
    for (const x of spec.containers) {
      expect(x.securityContext.readOnlyRootFilesystem).toBe(true);
      expect(x.volumeMounts).toContainEqual({ name: 'shared', mountPath: '/shared' });
    }
    const proxy = spec.containers[1];
    expect(proxy.ports).toEqual([{ name: 'proxy', containerPort: 9901, protocol: 'TCP' }]);
    // readiness as given (it has no default); liveness defaults to a TCP check of the port, another handler
    expect(proxy.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'proxy' });
    expect(proxy.livenessProbe).toEqual(expect.objectContaining({ tcpSocket: { port: 'proxy' }, initialDelaySeconds: 10, periodSeconds: 10 }));
    expect(proxy.resources.requests).toEqual({ cpu: '50m', memory: '64Mi', 'ephemeral-storage': '32Mi' });
    expect(proxy.volumeMounts).toContainEqual({ name: 'proxy-tmp', mountPath: '/tmp' });
    expect(spec.volumes.map((v: Manifest) => v.name)).toEqual(['tmp', 'shared', 'proxy-tmp', 'logs-tmp']);
  });

  test('rejects name and port clashes and sidecars without probes', () => {
    expect(problemsOf({ sidecars: [{ name: 'web', image: 'busybox:1.36', port: 9000 }] })).toMatch(
      /sidecars\[0\]\.name: got "web"; container names must be unique within the pod/,
    );
    expect(problemsOf({ sidecars: [{ name: 'twin', image: 'busybox:1.36', port: 8080 }] })).toMatch(
      /sidecars\[0\]\.port: got 8080; container ports must be unique within the pod/,
    );
    expect(problemsOf({ sidecars: [{ name: 'twin', image: 'busybox:1.36', port: 9000, portName: 'http' }] })).toMatch(
      /sidecars\[0\]\.portName: got "http"; port names must be unique within the pod/,
    );
    expect(problemsOf({ sidecars: [{ name: 'quiet', image: 'busybox:1.36' }] })).toMatch(
      /sidecars\[0\]\.readiness: got \(not set\); every container needs a readiness probe/,
    );
    expect(problemsOf({ sidecars: [{ name: 'quiet', image: 'busybox', readiness: Probe.exec(['a']), liveness: Probe.exec(['b']) }] })).toMatch(
      /sidecars\[0\]\.image: got "busybox"; must be pinned/,
    );
  });
});

describe('NetworkPolicy and connections', () => {
  const DNS = {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  };

  test('defaults: a NodePort tier accepts anyone on its port only, and may only reach DNS', () => {
    const np = find(render().objects, 'NetworkPolicy', 'web');
    expect(np.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ ports: [{ protocol: 'TCP', port: 8080 }] }],
      egress: [DNS],
    });
  });

  test('an internal tier accepts its namespace until a client connects, then only its clients', () => {
    const lonely = find(render({ serviceType: ServiceType.CLUSTER_IP }).objects, 'NetworkPolicy', 'web');
    expect(lonely.spec.ingress).toEqual([{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: 8080 }] }]);

    const c = chart('shop');
    const api = new StatelessWebTier(c, 'api', { image: IMAGE, serviceType: ServiceType.CLUSTER_IP, port: 9898, servicePort: 8000 });
    const front = new StatelessWebTier(c, 'front', { image: IMAGE });
    const conn = front.connectTo(api);
    expect(conn).toEqual({ host: 'api.shop.svc.cluster.local', port: 8000, podPort: 9898, env: {} });
    const objects = synth(c);
    const frontSelector = { matchLabels: { 'app.kubernetes.io/name': 'front', 'app.kubernetes.io/instance': 'front' } };
    const apiSelector = { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } };
    expect(find(objects, 'NetworkPolicy', 'api').spec.ingress).toEqual([{ from: [{ podSelector: frontSelector }], ports: [{ protocol: 'TCP', port: 9898 }] }]);
    expect(find(objects, 'NetworkPolicy', 'front').spec.egress).toEqual([
      DNS,
      { to: [{ podSelector: apiSelector }], ports: [{ protocol: 'TCP', port: 9898 }] },
    ]);
    expect(mainContainer(find(objects, 'Deployment', 'front')).env).toEqual([
      { name: 'API_HOST', value: 'api.shop.svc.cluster.local' },
      { name: 'API_PORT', value: '8000' },
    ]);
  });

  test('can choose the env prefix; peers in other namespaces are selected by namespace too', () => {
    const c = chart();
    const api = new StatelessWebTier(c, 'api', { image: IMAGE, namespace: 'backend', serviceType: ServiceType.CLUSTER_IP });
    const front = new StatelessWebTier(c, 'front', { image: IMAGE, namespace: 'edge' });
    front.connectTo(api, { envPrefix: 'BACKEND' });
    const objects = synth(c);
    expect(mainContainer(find(objects, 'Deployment', 'front')).env.map((e: Manifest) => e.name)).toEqual(['BACKEND_HOST', 'BACKEND_PORT']);
    expect(find(objects, 'NetworkPolicy', 'api').spec.ingress[0].from).toEqual([
      {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'front', 'app.kubernetes.io/instance': 'front' } },
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } },
      },
    ]);
  });

  test('rejects a connection whose env clashes with the container env', () => {
    const c = chart();
    const api = new StatelessWebTier(c, 'api', { image: IMAGE, serviceType: ServiceType.CLUSTER_IP });
    const front = new StatelessWebTier(c, 'front', { image: IMAGE, env: { API_HOST: EnvValue.fromValue('x') } });
    front.connectTo(api);
    expect(() => Testing.synth(c)).toThrow(
      /\[test\/front\] connectTo\(test\/api\)\.env: got "API_HOST"; container "front" already has an environment variable of that name/,
    );
  });
});

describe('errors', () => {
  test('every problem of every construct is reported together in one synth', () => {
    const c = chart();
    new StatelessWebTier(c, 'a', { image: 'nginx', replicas: -1 });
    new StatelessWebTier(c, 'b', { image: IMAGE, port: 0 });
    let message = '';
    try {
      Testing.synth(c);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/\[test\/a\] image: got "nginx"/);
    expect(message).toMatch(/\[test\/a\] replicas: got -1/);
    expect(message).toMatch(/\[test\/b\] port: got 0/);
    expect(message).not.toMatch(/undefined|TypeError/);
  });

  test('a failed synth writes nothing', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiers-fail-'));
    const app = new App({ outdir });
    new StatelessWebTier(new Chart(app, 'c'), 'web', { image: 'nginx:latest' });
    expect(() => app.synth()).toThrow(/image: got "nginx:latest"/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('garbage from JavaScript callers gives messages, not TypeErrors', () => {
    const c = chart();
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    new StatelessWebTier(c, 'web', { image: 42, replicas: '3', env: { A: 'plain' }, resources: { memoryLimit: 5 }, sidecars: [null] } as any);
    let message = '';
    try {
      Testing.synth(c);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/image: got 42; must be an image reference/);
    expect(message).toMatch(/replicas: got "3"; must be a whole number/);
    expect(message).toMatch(/env\["A"\]: got "plain"; must be an EnvValue/);
    expect(message).toMatch(/resources\.memoryLimit: got 5; must be a positive Kubernetes quantity/);
    expect(message).toMatch(/sidecars\[0\]: got null; must be SidecarOptions/);
    expect(message).not.toMatch(/TypeError|Cannot read/);
  });
});

test('two synths of the same input are byte-identical', () => {
  const yamlOf = () => {
    const app = Testing.app();
    const c = new Chart(app, 'c', { namespace: 'shop' });
    const api = new StatelessWebTier(c, 'api', { image: IMAGE, serviceType: ServiceType.CLUSTER_IP, configFiles: { b: '2', a: '1' } });
    new StatelessWebTier(c, 'front', { image: IMAGE, nodePort: 30001 }).connectTo(api);
    return app.synthYaml();
  };
  const first = yamlOf();
  expect(first.length).toBeGreaterThan(1000);
  expect(yamlOf()).toBe(first);
});

describe('preStop delay', () => {
  test('defaults to a 5 second sleep before SIGTERM, within the 30 second grace period', () => {
    const { tier, objects } = render();
    expect(mainContainer(deployment(objects)).lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(tier.preStopDelaySeconds).toBe(5);
    expect(podSpec(objects).terminationGracePeriodSeconds).toBe(30);
  });

  test('can configure the delay, or turn the hook off with 0; sidecars get none', () => {
    const longer = render({ preStopDelaySeconds: 15, terminationGracePeriodSeconds: 45 });
    expect(mainContainer(deployment(longer.objects)).lifecycle.preStop.exec.command).toEqual(['sleep', '15']);
    const off = render({
      preStopDelaySeconds: 0,
      sidecars: [{ name: 'exporter', image: 'registry.example.com/exporter:1.0', port: 9113, readiness: Probe.httpGet('/metrics') }],
    });
    expect(podSpec(off.objects).containers.map((c: Manifest) => c.lifecycle)).toEqual([undefined, undefined]);
    expect(off.tier.preStopDelaySeconds).toBe(0);
  });

  test('rejects a delay that is not a whole number, or a grace period that does not exceed it (with the message)', () => {
    expect(problemsOf({ preStopDelaySeconds: 2.5 })).toMatch(/preStopDelaySeconds: got 2\.5; must be a whole number from 0 to 3600/);
    expect(problemsOf({ terminationGracePeriodSeconds: 5 })).toMatch(
      /terminationGracePeriodSeconds: got 5; must be greater than preStopDelaySeconds \(5\): the grace period counts the preStop hook too.*Fix: raise terminationGracePeriodSeconds above 5, or lower preStopDelaySeconds/,
    );
    expect(problemsOf({ terminationGracePeriodSeconds: 0 })).toMatch(/terminationGracePeriodSeconds: got 0; must be greater than preStopDelaySeconds \(5\)/);
  });
});

describe('published sidecar ports', () => {
  const exporter = { name: 'exporter', image: 'registry.example.com/nginx-exporter:1.1.0', port: 9113, readiness: Probe.httpGet('/metrics') };
  const ingressPorts = (o: Manifest[]) => find(o, 'NetworkPolicy', 'web').spec.ingress.map((r: Manifest) => r.ports.map((p: Manifest) => p.port));

  test('defaults: a sidecar port stays inside the pod (not on the Service, not in the NetworkPolicy)', () => {
    const { objects } = render({ sidecars: [exporter] });
    expect(find(objects, 'Service', 'web').spec.ports.map((p: Manifest) => p.name)).toEqual(['http']);
    expect(ingressPorts(objects)).toEqual([[8080]]);
  });

  test('can publish a sidecar port on the Service and open it where the main port is open', () => {
    const { objects } = render({ sidecars: [{ ...exporter, publish: true }] });
    expect(find(objects, 'Service', 'web').spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' },
      { name: 'exporter', port: 9113, targetPort: 'exporter', protocol: 'TCP' },
    ]);
    expect(ingressPorts(objects)).toEqual([[8080, 9113]]);
    // an internal tier: its clients reach the published port too (also when the sidecar comes after the connection)
    const c = chart();
    const api = new StatelessWebTier(c, 'api', { image: IMAGE, serviceType: ServiceType.CLUSTER_IP });
    const front = new StatelessWebTier(c, 'front', { image: IMAGE });
    front.connectTo(api);
    api.addSidecar({ ...exporter, publish: true });
    const rules = find(synth(c), 'NetworkPolicy', 'api').spec.ingress;
    expect(rules).toHaveLength(1);
    expect(rules[0].from[0].podSelector.matchLabels['app.kubernetes.io/name']).toBe('front');
    expect(rules[0].ports.map((p: Manifest) => p.port)).toEqual([8080, 9113]);
  });

  test('rejects publishing a sidecar without a port, or on a port the Service has (with the message)', () => {
    expect(
      problemsOf({
        sidecars: [
          { name: 'agent', image: 'registry.example.com/agent:1.0', readiness: Probe.exec(['true']), liveness: Probe.exec(['true', 'x']), publish: true },
        ],
      }),
    ).toMatch(/sidecars\[0\]\.publish: got true; needs the port of the sidecar to publish\. Fix: give the sidecar a port, or remove publish/);
    expect(problemsOf({ sidecars: [{ ...exporter, port: 80, publish: true }] })).toMatch(
      /sidecars\[0\]\.port: got 80; the Service already has port 80 \("http"\), and a Service port number can be used once\. Fix: give the sidecar another port, or change servicePort/,
    );
  });
});
