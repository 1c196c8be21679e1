/**
 * Credentials as files on real servers: the rendered postgres and redis pods
 * take their password from the read-only Secret volume (the container is given
 * no password variable, so the password a client logs in with can only come from
 * the file), the files are 0440 root:fsGroup and not writable, and a client logs
 * in with the Secret's password and not with another one. (The postgres image's
 * entrypoint exports POSTGRES_PASSWORD from the file to its own processes, as the
 * official image does; redis's start script never puts it in the environment.)
 */
import { DatabaseCredentials, DatabaseEngine, ServiceType, StatefulDatabase, StatelessWebTier } from '../../src';
import { chart, Manifest, synth } from '../util';
import { Client, ServerCluster } from './cluster';
import { postgresBin } from './images';
import { Pod } from './pod';
import { describeServers } from './preflight';
import { libpqEnv } from './libpq';

const PG_PASSWORD = 'fi"le \'pa$s\\word';
const REDIS_PASSWORD = 'fi"le \\pa$(s)s';
const secret = (name: string, data: { [k: string]: string }): Manifest => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'shop' },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
});

function render(): Manifest[] {
  const c = chart('shop');
  const pg = new StatefulDatabase(c, 'pg', { engine: DatabaseEngine.postgres({ version: '16.4' }), secretName: 'pg-credentials' });
  new StatefulDatabase(c, 'cache', { engine: DatabaseEngine.redis({ version: '7.4.1' }), secretName: 'cache-credentials' });
  const api = new StatelessWebTier(c, 'api', {
    image: 'ghcr.io/stefanprodan/podinfo:6.7.1',
    port: 9898,
    serviceType: ServiceType.CLUSTER_IP,
    security: { fsGroup: 10001 },
  });
  api.connectTo(pg, { credentials: DatabaseCredentials.asFiles() });
  return [
    ...synth(c),
    secret('pg-credentials', { username: 'shop', password: PG_PASSWORD, unused: 'not mounted' }),
    secret('cache-credentials', { password: REDIS_PASSWORD }),
  ];
}

/** The environment of a container's PID 1, as name → value. */
async function environOf(pod: Pod, container: string): Promise<{ [k: string]: string }> {
  const raw = (await pod.exec(container, ['cat', '/proc/1/environ'])).stdout;
  return Object.fromEntries(
    raw
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

describeServers(
  'credentials as files on real servers',
  ['/usr/lib/postgresql', '/usr/lib/x86_64-linux-gnu/libnss_wrapper.so', 'redis-server', 'redis-cli'],
  () => {
    let cluster: ServerCluster;
    let pg: Pod;
    let cache: Pod;
    let client: Client;
    const psql = (password: string) =>
      client.run([`${postgresBin()}/psql`, '-X', '-tA', '-c', 'SELECT current_user'], libpqEnv({ host: 'pg', user: 'shop', database: 'pg', password }));

    beforeAll(async () => {
      cluster = await ServerCluster.create(render());
      [pg] = await cluster.startStatefulSet('pg');
      [cache] = await cluster.startStatefulSet('cache');
      client = await cluster.client('app');
    });
    afterAll(async () => {
      await cluster?.dispose();
    });

    test('postgres: the files are 0440 root:fsGroup, read-only, only the keys the engine reads', async () => {
      const stat = await pg.exec('pg', ['stat', '-L', '-c', '%n %u:%g %a', '/etc/credentials/username', '/etc/credentials/password']);
      expect(stat.stdout.trim().split('\n')).toEqual(['/etc/credentials/username 0:10001 440', '/etc/credentials/password 0:10001 440']);
      expect((await pg.exec('pg', ['ls', '/etc/credentials'])).stdout.trim().split('\n')).toEqual(['password', 'username']);
      const write = await pg.exec('pg', ['sh', '-c', 'echo x > /etc/credentials/password']);
      expect(write.code).not.toBe(0);
      expect(write.stderr).toMatch(/Read-only file system|Permission denied/);
    });

    test('postgres: the kubelet gives the container the file paths and no password or user variable', () => {
      const env = cluster.workloadEnv('StatefulSet', 'pg', pg.address);
      expect(env.POSTGRES_PASSWORD_FILE).toBe('/etc/credentials/password');
      expect(env.POSTGRES_USER_FILE).toBe('/etc/credentials/username');
      expect(Object.keys(env).filter((k) => /PASSWORD$|^PGUSER$|^POSTGRES_USER$/.test(k))).toEqual([]);
      expect(Object.values(env)).not.toContain(PG_PASSWORD);
    });

    test("postgres: a client logs in with the file's password, and not with another", async () => {
      const ok = await psql(PG_PASSWORD);
      expect(ok.stderr).toBe('');
      expect(ok.stdout.trim()).toBe('shop');
      const denied = await psql('wrong');
      expect(denied.code).not.toBe(0);
      expect(denied.stderr).toMatch(/password authentication failed for user "shop"/);
    });

    test('postgres: the probes read the user from its file and pass, without a FATAL line', async () => {
      const logged = pg.log('pg', Infinity).length;
      await expect(pg.probe('pg', 'readinessProbe')).resolves.toBe(true);
      await expect(pg.probe('pg', 'livenessProbe')).resolves.toBe(true);
      expect(pg.log('pg', Infinity).slice(logged)).not.toMatch(/FATAL/);
    });

    test('redis: requirepass comes from the file; no password variable in its environment, on its command line or in its config', async () => {
      const env = await environOf(cache, 'cache');
      expect(Object.keys(env).filter((k) => /PASSWORD|AUTH/.test(k))).toEqual([]);
      const cmdline = (await cache.exec('cache', ['cat', '/proc/1/cmdline'])).stdout.split('\0').join(' ');
      expect(cmdline).not.toContain('pa$(s)s');
      const cli = (password: string) => client.run(['redis-cli', '-h', 'cache', '-p', '6379', 'PING'], { REDISCLI_AUTH: password });
      expect((await cli(REDIS_PASSWORD)).stdout.trim()).toBe('PONG');
      const wrong = await cli('wrong');
      expect(wrong.stdout + wrong.stderr).toMatch(/WRONGPASS|NOAUTH/);
      await expect(cache.probe('cache', 'readinessProbe')).resolves.toBe(true);
    });

    test('a Secret without a key the engine reads stops the pod before it starts (FailedMount)', async () => {
      const objects = render().map((o) => (o.kind === 'Secret' && o.metadata.name === 'pg-credentials' ? { ...o, data: { username: o.data.username } } : o));
      const other = await ServerCluster.create(objects);
      try {
        await expect(other.startPod('pg', 0)).rejects.toThrow(
          /pod pg-0: volume credentials: Secret "pg-credentials" has no key "password" \(the kubelet would not start the pod: FailedMount\)/,
        );
      } finally {
        await other.dispose();
      }
    });

    test('a client connected with files gets the paths of the files, no credential variable', () => {
      const env = cluster.workloadEnv('Deployment', 'api', client.host.address);
      expect(
        Object.keys(env)
          .filter((k) => k.startsWith('PG_'))
          .sort(),
      ).toEqual(['PG_HOST', 'PG_NAME', 'PG_PASSWORD_FILE', 'PG_PORT', 'PG_USER_FILE']);
      expect(env.PG_PASSWORD_FILE).toBe('/etc/credentials/pg/password');
    });
  },
);
