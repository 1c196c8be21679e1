/**
 * Credentials as files: the database's server reads its Secret's keys from a
 * read-only Secret volume by default (or from env vars when asked), and a
 * connected client gets env references by default (or the Secret mounted).
 */
import { DatabaseCredentials, DatabaseEngine, EnvValue, StatelessWebTier } from '../src';
import { ContainerBuilder } from '../src/_container';
import { CredentialSource } from '../src/_credential-files';
import { Problems } from '../src/_errors';
import { PodVolumes } from '../src/_tier';
import { customEngine, database, envOf, problemsOf, render, workload } from './database-fixture';
import { appProblems, chart, find, mainContainer, Manifest } from './util';

const WEB_IMAGE = 'registry.example.com/shop/web:1.4.2';
const presets = [
  ['postgres', () => DatabaseEngine.postgres({ version: '16.4' }), ['username', 'password']],
  ['mysql', () => DatabaseEngine.mysql({ version: '8.4.3' }), ['username', 'password', 'root-password']],
  ['redis', () => DatabaseEngine.redis({ version: '7.4.1' }), ['password']],
] as const;

describe('the database server', () => {
  test.each(presets)('%s defaults: the keys as files of a read-only Secret volume, mode 0400, and no variable from the Secret', (_name, engine, keys) => {
    const c = chart();
    const db = database(c, { engine: engine() });
    const { container, pod } = workload(render(c));
    expect(db.credentials.files).toBe(true);
    expect(pod.volumes.filter((v: Manifest) => v.secret)).toEqual([
      { name: 'credentials', secret: { secretName: 'db-credentials', defaultMode: 0o400, items: keys.map((key) => ({ key, path: key })) } },
    ]);
    expect(container.volumeMounts).toContainEqual({ name: 'credentials', mountPath: '/etc/credentials', readOnly: true });
    expect((container.env ?? []).filter((e: Manifest) => e.valueFrom?.secretKeyRef)).toEqual([]);
    // the kubelet gives the files to root and the fsGroup (adding group read): the fsGroup is the pod's group
    expect(pod.securityContext).toMatchObject({ runAsGroup: 10001, fsGroup: 10001 });
  });

  test('defaults: every probe that needs a credential reads it from its file', () => {
    const c = chart();
    database(c, {}, 'pg');
    database(c, { engine: DatabaseEngine.redis({ version: '7.4.1' }) }, 'cache');
    const objects = render(c);
    const pg = workload(objects, 'pg').container;
    for (const probe of [pg.readinessProbe, pg.livenessProbe, pg.startupProbe])
      expect(probe.exec.command[2]).toMatch(/^export PGUSER="\$\(cat \/etc\/credentials\/username\)"; /);
    expect(workload(objects, 'cache').container.readinessProbe.exec.command[2]).toMatch(/^export REDISCLI_AUTH="\$\(cat \/etc\/credentials\/password\)"; /);
  });

  test('can configure environment variables: the Secret keys as secretKeyRefs, no volume, the probes read the variables', () => {
    const c = chart();
    const db = database(c, { credentials: DatabaseCredentials.asEnvironment() });
    const { container, pod } = workload(render(c));
    expect(db.credentials.files).toBe(false);
    expect(envOf(container)).toMatchObject({
      POSTGRES_USER: 'secret:db-credentials/username',
      POSTGRES_PASSWORD: 'secret:db-credentials/password',
      PGUSER: 'secret:db-credentials/username',
    });
    expect(Object.keys(envOf(container)).filter((k) => k.endsWith('_FILE'))).toEqual([]);
    expect(pod.volumes.filter((v: Manifest) => v.secret)).toEqual([]);
    expect(container.readinessProbe.exec.command).toEqual(['pg_isready', '--quiet', '--host=127.0.0.1', '--port=5432']);
  });

  test('can configure files explicitly: the same as the default', () => {
    const a = chart();
    database(a);
    const b = chart();
    database(b, { credentials: DatabaseCredentials.asFiles() });
    expect(render(b)).toEqual(render(a));
  });

  test('rejects a credentials value that is not a DatabaseCredentials', () => {
    expect(problemsOf((c) => database(c, { credentials: 'files' as never }))).toEqual([
      expect.stringMatching(
        /\[test\/db\] credentials: got "files"; must be a DatabaseCredentials\. Fix: use DatabaseCredentials\.asFiles\(\) or DatabaseCredentials\.asEnvironment\(\)/,
      ),
    ]);
  });

  test('rejects credentials with a custom engine, which reads no Secret', () => {
    const custom = customEngine();
    expect(problemsOf((c) => database(c, { engine: custom, secretName: undefined, credentials: DatabaseCredentials.asFiles() }))).toEqual([
      expect.stringMatching(
        /credentials: got "DatabaseCredentials\.asFiles\(\)"; a custom engine reads no Secret by itself, so there are no credentials to deliver/,
      ),
    ]);
  });

  test('rejects a read-only volume named like the credentials volume', () => {
    expect(problemsOf((c) => database(c, { readOnlyVolumes: [{ name: 'credentials', mountPath: '/etc/more', secretName: 'more' }] }))).toEqual([
      expect.stringMatching(/readOnlyVolumes\[0\]: got "credentials"; the volume name is already used by credentials/),
    ]);
  });
});

describe('a connected client', () => {
  const web = (c: ReturnType<typeof chart>, fsGroup?: number) =>
    new StatelessWebTier(c, 'web', { image: WEB_IMAGE, ...(fsGroup !== undefined ? { security: { fsGroup } } : {}) });

  test('defaults: environment variables from the Secret, nothing mounted', () => {
    const c = chart();
    web(c).connectTo(database(c));
    const container = mainContainer(find(render(c), 'Deployment', 'web'));
    expect(envOf(container)).toMatchObject({ DB_USER: 'secret:db-credentials/username', DB_PASSWORD: 'secret:db-credentials/password', DB_NAME: 'db' });
    expect(container.volumeMounts.filter((m: Manifest) => m.readOnly)).toEqual([]);
  });

  test('can configure files: the Secret mounted read-only at /etc/credentials/<target>, <PREFIX>_USER_FILE and <PREFIX>_PASSWORD_FILE', () => {
    const c = chart();
    const connection = web(c, 10001).connectTo(database(c), { credentials: DatabaseCredentials.asFiles() });
    const deployment = find(render(c), 'Deployment', 'web');
    const container = mainContainer(deployment);
    expect(envOf(container)).toEqual({
      DB_HOST: 'db',
      DB_PORT: '5432',
      DB_USER_FILE: '/etc/credentials/db/username',
      DB_PASSWORD_FILE: '/etc/credentials/db/password',
      DB_NAME: 'db',
    });
    expect(container.volumeMounts).toContainEqual({ name: 'credentials-db', mountPath: '/etc/credentials/db', readOnly: true });
    expect(deployment.spec.template.spec.volumes).toContainEqual({
      name: 'credentials-db',
      secret: { secretName: 'db-credentials', defaultMode: 0o400, items: ['username', 'password'].map((key) => ({ key, path: key })) },
    });
    expect(connection.secret).toEqual({ secretName: 'db-credentials', keys: { USER: 'username', PASSWORD: 'password' } });
  });

  test('can configure files for two databases, each in its own folder', () => {
    const c = chart();
    const w = web(c, 10001);
    w.connectTo(database(c, {}, 'orders'), { credentials: DatabaseCredentials.asFiles() });
    w.connectTo(database(c, { engine: DatabaseEngine.redis({ version: '7.4.1' }), secretName: 'cache-credentials' }, 'cache'), {
      credentials: DatabaseCredentials.asFiles(),
    });
    const env = envOf(mainContainer(find(render(c), 'Deployment', 'web')));
    expect(env.ORDERS_PASSWORD_FILE).toBe('/etc/credentials/orders/password');
    expect(env.CACHE_PASSWORD_FILE).toBe('/etc/credentials/cache/password');
  });

  test('rejects files on a tier without an fsGroup, which could not read them', () => {
    expect(problemsOf((c) => web(c).connectTo(database(c), { credentials: DatabaseCredentials.asFiles() }))).toEqual([
      expect.stringMatching(
        /connectTo\(test\/db\) options\.credentials: got "DatabaseCredentials\.asFiles\(\)"; credential files are readable through the pod's fsGroup only.*Fix: set security: \{ fsGroup: 10001 \}/,
      ),
    ]);
  });

  test('rejects files from a target without a Secret (a web tier)', () => {
    expect(
      problemsOf((c) => web(c, 10001).connectTo(new StatelessWebTier(c, 'api', { image: WEB_IMAGE }), { credentials: DatabaseCredentials.asFiles() })),
    ).toEqual([expect.stringMatching(/options\.credentials: got "DatabaseCredentials\.asFiles\(\)"; "api" gives no credentials from a Secret to mount/)]);
  });

  test('rejects a credentials option that is not a DatabaseCredentials', () => {
    expect(problemsOf((c) => web(c).connectTo(database(c), { credentials: true as never }))).toEqual([
      expect.stringMatching(/connectTo\(test\/db\) options\.credentials: got true; must be a DatabaseCredentials/),
    ]);
  });
});

describe('the credential helper (for other containers of a pod: exporters, backup jobs)', () => {
  const container = (p: Problems, name: string) =>
    new ContainerBuilder(p, '', { name, image: 'registry.example.com/x:1.0.0', resources: {}, volumeMounts: [], init: true });

  test('defaults to one volume per pod, mounted read-only in each container given, and *_FILE variables', () => {
    const c = chart();
    const p = new Problems(c);
    const volumes = new PodVolumes(p);
    const source = new CredentialSource('db-credentials', ['username', 'password'], true);
    const [server, exporter] = [container(p, 'db'), container(p, 'exporter')];
    source.mount(volumes, server, 'credentials');
    source.mount(volumes, exporter, 'metrics');
    expect(volumes.volumes.map((v) => v.name)).toEqual(['credentials']);
    expect([server, exporter].map((x) => x.render().volumeMounts)).toEqual([
      [{ name: 'credentials', mountPath: '/etc/credentials', readOnly: true }],
      [{ name: 'credentials', mountPath: '/etc/credentials', readOnly: true }],
    ]);
    expect(Object.keys(source.env({ DATA_SOURCE_PASS: 'password' }))).toEqual(['DATA_SOURCE_PASS_FILE']);
    expect(appProblems(c)).toEqual([]);
  });

  test('can give environment variables instead: secretKeyRefs, nothing mounted', () => {
    const c = chart();
    const p = new Problems(c);
    const volumes = new PodVolumes(p);
    const source = new CredentialSource('db-credentials', ['password'], false);
    source.mount(volumes, container(p, 'exporter'), 'metrics');
    expect(volumes.volumes).toEqual([]);
    expect(source.env({ DATA_SOURCE_PASS: 'password' }).DATA_SOURCE_PASS).toEqual(EnvValue.fromSecretKey('db-credentials', 'password'));
    expect(source.shellValue('DATA_SOURCE_PASS', 'password')).toBe('$DATA_SOURCE_PASS');
  });

  test('rejects a second volume of that name with other content in the same pod', () => {
    const c = chart();
    const p = new Problems(c);
    const volumes = new PodVolumes(p);
    new CredentialSource('db-credentials', ['password'], true).mount(volumes, container(p, 'a'), 'credentials');
    new CredentialSource('other-credentials', ['password'], true).mount(volumes, container(p, 'b'), 'metrics');
    expect(appProblems(c)).toEqual([expect.stringMatching(/metrics: got "credentials"; the volume name is already used by credentials/)]);
  });
});
