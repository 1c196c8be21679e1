/**
 * TLS from a kubernetes.io/tls Secret: the files mounted read-only, each
 * preset's flags, plain text refused unless asked otherwise, probes and
 * connected clients that know.
 */
import { DatabaseEngine, DatabaseTls, ServiceType, StatelessWebTier } from '../src';
import { customEngine, database, envOf, problemsOf, render, workload } from './database-fixture';
import { chart, find, mainContainer, Manifest } from './util';

const TLS_VOLUME = {
  name: 'tls',
  secret: { secretName: 'db-tls', defaultMode: 0o400, items: ['tls.crt', 'tls.key'].map((key) => ({ key, path: key })) },
};
const presets = [
  ['postgres', () => DatabaseEngine.postgres({ version: '16.4' })],
  ['mysql', () => DatabaseEngine.mysql({ version: '8.4.3' })],
  ['redis', () => DatabaseEngine.redis({ version: '7.4.1' })],
] as const;

describe('TLS', () => {
  test.each(presets)('%s defaults: no TLS, nothing mounted, clients get no TLS variable', (_name, engine) => {
    const c = chart();
    const db = database(c, { engine: engine() });
    new StatelessWebTier(c, 'web', { image: 'registry.example.com/shop/web:1.4.2' }).connectTo(db);
    const objects = render(c);
    const { container, pod } = workload(objects);
    expect(db.tls).toBeUndefined();
    expect(pod.volumes.map((v: Manifest) => v.name)).not.toContain('tls');
    expect(JSON.stringify(container)).not.toMatch(/ssl|tls/i);
    expect(Object.keys(envOf(mainContainer(find(objects, 'Deployment', 'web')))).filter((k) => /TLS|SSL/.test(k))).toEqual([]);
  });

  test.each(presets)('%s: the Secret tls.crt and tls.key mounted read-only at /etc/tls, mode 0400', (_name, engine) => {
    const c = chart();
    const db = database(c, { engine: engine(), tls: DatabaseTls.fromSecret('db-tls') });
    const { container, pod } = workload(render(c));
    expect(db.tls?.secretName).toBe('db-tls');
    expect(db.tls?.required).toBe(true);
    expect(pod.volumes).toContainEqual(TLS_VOLUME);
    expect(container.volumeMounts).toContainEqual({ name: 'tls', mountPath: '/etc/tls', readOnly: true });
  });

  test('postgres: ssl=on on the files; required, a pg_hba.conf with hostssl lines only, written before the entrypoint runs', () => {
    const c = chart();
    database(c, { tls: DatabaseTls.fromSecret('db-tls') });
    const { container } = workload(render(c));
    expect(container.args).toEqual([
      '-c',
      'ssl=on',
      '-c',
      'ssl_cert_file=/etc/tls/tls.crt',
      '-c',
      'ssl_key_file=/etc/tls/tls.key',
      '-c',
      'hba_file=/tmp/pg_hba.conf',
    ]);
    expect(container.command).toEqual([
      'sh',
      '-c',
      "printf '%s\\n' 'local all all trust' 'hostssl all all all scram-sha-256' 'hostssl replication all all scram-sha-256' > /tmp/pg_hba.conf && exec docker-entrypoint.sh \"$@\"",
      'docker-entrypoint.sh',
    ]);
  });

  test('postgres can configure require: false: ssl=on, the image pg_hba.conf (plain text and TLS), the image entrypoint', () => {
    const c = chart();
    const db = database(c, { tls: DatabaseTls.fromSecret('db-tls', { require: false }) });
    const { container } = workload(render(c));
    expect(db.tls?.required).toBe(false);
    expect(container.command).toBeUndefined();
    expect(container.args).toEqual(['-c', 'ssl=on', '-c', 'ssl_cert_file=/etc/tls/tls.crt', '-c', 'ssl_key_file=/etc/tls/tls.key']);
  });

  test('mysql: --ssl-cert and --ssl-key, and require_secure_transport unless require: false', () => {
    const required = chart();
    database(required, { engine: presets[1][1](), tls: DatabaseTls.fromSecret('db-tls') });
    expect(workload(render(required)).container.args.slice(4)).toEqual([
      '--ssl-cert=/etc/tls/tls.crt',
      '--ssl-key=/etc/tls/tls.key',
      '--require-secure-transport=ON',
    ]);
    const optional = chart();
    database(optional, { engine: presets[1][1](), tls: DatabaseTls.fromSecret('db-tls', { require: false }) });
    expect(workload(render(optional)).container.args.slice(4)).toEqual(['--ssl-cert=/etc/tls/tls.crt', '--ssl-key=/etc/tls/tls.key']);
  });

  test('redis: TLS on the database port in place of plain text, no client certificates; the probes speak TLS', () => {
    const c = chart();
    database(c, { engine: presets[2][1](), tls: DatabaseTls.fromSecret('db-tls') });
    const { container } = workload(render(c));
    expect(container.args).toEqual([
      ...['--port', '0', '--tls-port', '6379', '--tls-cert-file', '/etc/tls/tls.crt', '--tls-key-file', '/etc/tls/tls.key', '--tls-auth-clients', 'no'],
      ...['--dir', '/data', '--appendonly', 'yes'],
    ]);
    expect(container.readinessProbe.exec.command[2]).toMatch(/test "\$\(redis-cli --tls --insecure -p 6379 ping\)" = PONG$/);
    expect(container.livenessProbe.exec.command).toEqual(['redis-cli', '--tls', '--insecure', '-p', '6379', 'ping']);
  });

  test.each([
    ['postgres', 0, { PG_TLS: 'true', PG_SSLMODE: 'require' }],
    ['mysql', 1, { PG_TLS: 'true' }],
    ['redis', 2, { PG_TLS: 'true' }],
  ] as const)('%s: connected clients learn that TLS is on', (_name, i, expected) => {
    const c = chart();
    const db = database(c, { engine: presets[i][1](), tls: DatabaseTls.fromSecret('db-tls') }, 'pg');
    new StatelessWebTier(c, 'web', { image: 'registry.example.com/shop/web:1.4.2', serviceType: ServiceType.CLUSTER_IP }).connectTo(db);
    const env = envOf(mainContainer(find(render(c), 'Deployment', 'web')));
    expect(Object.fromEntries(Object.entries(env).filter(([k]) => /TLS|SSL/.test(k)))).toEqual(expected);
  });

  test('rejects a tls value that is not a DatabaseTls', () => {
    expect(problemsOf((c) => database(c, { tls: 'db-tls' as never }))).toEqual([
      expect.stringMatching(/\[test\/db\] tls: got "db-tls"; must be a DatabaseTls\. Fix: use DatabaseTls\.fromSecret\('orders-db-tls'\)/),
    ]);
  });

  test('rejects a Secret name that is not one, a require that is not a boolean, an unknown option', () => {
    expect(problemsOf((c) => database(c, { tls: DatabaseTls.fromSecret('DB TLS') }))).toEqual([
      expect.stringMatching(/tls\.secretName: got "DB TLS"; must be a Secret name \(a DNS-1123 subdomain\)/),
    ]);
    expect(problemsOf((c) => database(c, { tls: DatabaseTls.fromSecret('db-tls', { require: 'yes' as never }) }))).toEqual([
      expect.stringMatching(/tls\.require: got "yes"; must be true or false/),
    ]);
    expect(problemsOf((c) => database(c, { tls: DatabaseTls.fromSecret('db-tls', { requre: true } as never) }))).toEqual([
      expect.stringMatching(/tls options\.requre: got true; not a prop of DatabaseTlsOptions\. Fix: did you mean require\?/),
    ]);
  });

  test('rejects require: false with redis (TLS and plain text need two ports) and TLS with a custom engine', () => {
    expect(problemsOf((c) => database(c, { engine: presets[2][1](), tls: DatabaseTls.fromSecret('db-tls', { require: false }) }))).toEqual([
      expect.stringMatching(/tls\.require: got false; Redis serves TLS and plain text on different ports/),
    ]);
    const custom = customEngine();
    expect(problemsOf((c) => database(c, { engine: custom, secretName: undefined, tls: DatabaseTls.fromSecret('db-tls') }))).toEqual([
      expect.stringMatching(/tls: got "db-tls"; a custom engine configures its own TLS/),
    ]);
  });

  test('rejects a read-only volume named tls next to TLS', () => {
    expect(
      problemsOf((c) =>
        database(c, { tls: DatabaseTls.fromSecret('db-tls'), readOnlyVolumes: [{ name: 'tls', mountPath: '/etc/other', secretName: 'other' }] }),
      ),
    ).toEqual([expect.stringMatching(/readOnlyVolumes\[0\]: got "tls"; the volume name is already used by tls/)]);
  });

  test.each(presets.filter(([name]) => name !== 'mysql'))('rejects %s TLS with replicas > 1 (replication does not run over TLS yet), once', (_name, engine) => {
    expect(problemsOf((c) => database(c, { engine: engine(), replicas: 3, tls: DatabaseTls.fromSecret('db-tls') }))).toEqual([
      expect.stringMatching(
        /^\[test\/db\] tls: got "DatabaseTls\.fromSecret\(\\"db-tls\\"\)"; a replicated database does not run its replication over TLS yet .*\. Fix: use tls with replicas: 1/,
      ),
    ]);
  });
});
