/**
 * TLS on real servers, from kubernetes.io/tls Secrets made here with openssl (a
 * throwaway CA and one server certificate per database): PostgreSQL accepts a
 * verified TLS connection (sslmode=verify-full) and, required, refuses plain
 * text; it accepts the key file as the kubelet leaves it (0440 root:fsGroup).
 * Redis accepts TLS with the CA and refuses plain text. The probes pass under TLS.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DatabaseEngine, DatabaseTls, ServiceType, StatefulDatabase, StatelessWebTier } from '../../src';
import { chart, Manifest, synth } from '../util';
import { Client, ServerCluster } from './cluster';
import { postgresBin } from './images';
import { Pod } from './pod';
import { describeServers } from './preflight';
import { libpqEnv } from './libpq';

const PG_PASSWORD = 'tls-pa"ss';
const REDIS_PASSWORD = 'tls-se\\cret';

/** A CA and a server certificate for each of `hosts` (the Service's names), in a folder every sandbox can read. */
function makeCertificates(dir: string, hosts: { [name: string]: string[] }): { ca: string; secrets: Manifest[] } {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=tiers test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  const secrets = Object.entries(hosts).map(([name, names]) => {
    const ext = path.join(dir, `${name}.ext`);
    fs.writeFileSync(ext, `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\n`);
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${names[0]}`, '-keyout', `${name}.key`, '-out', `${name}.csr`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-extfile', ext, '-out', `${name}.crt`);
    const b64 = (f: string) => fs.readFileSync(path.join(dir, f)).toString('base64');
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { name: `${name}-tls`, namespace: 'shop' },
      data: { 'tls.crt': b64(`${name}.crt`), 'tls.key': b64(`${name}.key`), 'ca.crt': b64('ca.crt') },
    };
  });
  fs.chmodSync(path.join(dir, 'ca.crt'), 0o644);
  return { ca: path.join(dir, 'ca.crt'), secrets };
}

const secret = (name: string, data: { [k: string]: string }): Manifest => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'shop' },
  stringData: data,
});

function render(tlsSecrets: Manifest[]): Manifest[] {
  const c = chart('shop');
  const pg = new StatefulDatabase(c, 'pg', {
    engine: DatabaseEngine.postgres({ version: '16.4' }),
    secretName: 'pg-credentials',
    tls: DatabaseTls.fromSecret('pg-tls'),
  });
  new StatefulDatabase(c, 'pgopt', {
    engine: DatabaseEngine.postgres({ version: '16.4' }),
    secretName: 'pg-credentials',
    tls: DatabaseTls.fromSecret('pg-tls', { require: false }),
  });
  new StatefulDatabase(c, 'cache', {
    engine: DatabaseEngine.redis({ version: '7.4.1' }),
    secretName: 'cache-credentials',
    tls: DatabaseTls.fromSecret('cache-tls'),
  });
  new StatelessWebTier(c, 'api', { image: 'ghcr.io/stefanprodan/podinfo:6.7.1', port: 9898, serviceType: ServiceType.CLUSTER_IP }).connectTo(pg);
  return [
    ...synth(c),
    ...tlsSecrets,
    secret('pg-credentials', { username: 'shop', password: PG_PASSWORD }),
    secret('cache-credentials', { password: REDIS_PASSWORD }),
  ];
}

describeServers('TLS on real servers', ['/usr/lib/postgresql', '/usr/lib/x86_64-linux-gnu/libnss_wrapper.so', 'redis-server', 'redis-cli', 'openssl'], () => {
  let certs: string;
  let ca: string;
  let cluster: ServerCluster;
  let pg: Pod;
  let cache: Pod;
  let client: Client;
  const psql = (sslmode: string, sql = 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()', host = 'pg.shop.svc.cluster.local') =>
    client.run([`${postgresBin()}/psql`, '-X', '-tA', '-c', sql], {
      // each preset's database is named like the database tier
      ...libpqEnv({ host, user: 'shop', database: host.split('.')[0], password: PG_PASSWORD }),
      PGSSLMODE: sslmode,
      PGSSLROOTCERT: ca,
    });
  const cli = (args: string[]) => client.run(['redis-cli', '-h', 'cache', '-p', '6379', ...args, 'PING'], { REDISCLI_AUTH: REDIS_PASSWORD });

  beforeAll(async () => {
    certs = fs.mkdtempSync(path.join(os.tmpdir(), 'tiers-tls-'));
    fs.chmodSync(certs, 0o755);
    const made = makeCertificates(certs, {
      pg: ['pg.shop.svc.cluster.local', 'pg'],
      cache: ['cache.shop.svc.cluster.local', 'cache'],
    });
    ca = made.ca;
    cluster = await ServerCluster.create(render(made.secrets));
    [pg] = await cluster.startStatefulSet('pg');
    [cache] = await cluster.startStatefulSet('cache');
    client = await cluster.client('app');
  });
  afterAll(async () => {
    await cluster?.dispose();
    if (certs) fs.rmSync(certs, { recursive: true, force: true });
  });

  test('postgres starts with the key file as the kubelet leaves it (0440 root:fsGroup), which its key rule allows', async () => {
    expect((await pg.exec('pg', ['stat', '-L', '-c', '%u:%g %a', '/etc/tls/tls.key'])).stdout.trim()).toBe('0:10001 440');
    expect((await pg.exec('pg', ['ls', '/etc/tls'])).stdout.trim().split('\n')).toEqual(['tls.crt', 'tls.key']);
    expect(pg.log('pg', Infinity)).not.toMatch(/private key file .* has group or world access/);
  });

  test('postgres accepts a TLS connection that verifies the certificate against the CA and the Service name', async () => {
    const r = await psql('verify-full');
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('t');
  });

  test('postgres refuses plain text (hostssl only)', async () => {
    const r = await psql('disable', 'SELECT 1');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no pg_hba.conf entry for host "[\d.]+", user "shop", database "pg", no encryption/);
  });

  test('postgres with require: false accepts TLS and plain text', async () => {
    await cluster.startStatefulSet('pgopt');
    const tls = await psql('require', undefined, 'pgopt');
    expect([tls.stderr, tls.stdout.trim()]).toEqual(['', 't']);
    const plain = await psql('disable', undefined, 'pgopt');
    expect([plain.stderr, plain.stdout.trim()]).toEqual(['', 'f']);
  });

  test('postgres probes pass under TLS; clients learn the mode', async () => {
    await expect(pg.probe('pg', 'readinessProbe')).resolves.toBe(true);
    await expect(pg.probe('pg', 'livenessProbe')).resolves.toBe(true);
    const env = cluster.workloadEnv('Deployment', 'api', client.host.address);
    expect([env.PG_TLS, env.PG_SSLMODE]).toEqual(['true', 'require']);
  });

  test('redis accepts TLS verified against the CA, and refuses plain text on the same port', async () => {
    const tls = await cli(['--tls', '--cacert', ca]);
    expect(tls.stdout.trim()).toBe('PONG');
    const plain = await cli([]);
    expect(plain.code).not.toBe(0);
    expect(plain.stdout.trim()).toBe('');
    // the server reads the plain-text request as a broken TLS handshake and drops the connection
    expect(plain.stderr).toMatch(/Connection reset by peer|I\/O error/);
    await expect(cache.probe('cache', 'readinessProbe')).resolves.toBe(true);
    await expect(cache.probe('cache', 'livenessProbe')).resolves.toBe(true);
  });
});
