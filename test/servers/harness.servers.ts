/**
 * The harness itself: a pod gets only what its spec gives (writable mounts, uid,
 * groups, its own address and routes), a missing Secret key stops the pod with the
 * kubelet's reason, and dispose() leaves no process, namespace or folder behind.
 */
import * as fs from 'fs';
import * as os from 'os';
import { DatabaseCredentials, DatabaseEngine, Probe, StatefulDatabase } from '../../src';
import { chart, find, Manifest, synth } from '../util';
import { ServerCluster } from './cluster';
import { NETNS_PREFIX, PodNetwork, removeStaleNamespaces } from './net';
import { Pod } from './pod';
import { run } from './process';
import { describeServers } from './preflight';

const SECRET: Manifest = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cache-credentials', namespace: 'shop' }, stringData: { password: 'p' } };

function render(credentials?: DatabaseCredentials): Manifest[] {
  const c = chart('shop');
  new StatefulDatabase(c, 'cache', {
    ...{ engine: DatabaseEngine.redis({ version: '7.4.1' }), secretName: 'cache-credentials', writablePaths: ['/var/run/extra'] },
    credentials,
  });
  return synth(c);
}

const namespaces = async () =>
  (await run('ip', ['netns', 'list'])).stdout
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(NETNS_PREFIX));
/**
 * The namespaces of the test network `pod` runs in (its node's and its hosts'): other runs on the machine (another
 * checkout's real-server tests) add and remove their own namespaces meanwhile, so a test counts only its own.
 */
const networkNamespaces = async (pod: Pod) => {
  const network = pod.place.host.netns.slice(0, pod.place.host.netns.indexOf('-', NETNS_PREFIX.length) + 1);
  return (await namespaces()).filter((n) => n.startsWith(network)).sort();
};

describeServers('real-server harness', ['redis-server'], () => {
  test('a pod writes only to its volumes, runs as its uid and groups, and has a route only to the test network', async () => {
    const cluster = await ServerCluster.create([...render(), SECRET]);
    try {
      const [pod] = await cluster.startStatefulSet('cache');
      const sh = async (script: string) => (await pod.exec('cache', ['sh', '-c', script])).stdout.trim();
      // /tmp, /data and the emptyDir of writablePaths (a mount point the host does not have) are writable, nothing else
      expect(await sh('for d in /tmp /data /var/run/extra /var /etc /usr /root /; do touch "$d/.w" 2>/dev/null && echo "$d rw" || echo "$d ro"; done')).toBe(
        '/tmp rw\n/data rw\n/var/run/extra rw\n/var ro\n/etc ro\n/usr ro\n/root ro\n/ ro',
      );
      // the claim as the kubelet leaves it with fsGroup 10001: root-owned, group 10001, setgid, and lost+found
      expect(await sh('stat -c "%u %g %A" /data; ls -a /data | grep -c lost+found')).toBe('0 10001 drwxrwsr-x\n1');
      expect(await sh('id -u; id -g; id -G; hostname')).toBe('10001\n10001\n10001\ncache-0');
      // the harness's folder (every pod's volumes and claims) is hidden from pods and clients
      expect(fs.readdirSync(`${cluster.dir}/claims`)).toEqual(['data-cache-0']);
      expect(await sh(`ls -A ${cluster.dir}`)).toBe('');
      const routes = (await run('ip', ['-n', pod.place.host.netns, 'route'])).stdout.trim().split('\n');
      expect(routes).toEqual([expect.stringMatching(/^10\.231\.\d+\.0\/24 dev eth0 proto kernel scope link src 10\.231\.\d+\.\d+$/)]);
      // the per-replica names and the Service's names resolve to the pod it selects, in the pod and in a client
      const client = await cluster.client('app');
      const names = ['cache-0.cache-headless.shop.svc.cluster.local', 'cache-0.cache-headless', 'cache', 'cache.shop.svc.cluster.local'];
      for (const name of names) {
        expect(await sh(`getent hosts ${name} | cut -d' ' -f1`)).toBe(pod.address);
        expect((await client.run(['getent', 'hosts', name])).stdout.split(/\s/)[0]).toBe(pod.address);
      }
      expect((await client.run(['ls', '-A', cluster.dir])).stdout).toBe('');
      expect(cluster.endpoints('cache', 'shop')).toEqual([pod]);
    } finally {
      await cluster.dispose();
    }
  });

  test('a Secret key the pod needs and the test did not give stops it with CreateContainerConfigError', async () => {
    // (an env secretKeyRef: credentials as environment variables)
    const cluster = await ServerCluster.create(render(DatabaseCredentials.asEnvironment()));
    try {
      await expect(cluster.startPod('cache', 0)).rejects.toThrow(
        /pod cache-0: Secret "cache-credentials" is not among the objects the test gave \(the kubelet would not start the container: CreateContainerConfigError\)/,
      );
    } finally {
      await cluster.dispose();
    }
  });

  test('a Secret volume the test did not give stops the pod before it starts', async () => {
    // (credentials as files, the default: the Secret is a volume of the pod)
    const cluster = await ServerCluster.create(render());
    try {
      await expect(cluster.startPod('cache', 0)).rejects.toThrow(
        /pod cache-0: volume credentials needs Secret "cache-credentials", which is not among the objects the test gave/,
      );
    } finally {
      await cluster.dispose();
    }
  });

  test('a pod whose readiness never passes fails the start with its log, and dispose() still ends its processes; tcpSocket probes reach the pod from the node', async () => {
    const c = chart('shop');
    new StatefulDatabase(c, 'cache', {
      engine: DatabaseEngine.redis({ version: '7.4.1' }),
      secretName: 'cache-credentials',
      readiness: Probe.exec(['false'], { periodSeconds: 1, failureThreshold: 2 }),
      liveness: Probe.tcpSocket({ periodSeconds: 5 }),
    });
    const cluster = await ServerCluster.create([...synth(c), SECRET]);
    await expect(cluster.startPod('cache', 0)).rejects.toThrow(/cache-0\/cache: readiness probe did not pass:\n[\s\S]*Ready to accept connections/);
    const [pod] = cluster.pods;
    await expect(pod.probe('cache', 'livenessProbe')).resolves.toBe(true);
    const pids = (await run('ip', ['netns', 'pids', pod.place.host.netns])).stdout.trim().split('\n').map(Number);
    expect(pids.length).toBeGreaterThan(0);
    // the pod's and the node's
    expect(await networkNamespaces(pod)).toEqual([pod.place.host.netns, pod.place.host.netns.replace(/-\d+-cache-0$/, '-node')].sort());
    await cluster.dispose();
    expect(pids.filter((pid) => fs.existsSync(`/proc/${pid}`))).toEqual([]);
    expect(await networkNamespaces(pod)).toEqual([]);
  });

  test("init containers run first, as the pod's uid on its volumes; two replicas resolve each other and share the Service", async () => {
    // the harness's own features, before the library renders them: an init container and 2 replicas added to the rendered set
    const objects = render();
    const sts = find(objects, 'StatefulSet', 'cache');
    const { readinessProbe, livenessProbe, startupProbe, ports, ...main } = sts.spec.template.spec.containers[0];
    expect([readinessProbe, livenessProbe, startupProbe, ports].every(Boolean)).toBe(true);
    sts.spec.template.spec.initContainers = [
      { ...main, name: 'seed', command: ['sh', '-c', 'id -u > /data/seeded-by; hostname >> /data/seeded-by'], args: [] },
    ];
    sts.spec.replicas = 2;
    const cluster = await ServerCluster.create([...objects, SECRET]);
    try {
      const pods = await cluster.startStatefulSet('cache');
      expect(pods.map((p) => p.name)).toEqual(['cache-0', 'cache-1']);
      expect((await pods[1].exec('cache', ['cat', '/data/seeded-by'])).stdout).toBe('10001\ncache-1\n');
      expect((await pods[0].exec('cache', ['getent', 'hosts', 'cache-1.cache-headless.shop.svc.cluster.local'])).stdout.split(/\s/)[0]).toBe(pods[1].address);
      expect((await pods[1].exec('cache', ['getent', 'hosts', 'cache-0.cache-headless'])).stdout.split(/\s/)[0]).toBe(pods[0].address);
      const ping = await pods[1].exec('cache', ['sh', '-c', 'REDISCLI_AUTH="$(cat /etc/credentials/password)" redis-cli -h cache-0.cache-headless ping']);
      expect(ping.stdout.trim()).toBe('PONG');
      expect(cluster.endpoints('cache', 'shop')).toEqual(pods);
    } finally {
      await cluster.dispose();
    }
  });

  test('a container that ignores SIGTERM is killed after its grace period, with every process of its sandbox', async () => {
    const objects = render();
    const spec = find(objects, 'StatefulSet', 'cache').spec.template.spec;
    spec.terminationGracePeriodSeconds = 1;
    const { readinessProbe, livenessProbe, startupProbe, ...main } = spec.containers[0];
    expect([readinessProbe, livenessProbe, startupProbe].every(Boolean)).toBe(true);
    spec.containers = [{ ...main, command: ['sh', '-c', 'trap "" TERM; sleep 600 & while :; do sleep 1; done'], args: [] }];
    const cluster = await ServerCluster.create([...objects, SECRET]);
    try {
      const pod = await cluster.startPod('cache', 0);
      // sh, sleep 600 and a sleep 1 of the loop (the pod has no probe to wait for: on a busy machine sh may not have forked yet)
      let pids: number[] = [];
      for (const end = Date.now() + 5000; pids.length < 3 && Date.now() < end; await new Promise((r) => setTimeout(r, 100)))
        pids = (await run('ip', ['netns', 'pids', pod.place.host.netns])).stdout.trim().split('\n').map(Number);
      expect(pids.length).toBeGreaterThanOrEqual(3);
      const t0 = Date.now();
      await cluster.deletePod(pod);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(pids.filter((pid) => fs.existsSync(`/proc/${pid}`))).toEqual([]);
    } finally {
      await cluster.dispose();
    }
  });

  test('stale namespaces are those of a run whose process is gone, never of a run still going', async () => {
    const net = await PodNetwork.create();
    try {
      const host = await net.addHost('x');
      expect(await removeStaleNamespaces()).toEqual([]);
      // the owner gone (a pid that ended): its namespaces are stale
      const ended = (await run('sh', ['-c', 'echo $$'])).stdout.trim();
      fs.writeFileSync(`${os.tmpdir()}/${NETNS_PREFIX}${net.index}.owner`, ended);
      expect((await removeStaleNamespaces()).sort()).toEqual([net.node.netns, host.netns].sort());
      expect((await namespaces()).filter((n) => n.startsWith(`${NETNS_PREFIX}${net.index}-`))).toEqual([]);
    } finally {
      await net.dispose();
    }
  });

  test('dispose() ends the processes and deletes the namespaces and folders it made', async () => {
    const cluster = await ServerCluster.create([...render(), SECRET]);
    const [pod] = await cluster.startStatefulSet('cache');
    await cluster.client('app');
    const pid = Number((await run('sh', ['-c', `ip netns pids ${pod.place.host.netns}`])).stdout.trim().split('\n')[0]);
    expect(pid).toBeGreaterThan(0);
    // the node, the pod and the client
    expect(await networkNamespaces(pod)).toHaveLength(3);
    await cluster.dispose();
    expect(await networkNamespaces(pod)).toEqual([]);
    expect(fs.existsSync(cluster.dir)).toBe(false);
    expect(fs.existsSync(`/proc/${pid}`)).toBe(false);
  });
});
