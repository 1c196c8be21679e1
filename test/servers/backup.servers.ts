/**
 * Backups as real processes: the rendered backup CronJob's pod runs its script
 * against a running postgres and redis server (Debian's pg_dump and redis-cli
 * stand in for the images'), writes the dump into the backup claim, keeps only
 * the newest `keep`, and a dump restores into a fresh server by the README's
 * steps: the CronJob's pod template with another command, as `kubectl create job
 * --from=cronjob/...` and jq make it.
 */
import { DatabaseBackup, DatabaseEngine, StatefulDatabase } from '../../src';
import { chart, find, Manifest, synth } from '../util';
import { Client, ServerCluster } from './cluster';
import { postgresBin } from './images';
import { describeServers } from './preflight';
import { sleep } from './process';
import { libpqEnv } from './libpq';

const PG_PASSWORD = 'pa"ss \'w$rd';
const REDIS_PASSWORD = 'se"cr\\et $(x) pass';
const secret = (name: string, data: { [key: string]: string }): Manifest => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'shop' },
  stringData: data,
});

/** The README's restore commands (section "Backups"), with the dump's file name as $1. */
const RESTORE = {
  postgres:
    'export PGUSER="$(cat /etc/credentials/username)"; export PGPASSWORD="$(cat /etc/credentials/password)"; exec pg_restore --clean --if-exists --no-owner --exit-on-error --single-transaction --dbname="$PGDATABASE" "/backup/$1"',
  redis: [
    'set -eu',
    'rm -rf /data/appendonlydir /data/dump.rdb',
    'mkdir /data/appendonlydir',
    'cp "/backup/$1" /data/appendonlydir/appendonly.aof.1.base.rdb',
    'echo "file appendonly.aof.1.base.rdb seq 1 type b" > /data/appendonlydir/appendonly.aof.manifest',
  ].join('\n'),
};

function render(): Manifest[] {
  const c = chart('shop');
  const backup = DatabaseBackup.schedule({ keep: 2 });
  const pg = DatabaseEngine.postgres({ version: '16.4', database: 'shop' });
  new StatefulDatabase(c, 'pg', { engine: pg, secretName: 'pg-credentials', backup });
  // the fresh servers a dump is restored into: the same preset and Secret, never started before
  new StatefulDatabase(c, 'pg-new', { engine: pg, secretName: 'pg-credentials' });
  new StatefulDatabase(c, 'cache', { engine: DatabaseEngine.redis({ version: '7.4.1' }), secretName: 'cache-credentials', backup });
  new StatefulDatabase(c, 'cache-new', { engine: DatabaseEngine.redis({ version: '7.4.1' }), secretName: 'cache-credentials' });
  return [
    ...synth(c),
    secret('pg-credentials', { username: 'shop', password: PG_PASSWORD }),
    secret('cache-credentials', { password: REDIS_PASSWORD }),
    // a Secret with a wrong password, for a dump that fails
    secret('pg-wrong-credentials', { username: 'shop', password: 'wrong' }),
  ];
}

/** The pod template of CronJob `name`, changed as the README's jq does: the command, env values, more volumes. */
function podFrom(
  objects: Manifest[],
  name: string,
  change: { command?: string[]; env?: { [name: string]: string }; volumes?: Manifest[]; mounts?: Manifest[]; credentialsSecret?: string } = {},
): Manifest {
  const template = structuredClone(find(objects, 'CronJob', name).spec.jobTemplate.spec.template);
  const c = template.spec.containers[0];
  // the credential files from another Secret
  if (change.credentialsSecret) template.spec.volumes.find((v: Manifest) => v.name === 'credentials').secret.secretName = change.credentialsSecret;
  if (change.command) c.command = change.command;
  c.env = c.env.map((e: Manifest) => (change.env && e.name in change.env ? { name: e.name, value: change.env[e.name] } : e));
  template.spec.volumes.push(...(change.volumes ?? []));
  c.volumeMounts.push(...(change.mounts ?? []));
  return template;
}

describeServers('backups on real servers', ['/usr/lib/postgresql', '/usr/lib/x86_64-linux-gnu/libnss_wrapper.so', 'redis-server', 'redis-cli'], () => {
  let cluster: ServerCluster;
  let app: Client;
  let runs = 0;
  /** Runs the backup pod of `name` once (a new pod each time, as each Job makes one). */
  const backup = (name: string, change = {}) => cluster.runPodToEnd(`${name}-backup-${++runs}`, 'shop', podFrom(cluster.objects, `${name}-backup`, change));
  /** The files in the backup claim of `name`, newest first, seen from a pod of the CronJob's template. */
  const files = async (name: string): Promise<string[]> =>
    (await backup(name, { command: ['sh', '-c', 'ls -1 /backup | sort -r'] })).split('\n').filter((f) => f && f !== 'lost+found');
  /** The complete dumps among them. */
  const dumps = async (name: string): Promise<string[]> => (await files(name)).filter((f) => /\.(dump|rdb)$/.test(f));
  const psql = (host: string, sql: string) =>
    app.run(
      [`${postgresBin()}/psql`, '-X', '-v', 'ON_ERROR_STOP=1', '-tA', '-c', sql],
      libpqEnv({ host: `${host}.shop.svc.cluster.local`, user: 'shop', database: 'shop', password: PG_PASSWORD }),
    );
  const redis = (host: string, args: string[]) =>
    app.run(['redis-cli', '-h', `${host}.shop.svc.cluster.local`, '-p', '6379', ...args], { REDISCLI_AUTH: REDIS_PASSWORD });

  beforeAll(async () => {
    cluster = await ServerCluster.create(render());
    await cluster.startStatefulSet('pg');
    await cluster.startStatefulSet('cache');
    app = await cluster.client('app');
  });
  afterAll(async () => {
    await cluster?.dispose();
  });

  test('postgres: the backup pod dumps the database into its claim, as the pod uid, readable by it only', async () => {
    expect((await psql('pg', "CREATE TABLE orders (id int PRIMARY KEY, item text); INSERT INTO orders VALUES (1, 'book'), (2, 'pen')")).code).toBe(0);
    const log = await backup('pg');
    expect(log).toMatch(/^wrote pg-\d{8}T\d{6}Z\.dump \(\d+ bytes\)$/m);
    const [file] = await dumps('pg');
    expect(file).toMatch(/^pg-\d{8}T\d{6}Z\.dump$/);
    const stat = await backup('pg', { command: ['stat', '-c', '%u %a', `/backup/${file}`] });
    expect(stat.trim()).toBe('10001 600');
    // a pg_dump custom archive
    expect((await backup('pg', { command: ['head', '-c', '5', `/backup/${file}`] })).trim()).toBe('PGDMP');
  });

  test('postgres: only the newest `keep` dumps stay (keep: 2 after three runs)', async () => {
    const before = await dumps('pg');
    for (let i = 0; i < 2; i++) {
      await sleep(1100); // the names carry the time to the second
      await backup('pg');
    }
    const after = await dumps('pg');
    expect(after).toHaveLength(2);
    expect(after).not.toContain(before[before.length - 1]);
    expect([...after].sort().reverse()).toEqual(after);
  });

  test('postgres: a failed dump (a wrong password) fails the pod and leaves the kept dumps as they were', async () => {
    const before = await dumps('pg');
    await expect(backup('pg', { credentialsSecret: 'pg-wrong-credentials' })).rejects.toThrow(/exited 1[\s\S]*password authentication failed/);
    expect(await dumps('pg')).toEqual(before);
    // what pg_dump had begun is left as .partial (never counted as a dump), and the next run removes it
    expect((await files('pg')).filter((f) => f.endsWith('.partial'))).toHaveLength(1);
    await sleep(1100);
    await backup('pg');
    expect((await files('pg')).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  test("postgres: the newest dump restores into a fresh server by the README's steps, rows and all", async () => {
    await cluster.startStatefulSet('pg-new');
    expect((await psql('pg-new', 'SELECT count(*) FROM pg_tables WHERE tablename = $$orders$$')).stdout.trim()).toBe('0');
    const [newest] = await dumps('pg');
    await backup('pg', { command: ['sh', '-c', RESTORE.postgres, 'restore', newest], env: { PGHOST: 'pg-new.shop.svc.cluster.local' } });
    expect((await psql('pg-new', 'SELECT item FROM orders ORDER BY id')).stdout.trim().split('\n')).toEqual(['book', 'pen']);
  });

  test('redis: the backup pod copies the RDB snapshot into its claim, and keeps the newest two', async () => {
    expect((await redis('cache', ['SET', 'cart:1', 'book'])).stdout.trim()).toBe('OK');
    expect((await redis('cache', ['SET', 'cart:2', 'pen'])).stdout.trim()).toBe('OK');
    for (let i = 0; i < 3; i++) {
      if (i) await sleep(1100);
      expect(await backup('cache')).toMatch(/^wrote cache-\d{8}T\d{6}Z\.rdb \(\d+ bytes\)$/m);
    }
    const files = await dumps('cache');
    expect(files).toHaveLength(2);
    expect((await backup('cache', { command: ['head', '-c', '5', `/backup/${files[0]}`] })).trim()).toBe('REDIS');
  });

  test("redis: the newest dump restores into a fresh server's data claim by the README's steps, keys and all", async () => {
    const [newest] = await dumps('cache');
    // the restore pod mounts the fresh server's data claim too (the server is not running: scaled to 0)
    await backup('cache', {
      command: ['sh', '-c', RESTORE.redis, 'restore', newest],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-cache-new-0' } }],
      mounts: [{ name: 'data', mountPath: '/data' }],
    });
    const [pod] = await cluster.startStatefulSet('cache-new');
    expect((await redis('cache-new', ['MGET', 'cart:1', 'cart:2'])).stdout.trim().split('\n')).toEqual(['book', 'pen']);
    // it goes on with append-only persistence on top of the restored snapshot
    expect((await redis('cache-new', ['SET', 'cart:3', 'ink'])).stdout.trim()).toBe('OK');
    expect((await pod.exec('cache-new', ['cat', '/data/appendonlydir/appendonly.aof.manifest'])).stdout).toMatch(/appendonly\.aof\.1\.base\.rdb seq 1 type b/);
  });
});
