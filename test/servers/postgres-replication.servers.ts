/**
 * A replicated postgres as real servers: the rendered primary StatefulSet and the
 * replicas' StatefulSet run under their security context; each replica's init
 * container copies the primary with pg_basebackup (credentials from the Secret's
 * files, as the server reads them), the replicas stream from it as hot standbys, a row written on the
 * primary is read on every replica, a restarted replica catches up, and the
 * Services send writes to the primary and reads to the replicas only.
 */
import * as fs from 'fs';
import * as path from 'path';
import { DatabaseEngine, ServiceType, StatefulDatabase, StatelessWebTier } from '../../src';
import { chart, find, Manifest, synth } from '../util';
import { Client, ServerCluster } from './cluster';
import { postgresBin } from './images';
import { Pod } from './pod';
import { poll } from './process';
import { describeServers } from './preflight';
import { connectedEnv, libpqEnv } from './libpq';

const PASSWORD = 'pa"ss \'w$rd';
const SECRET: Manifest = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'pg-credentials', namespace: 'shop' },
  stringData: { username: 'shop', password: PASSWORD },
};

function render(): { objects: Manifest[]; db: StatefulDatabase } {
  const c = chart('shop');
  const db = new StatefulDatabase(c, 'pg', { engine: DatabaseEngine.postgres({ version: '16.4' }), secretName: 'pg-credentials', replicas: 3 });
  new StatelessWebTier(c, 'api', { image: 'ghcr.io/stefanprodan/podinfo:6.7.1', port: 9898, serviceType: ServiceType.CLUSTER_IP }).connectTo(db);
  return { objects: [...synth(c), SECRET], db };
}

/** Whether `check` holds within 15 s (replication is asynchronous), tried every 200 ms. */
const eventually = (check: () => Promise<boolean>) => poll(check, 75, 200, 15000);

describeServers('replicated postgres preset on real servers', ['/usr/lib/postgresql', '/usr/lib/x86_64-linux-gnu/libnss_wrapper.so'], () => {
  let cluster: ServerCluster;
  let db: StatefulDatabase;
  let primary: Pod;
  let replicas: Pod[];
  let client: Client;
  const psql = (host: string, sql: string) =>
    client.run(
      [`${postgresBin()}/psql`, '-X', '-v', 'ON_ERROR_STOP=1', '-tA', '-c', sql],
      libpqEnv({ host, user: 'shop', database: 'pg', password: PASSWORD }),
    );
  const onEveryReplica = (sql: string, expected: string) =>
    Promise.all(replicas.map((r, i) => eventually(async () => (await psql(db.replicaHost(i + 1), sql)).stdout.trim() === expected).then((ok) => [r.name, ok])));

  beforeAll(async () => {
    const rendered = render();
    db = rendered.db;
    cluster = await ServerCluster.create(rendered.objects);
    [primary] = await cluster.startStatefulSet('pg');
    replicas = await cluster.startStatefulSet('pg-replica');
    client = await cluster.client('app');
  });
  afterAll(async () => {
    await cluster?.dispose();
  });

  test('each replica initialises from the primary in its init container and streams from it as a hot standby', async () => {
    expect(replicas.map((r) => r.name)).toEqual(['pg-replica-0', 'pg-replica-1']);
    for (const r of replicas) {
      expect(r.log('clone-primary')).toMatch(/copied the primary pg-0\.pg-headless\.shop\.svc\.cluster\.local into \/var\/lib\/postgresql\/data\/pgdata/);
      // the main container found a database and did not run initdb
      expect(r.log('pg')).not.toMatch(/init process complete/);
      expect((await r.exec('pg', ['stat', '-c', '%u:%g %a', '/var/lib/postgresql/data/pgdata'])).stdout.trim()).toBe('10001:10001 700');
      expect((await psql(db.replicaHost(replicas.indexOf(r) + 1), 'SELECT pg_is_in_recovery()')).stdout.trim()).toBe('t');
    }
    expect((await psql('pg', 'SELECT pg_is_in_recovery()')).stdout.trim()).toBe('f');
    expect(primary.log('keep-replicas-data')).toMatch(/empty data folder and no replica holds data: a new server/);
    // the primary sees both WAL receivers streaming, as the Secret's user
    const senders = await psql('pg', 'SELECT usename, state FROM pg_stat_replication ORDER BY client_addr');
    expect(senders.stdout.trim().split('\n')).toEqual(['shop|streaming', 'shop|streaming']);
  });

  test("the password is on no command line of the servers and WAL receivers, nor in a replica's settings files", async () => {
    for (const pod of [primary, ...replicas]) {
      const cmdlines = await pod.exec('pg', ['sh', '-c', 'for f in /proc/[0-9]*/cmdline; do tr "\\0" " " < "$f"; echo; done']);
      expect(cmdlines.stdout).toMatch(/postgres/);
      expect(cmdlines.stdout).not.toContain('w$rd');
    }
    // and not in the replica's configuration files (the connection info names no password)
    const conf = await replicas[0].exec('pg', ['sh', '-c', 'cat "$PGDATA"/postgresql.auto.conf "$PGDATA"/postgresql.conf']);
    expect(conf.code).toBe(0);
    expect(conf.stdout).not.toContain('w$rd');
  });

  test('a row written on the primary (through the client Service) is read on every replica; replicas refuse writes', async () => {
    const write = await psql('pg', "CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'book')");
    expect(write.stderr).toBe('');
    expect(await onEveryReplica('SELECT item FROM orders WHERE id = 1', 'book')).toEqual(replicas.map((r) => [r.name, true]));
    const refused = await psql('pg-read', "INSERT INTO orders VALUES (9, 'no')");
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/cannot execute INSERT in a read-only transaction/);
  });

  test('readiness, liveness and startup commands succeed on the primary and on every replica', async () => {
    for (const pod of [primary, ...replicas]) {
      expect(pod.ready).toBe(true);
      for (const kind of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) await expect(pod.probe('pg', kind)).resolves.toBe(true);
    }
  });

  test('the client Service selects only the primary, the read Service only the replicas, the headless Service all', () => {
    expect(cluster.endpoints('pg', 'shop').map((p) => p.name)).toEqual(['pg-0']);
    expect(cluster.endpoints('pg-read', 'shop').map((p) => p.name)).toEqual(['pg-replica-0', 'pg-replica-1']);
    expect(cluster.endpoints('pg-headless', 'shop').map((p) => p.name)).toEqual(['pg-0', 'pg-replica-0', 'pg-replica-1']);
  });

  test('the env connectTo gives a client reads through PG_READ_HOST from a replica', async () => {
    const env = cluster.workloadEnv('Deployment', 'api', client.host.address);
    expect(env.PG_HOST).toBe('pg.shop.svc.cluster.local');
    expect(env.PG_READ_HOST).toBe('pg-read.shop.svc.cluster.local');
    const r = await client.run(
      [`${postgresBin()}/psql`, '-X', '-tA', '-c', 'SELECT pg_is_in_recovery(), item FROM orders WHERE id = 1'],
      connectedEnv(env, 'PG', 'READ_HOST'),
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('t|book');
  });

  test('a restarted replica (new address, same claim) does not copy again and catches up with what it missed', async () => {
    const [first] = replicas;
    expect(await cluster.deletePod(first)).toEqual([0]);
    expect(cluster.endpoints('pg-read', 'shop').map((p) => p.name)).toEqual(['pg-replica-1']);
    expect((await psql('pg', "INSERT INTO orders VALUES (2, 'pen')")).stderr).toBe('');
    replicas[0] = await cluster.startPod('pg-replica', 0);
    expect(replicas[0].log('clone-primary')).toMatch(/holds a database: nothing to copy/);
    expect(await onEveryReplica("SELECT string_agg(item, ',' ORDER BY id) FROM orders", 'book,pen')).toEqual(replicas.map((r) => [r.name, true]));
    expect(cluster.endpoints('pg-read', 'shop').map((p) => p.name)).toEqual(['pg-replica-1', 'pg-replica-0']);
  });
  test('a restarted primary (new address, same claim) is streamed from again: a row written after it is read on every replica', async () => {
    expect(await cluster.deletePod(primary)).toEqual([0]);
    primary = await cluster.startPod('pg', 0);
    expect(primary.log('keep-replicas-data')).toBe(''); // it found the data and said nothing
    expect((await psql('pg', "INSERT INTO orders VALUES (3, 'ink')")).stderr).toBe('');
    expect(await onEveryReplica("SELECT string_agg(item, ',' ORDER BY id) FROM orders", 'book,pen,ink')).toEqual(replicas.map((r) => [r.name, true]));
  });

  test('a primary whose claim was lost does not start empty while a replica runs: the replicas keep the data', async () => {
    expect(await cluster.deletePod(primary)).toEqual([0]);
    fs.rmSync(path.join(cluster.dir, 'claims', 'data-pg-0'), { recursive: true });
    await expect(cluster.startPod('pg', 0)).rejects.toThrow(/pg-0\/keep-replicas-data: init container exited 1[\s\S]*refusing to start an empty primary/);
    expect((await psql(db.replicaHost(1), "SELECT string_agg(item, ',' ORDER BY id) FROM orders")).stdout.trim()).toBe('book,pen,ink');
  });
});

describeServers('a single postgres server grown to 3 replicas', ['/usr/lib/postgresql', '/usr/lib/x86_64-linux-gnu/libnss_wrapper.so'], () => {
  let cluster: ServerCluster;
  afterAll(async () => {
    await cluster?.dispose();
  });

  test('keeps the primary and its data on its claim; the new replicas copy it, rows written before included', async () => {
    const single = chart('shop');
    new StatefulDatabase(single, 'pg', { engine: DatabaseEngine.postgres({ version: '16.4' }), secretName: 'pg-credentials' });
    cluster = await ServerCluster.create([...synth(single), SECRET]);
    let primary = await cluster.startPod('pg', 0);
    const client = await cluster.client('app');
    const psql = (host: string, sql: string) =>
      client.run(
        [`${postgresBin()}/psql`, '-X', '-v', 'ON_ERROR_STOP=1', '-tA', '-c', sql],
        libpqEnv({ host, user: 'shop', database: 'pg', password: PASSWORD }),
      );
    expect((await psql('pg', "CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'book')")).stderr).toBe('');
    expect(await cluster.deletePod(primary)).toEqual([0]);

    // what Argo CD applies after replicas: 3: the same StatefulSet (its selector and claim), new settings and objects
    const { objects } = render();
    expect(find(objects, 'StatefulSet', 'pg').spec.selector).toEqual(find(synth(single), 'StatefulSet', 'pg').spec.selector);
    cluster.objects.splice(0, cluster.objects.length, ...objects);
    primary = await cluster.startPod('pg', 0);
    expect(primary.log('keep-replicas-data')).toBe('');
    expect(primary.log('pg')).not.toMatch(/init process complete/);
    const replicas = await cluster.startStatefulSet('pg-replica');
    for (const [i, r] of replicas.entries()) {
      expect(r.log('clone-primary')).toMatch(/copied the primary/);
      expect((await psql(`pg-replica-${i}.pg-headless.shop.svc.cluster.local`, 'SELECT item FROM orders WHERE id = 1')).stdout.trim()).toBe('book');
    }
  });
});
