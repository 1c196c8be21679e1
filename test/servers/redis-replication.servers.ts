/**
 * A replicated redis as real servers: the rendered master StatefulSet and the
 * replicas' StatefulSet run under their security context; the replicas `replicaof`
 * the master's per-replica name and authenticate with `masterauth` from the Secret
 * (stdin config, never a command line); a key set on the master is read on every
 * replica, replicas refuse writes, a restarted replica catches up, and the
 * Services send writes to the master and reads to the replicas only.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DatabaseEngine, StatefulDatabase, StatelessWebTier, ServiceType } from '../../src';
import { chart, Manifest, synth } from '../util';
import { Client, ServerCluster } from './cluster';
import { Pod } from './pod';
import { poll } from './process';
import { describeServers } from './preflight';

const PASSWORD = 'se"cr\\et $(x) pass';
const SECRET: Manifest = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'cache-credentials', namespace: 'shop' },
  data: { password: Buffer.from(PASSWORD).toString('base64') },
};

function render(): { objects: Manifest[]; db: StatefulDatabase } {
  const c = chart('shop');
  const db = new StatefulDatabase(c, 'cache', { engine: DatabaseEngine.redis({ version: '7.4.1' }), secretName: 'cache-credentials', replicas: 3 });
  new StatelessWebTier(c, 'api', { image: 'ghcr.io/stefanprodan/podinfo:6.7.1', port: 9898, serviceType: ServiceType.CLUSTER_IP }).connectTo(db);
  return { objects: [...synth(c), SECRET], db };
}

/** Whether `check` holds within 15 s (replication is asynchronous), tried every 200 ms. */
const eventually = (check: () => Promise<boolean>) => poll(check, 75, 200, 15000);

describeServers('replicated redis preset on real servers', ['redis-server', 'redis-cli'], () => {
  let cluster: ServerCluster;
  let db: StatefulDatabase;
  let master: Pod;
  let replicas: Pod[];
  let client: Client;
  const cli = (host: string, args: string[]) => client.run(['redis-cli', '-h', host, '-p', '6379', ...args], { REDISCLI_AUTH: PASSWORD });
  const info = async (host: string) => (await cli(host, ['INFO', 'replication'])).stdout;
  const onEveryReplica = (args: string[], expected: string) =>
    Promise.all(replicas.map((r, i) => eventually(async () => (await cli(db.replicaHost(i + 1), args)).stdout.trim() === expected).then((ok) => [r.name, ok])));

  beforeAll(async () => {
    const rendered = render();
    db = rendered.db;
    cluster = await ServerCluster.create(rendered.objects);
    // the replicas first: on a first deploy nothing orders the two StatefulSets, and an empty replica must not stop the master
    replicas = await cluster.startStatefulSet('cache-replica');
    [master] = await cluster.startStatefulSet('cache');
    client = await cluster.client('app');
  });
  afterAll(async () => {
    await cluster?.dispose();
  });

  test('each replica syncs from the master through its per-replica name, authenticated with masterauth', async () => {
    expect(replicas.map((r) => r.name)).toEqual(['cache-replica-0', 'cache-replica-1']);
    for (let i = 0; i < replicas.length; i++) {
      expect(await eventually(async () => /master_link_status:up/.test(await info(db.replicaHost(i + 1))))).toBe(true);
      const replication = await info(db.replicaHost(i + 1));
      expect(replication).toMatch(/role:slave/);
      expect(replication).toMatch(/master_host:cache-0\.cache-headless\.shop\.svc\.cluster\.local/);
    }
    expect(await info('cache')).toMatch(/role:master[\s\S]*connected_slaves:2/);
    // the replicas ran first, empty: the master's guard let it start
    expect(master.log('keep-replicas-data')).toMatch(/empty data folder and no replica holds data: a new server/);
  });

  test('the password is on no command line; masterauth and replicaof are what the servers run with', async () => {
    for (const pod of [master, ...replicas]) {
      const cmdline = (await pod.exec('cache', ['cat', '/proc/1/cmdline'])).stdout.split('\0').join(' ');
      expect(cmdline).toMatch(/^redis-server/);
      expect(cmdline).not.toContain('cr\\et');
    }
    // what the servers run with: masterauth is the Secret's password (quotes, backslash and "$(...)" intact), read from stdin
    for (let i = 0; i < 3; i++) {
      expect((await cli(db.replicaHost(i), ['CONFIG', 'GET', 'masterauth'])).stdout.split('\n')[1]).toBe(PASSWORD);
    }
    expect((await cli(db.replicaHost(1), ['CONFIG', 'GET', 'replicaof'])).stdout.split('\n')[1]).toBe('cache-0.cache-headless.shop.svc.cluster.local 6379');
    expect((await cli(db.replicaHost(0), ['CONFIG', 'GET', 'replicaof'])).stdout.split('\n')[1]).toBe('');
  });

  test('a key set on the master (through the client Service) is read on every replica; replicas refuse writes', async () => {
    expect((await cli('cache', ['SET', 'cart:1', 'book'])).stdout.trim()).toBe('OK');
    expect(await onEveryReplica(['GET', 'cart:1'], 'book')).toEqual(replicas.map((r) => [r.name, true]));
    expect((await cli('cache-read', ['SET', 'cart:9', 'no'])).stdout).toMatch(/READONLY You can't write against a read only replica/);
  });

  test('readiness, liveness and startup commands succeed on the master and on every replica', async () => {
    for (const pod of [master, ...replicas]) {
      expect(pod.ready).toBe(true);
      for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) await expect(pod.probe('cache', kind)).resolves.toBe(true);
    }
  });

  test('the client Service selects only the master, the read Service only the replicas; a client reads through READ_HOST', async () => {
    expect(cluster.endpoints('cache', 'shop').map((p) => p.name)).toEqual(['cache-0']);
    expect(cluster.endpoints('cache-read', 'shop').map((p) => p.name)).toEqual(['cache-replica-0', 'cache-replica-1']);
    const env = cluster.workloadEnv('Deployment', 'api', client.host.address);
    expect(env.CACHE_READ_HOST).toBe('cache-read.shop.svc.cluster.local');
    const r = await client.run(['redis-cli', '-h', env.CACHE_READ_HOST, '-p', env.CACHE_PORT, 'GET', 'cart:1'], { REDISCLI_AUTH: env.CACHE_PASSWORD });
    expect(r.stdout.trim()).toBe('book');
  });

  test('a restarted replica (new address, same claim) catches up with what it missed', async () => {
    expect(await cluster.deletePod(replicas[1])).toEqual([0]);
    expect((await cli('cache', ['SET', 'cart:2', 'pen'])).stdout.trim()).toBe('OK');
    replicas[1] = await cluster.startPod('cache-replica', 1);
    expect(await onEveryReplica(['MGET', 'cart:1', 'cart:2'], 'book\npen')).toEqual(replicas.map((r) => [r.name, true]));
  });
  test('a restarted master (new address, same claim) is synced from again: a key set after it is read on every replica', async () => {
    expect(await cluster.deletePod(master)).toEqual([0]);
    master = await cluster.startPod('cache', 0);
    expect((await cli('cache', ['SET', 'cart:3', 'ink'])).stdout.trim()).toBe('OK');
    expect(await onEveryReplica(['MGET', 'cart:1', 'cart:2', 'cart:3'], 'book\npen\nink')).toEqual(replicas.map((r) => [r.name, true]));
  });

  test('a primary whose claim was lost does not start empty while a replica runs: the replicas keep the data', async () => {
    expect(await cluster.deletePod(master)).toEqual([0]);
    fs.rmSync(path.join(cluster.dir, 'claims', 'data-cache-0'), { recursive: true });
    await expect(cluster.startPod('cache', 0)).rejects.toThrow(/cache-0\/keep-replicas-data: init container exited 1[\s\S]*refusing to start an empty primary/);
    expect((await cli(db.replicaHost(1), ['MGET', 'cart:1', 'cart:2', 'cart:3'])).stdout.trim()).toBe('book\npen\nink');
  });
});
