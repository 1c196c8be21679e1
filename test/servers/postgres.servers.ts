/**
 * The postgres preset as a real server: the rendered StatefulSet runs under its
 * restricted security context, its probes pass, a client in another namespace
 * writes and reads a row with the Secret's credentials, and the data survives a
 * restart of the pod on its claim folder.
 */
import { DatabaseEngine, ServiceType, StatefulDatabase, StatelessWebTier } from '../../src';
import { chart, Manifest, synth } from '../util';
import { Client, ServerCluster } from './cluster';
import { postgresBin } from './images';
import { Pod } from './pod';
import { describeServers } from './preflight';
import { connectedEnv, libpqEnv } from './libpq';

const SECRET: Manifest = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'pg-credentials', namespace: 'shop' },
  stringData: { username: 'shop', password: 'pa"ss \'w$rd' },
};

function render(): Manifest[] {
  const c = chart('shop');
  const db = new StatefulDatabase(c, 'pg', { engine: DatabaseEngine.postgres({ version: '16.4' }), secretName: 'pg-credentials' });
  new StatelessWebTier(c, 'api', { image: 'ghcr.io/stefanprodan/podinfo:6.7.1', port: 9898, serviceType: ServiceType.CLUSTER_IP }).connectTo(db);
  return [...synth(c), SECRET];
}

describeServers('postgres preset on a real server', ['/usr/lib/postgresql', '/usr/lib/x86_64-linux-gnu/libnss_wrapper.so'], () => {
  let cluster: ServerCluster;
  let pod: Pod;
  let client: Client;
  const psql = (sql: string, password = 'pa"ss \'w$rd', host = 'pg') =>
    client.run([`${postgresBin()}/psql`, '-X', '-v', 'ON_ERROR_STOP=1', '-tA', '-c', sql], libpqEnv({ host, user: 'shop', database: 'pg', password }));

  beforeAll(async () => {
    cluster = await ServerCluster.create(render());
    [pod] = await cluster.startStatefulSet('pg');
    client = await cluster.client('app');
  });
  afterAll(async () => {
    await cluster?.dispose();
  });

  test('starts as uid/gid 10001 with fsGroup 10001, on a read-only root, PGDATA on the claim', async () => {
    expect((await pod.exec('pg', ['id', '-u'])).stdout.trim()).toBe('10001');
    expect((await pod.exec('pg', ['id', '-G'])).stdout.trim().split(' ')).toEqual(['10001']);
    const touch = await pod.exec('pg', ['touch', '/var/lib/postgresql/x', '/etc/x']);
    expect(touch.code).not.toBe(0);
    expect(touch.stderr).toMatch(/Read-only file system/);
    expect((await pod.exec('pg', ['stat', '-c', '%u:%g %a', '/var/lib/postgresql/data/pgdata'])).stdout.trim()).toBe('10001:10001 700');
    expect((await pod.exec('pg', ['cat', '/proc/1/status'])).stdout).toMatch(/CapEff:\s+0{16}[\s\S]*NoNewPrivs:\s+1/);
  });

  test('readiness, liveness and startup commands succeed', async () => {
    expect(pod.ready).toBe(true);
    const logged = pod.log('pg', Infinity).length;
    await expect(pod.probe('pg', 'readinessProbe')).resolves.toBe(true);
    await expect(pod.probe('pg', 'livenessProbe')).resolves.toBe(true);
    await expect(pod.probe('pg', 'startupProbe')).resolves.toBe(true);
    // the probes connect to the preset's database: no 'FATAL: database "shop" does not exist' at every probe
    expect(pod.log('pg', Infinity).slice(logged)).not.toMatch(/FATAL/);
  });

  test("a client in another namespace writes and reads a row through the Service with the Secret's credentials", async () => {
    const write = await psql(
      "CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'book'); SELECT item FROM orders WHERE id = 1",
    );
    expect(write.stderr).toBe('');
    expect(write.stdout.trim().split('\n').pop()).toBe('book');
    // by the per-replica name too, and not with a wrong password (scram-sha-256 over TCP)
    expect((await psql('SELECT count(*) FROM orders', undefined, 'pg-0.pg-headless.shop.svc.cluster.local')).stdout.trim()).toBe('1');
    const denied = await psql('SELECT 1', 'wrong');
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/password authentication failed for user "shop"/);
  });

  test('the env connectTo gives a client (host, port, user, password, database) connects as rendered', async () => {
    const env = cluster.workloadEnv('Deployment', 'api', client.host.address);
    expect(
      Object.keys(env)
        .filter((k) => k.startsWith('PG_'))
        .sort(),
    ).toEqual(['PG_HOST', 'PG_NAME', 'PG_PASSWORD', 'PG_PORT', 'PG_USER']);
    const r = await client.run([`${postgresBin()}/psql`, '-X', '-tA', '-c', 'SELECT current_user, current_database()'], connectedEnv(env, 'PG'));
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('shop|pg');
  });

  test('a restarted pod (new address, same claim) keeps the row; an open session does not hold up the stop', async () => {
    const before = pod.address;
    const session = psql('SELECT pg_sleep(60)');
    await new Promise((r) => setTimeout(r, 500));
    const t0 = Date.now();
    expect(await cluster.deletePod(pod)).toEqual([0]);
    expect(Date.now() - t0).toBeLessThan(10000);
    expect((await session).stderr).toMatch(/terminating connection due to administrator command/);
    pod = await cluster.startPod('pg', 0);
    expect(pod.address).not.toBe(before);
    expect(pod.log('pg')).not.toMatch(/init process complete/);
    // fsGroupChangePolicy OnRootMismatch: the kubelet left the data directory alone on the second mount
    expect((await pod.exec('pg', ['stat', '-c', '%a', '/var/lib/postgresql/data/pgdata', '/var/lib/postgresql/data/pgdata/base'])).stdout.trim()).toBe(
      '700\n700',
    );
    expect((await psql('SELECT item FROM orders WHERE id = 1')).stdout.trim()).toBe('book');
  });

  test('after a hard kill (a lost node), the pod recovers its data within the startup probe', async () => {
    await psql("INSERT INTO orders VALUES (2, 'pen')");
    pod.kill();
    await cluster.deletePod(pod);
    pod = await cluster.startPod('pg', 0);
    expect(pod.log('pg')).toMatch(/database system was interrupted|not properly shut down; automatic recovery in progress/);
    expect((await psql("SELECT string_agg(item, ',' ORDER BY id) FROM orders")).stdout.trim()).toBe('book,pen');
  });
});

describeServers('postgres preset on a real server, with its options set', ['/usr/lib/postgresql', '/usr/lib/x86_64-linux-gnu/libnss_wrapper.so'], () => {
  let cluster: ServerCluster;
  afterAll(async () => {
    await cluster?.dispose();
  });

  test('port, database and Secret keys of the options reach the server, its probes and its clients', async () => {
    const c = chart('shop');
    const engine = DatabaseEngine.postgres({ version: '16.4', port: 6543, database: 'orders', usernameKey: 'user', passwordKey: 'pass' });
    const db = new StatefulDatabase(c, 'orders-db', { engine, secretName: 'orders-credentials' });
    new StatelessWebTier(c, 'api', { image: 'ghcr.io/stefanprodan/podinfo:6.7.1', port: 9898, serviceType: ServiceType.CLUSTER_IP }).connectTo(db);
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'orders-credentials', namespace: 'shop' },
      stringData: { user: 'orders_app', pass: 'p' },
    };
    cluster = await ServerCluster.create([...synth(c), secret]);
    const [pod] = await cluster.startStatefulSet('orders-db');
    await expect(pod.probe('orders-db', 'livenessProbe')).resolves.toBe(true);
    const client = await cluster.client('app');
    const env = cluster.workloadEnv('Deployment', 'api', client.host.address);
    const r = await client.run(
      [`${postgresBin()}/psql`, '-X', '-tA', '-c', "SELECT current_user, current_database(), current_setting('port')"],
      connectedEnv(env, 'ORDERS_DB'),
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('orders_app|orders|6543');
  });
});
