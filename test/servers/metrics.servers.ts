/**
 * The exporters as real processes: the rendered metrics sidecar of the postgres
 * and redis presets runs next to its server with exactly the env and args the pod
 * spec gives it (Debian's prometheus-postgres-exporter and prometheus-redis-exporter
 * stand in for the images), its probes pass, and a scraper in another namespace
 * reads the engine's metrics through the `<name>-metrics` Service.
 */
import { DatabaseEngine, DatabaseMetrics, StatefulDatabase } from '../../src';
import { chart, Manifest, synth } from '../util';
import { Client, ServerCluster } from './cluster';
import { Pod } from './pod';
import { describeServers } from './preflight';

const secret = (name: string, data: { [key: string]: string }): Manifest => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'shop' },
  stringData: data,
});
const PG_PASSWORD = 'pa"ss \'w$rd';
const REDIS_PASSWORD = 'se"cr\\et $(x) pass';
const metrics = () => DatabaseMetrics.prometheus({ scrapedBy: { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } });

function render(): Manifest[] {
  const c = chart('shop');
  new StatefulDatabase(c, 'pg', { engine: DatabaseEngine.postgres({ version: '16.4' }), secretName: 'pg-credentials', metrics: metrics() });
  new StatefulDatabase(c, 'cache', { engine: DatabaseEngine.redis({ version: '7.4.1' }), secretName: 'cache-credentials', metrics: metrics() });
  return [...synth(c), secret('pg-credentials', { username: 'shop', password: PG_PASSWORD }), secret('cache-credentials', { password: REDIS_PASSWORD })];
}

describeServers(
  'metrics exporters on real servers',
  ['/usr/lib/postgresql', '/usr/lib/x86_64-linux-gnu/libnss_wrapper.so', 'redis-server', 'prometheus-postgres-exporter', 'prometheus-redis-exporter'],
  () => {
    let cluster: ServerCluster;
    let pg: Pod;
    let cache: Pod;
    let scraper: Client;
    const scrape = async (service: string, port: number): Promise<string> => {
      const r = await scraper.run(['curl', '-sf', '--max-time', '10', `http://${service}.shop.svc.cluster.local:${port}/metrics`]);
      if (r.code !== 0) throw new Error(`scraping ${service}: curl exited ${r.code}: ${r.stderr}`);
      return r.stdout;
    };

    beforeAll(async () => {
      cluster = await ServerCluster.create(render());
      [pg] = await cluster.startStatefulSet('pg');
      [cache] = await cluster.startStatefulSet('cache');
      scraper = await cluster.client('prometheus');
    });
    afterAll(async () => {
      await cluster?.dispose();
    });

    test('both containers of each pod pass their probes (the pod is ready only when the exporter is)', async () => {
      expect([pg.ready, cache.ready]).toEqual([true, true]);
      for (const pod of [pg, cache]) {
        await expect(pod.probe('metrics', 'readinessProbe')).resolves.toBe(true);
        await expect(pod.probe('metrics', 'livenessProbe')).resolves.toBe(true);
      }
    });

    test('postgres_exporter reports pg_up 1 and the statistics of the preset database', async () => {
      const text = await scrape('pg-metrics', 9187);
      expect(text).toMatch(/^pg_up 1$/m);
      expect(text).toMatch(/^pg_stat_database_numbackends\{[^}]*datname="pg"[^}]*\} \d+$/m);
    });

    test('redis_exporter authenticates with the Secret and reports redis_up 1 and the server info', async () => {
      // (as a user does in kubectl exec: the server's password is its credential file)
      const set = await cache.exec('cache', ['sh', '-c', 'REDISCLI_AUTH="$(cat /etc/credentials/password)" redis-cli SET k v']);
      expect(set.stdout.trim()).toBe('OK');
      const text = await scrape('cache-metrics', 9121);
      expect(text).toMatch(/^redis_up 1$/m);
      expect(text).toMatch(/^redis_db_keys\{db="db0"\} 1$/m);
    });

    test('the exporters run as the pod uid on a read-only root, with the password on no command line', async () => {
      for (const [pod, password] of [
        [pg, PG_PASSWORD],
        [cache, REDIS_PASSWORD],
      ] as const) {
        expect((await pod.exec('metrics', ['id', '-u'])).stdout.trim()).toBe('10001');
        expect((await pod.exec('metrics', ['touch', '/etc/x'])).stderr).toMatch(/Read-only file system/);
        const cmdline = (await pod.exec('metrics', ['cat', '/proc/1/cmdline'])).stdout.split('\0').join(' ');
        expect(cmdline).toMatch(/^prometheus-(postgres|redis)-exporter --web\.listen-address=:\d+/);
        expect(cmdline).not.toContain(password);
      }
    });

    test("the exporter's credentials are the ones the server accepts: over the pod address its env logs in, a wrong password is pg_up 0", async () => {
      // 127.0.0.1 is trusted by initdb's pg_hba.conf (in the image too); the pod address needs the password (scram-sha-256).
      // A second exporter in the same container, with the container's env and only the address (and then the password) changed:
      const probe = (override: string) =>
        pg.exec('metrics', [
          'sh',
          '-c',
          `DATA_SOURCE_URI=${pg.address}:5432/pg?sslmode=disable ${override} prometheus-postgres-exporter --web.listen-address=:9300 >/dev/null 2>&1 & p=$!; sleep 2; curl -s http://127.0.0.1:9300/metrics | grep "^pg_up "; kill $p`,
        ]);
      expect((await probe('')).stdout.trim()).toBe('pg_up 1');
      expect((await probe('PGPASSWORD=wrong')).stdout.trim()).toBe('pg_up 0');
    });
  },
);
