import { DatabaseCredentials, DatabaseEngine, EnvValue, Probe, StatefulDatabase, StatelessWebTier } from '../src';
import { commandWords, database, envOf, problemsOf, render, workload } from './database-fixture';
import { chart, DATABASE_POD_SECURITY, find, mainContainer, Manifest, RESTRICTED_CONTAINER_SECURITY } from './util';

/** Flags that would put a credential on a command line. */
const PASSWORD_ON_COMMAND_LINE = /(^|\s)(-a|--pass(word)?|--requirepass|-p[^0-9\s])(\s|=|$)|PASSWORD=|PGPASSWORD|MYSQL_PWD/;

/** The Secret volume of credential files: only the engine's keys, mode 0400 (the kubelet adds group read for the fsGroup). */
const CREDENTIALS_VOLUME = (keys: string[]) => ({ secretName: 'db-credentials', defaultMode: 0o400, items: keys.map((key) => ({ key, path: key })) });

const mounts = (container: Manifest) => Object.fromEntries((container.volumeMounts as Manifest[]).map((m) => [m.mountPath, m.name]));

describe('postgres preset', () => {
  test('snapshot: defaults', () => {
    const c = chart('shop');
    database(c);
    expect(render(c)).toMatchSnapshot();
  });

  test('snapshot: every option', () => {
    const c = chart('shop');
    database(c, {
      engine: DatabaseEngine.postgres({
        version: '17.2-bookworm',
        repository: 'registry.example.com/mirror/postgres',
        port: 5433,
        database: 'orders',
        usernameKey: 'user',
        passwordKey: 'pass',
      }),
    });
    expect(render(c)).toMatchSnapshot();
  });

  test('defaults: official image, port 5432, PGDATA in a folder of the volume, socket and /tmp writable', () => {
    const c = chart();
    const db = database(c);
    const { container, pod } = workload(render(c));
    expect(container.image).toBe('postgres:16.4');
    expect(container.ports).toEqual([{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }]);
    expect(mounts(container)).toEqual({
      '/var/lib/postgresql/data': 'data',
      '/tmp': 'tmp',
      '/var/run/postgresql': 'var-run-postgresql',
      '/etc/credentials': 'credentials',
    });
    expect(pod.volumes).toEqual([
      { name: 'tmp', emptyDir: {} },
      { name: 'var-run-postgresql', emptyDir: {} },
      { name: 'credentials', secret: CREDENTIALS_VOLUME(['username', 'password']) },
    ]);
    expect(envOf(container)).toEqual({
      POSTGRES_USER_FILE: '/etc/credentials/username',
      POSTGRES_PASSWORD_FILE: '/etc/credentials/password',
      POSTGRES_DB: 'db',
      PGDATABASE: 'db',
      PGDATA: '/var/lib/postgresql/data/pgdata',
      PGPORT: '5432',
    });
    expect(container.command).toBeUndefined();
    expect(container.args).toBeUndefined();
    expect(db.dataPath).toBe('/var/lib/postgresql/data');
    expect(db.port).toBe(5432);
    expect(db.engine.engine).toBe('postgres');
    expect(db.engine.secretKeys).toEqual(['username', 'password']);
  });

  test('defaults: readiness over TCP, liveness on the socket tolerating start-up and recovery, a 10 minute startup probe', () => {
    const c = chart();
    database(c);
    const { container } = workload(render(c));
    const user = 'export PGUSER="$(cat /etc/credentials/username)"; ';
    expect(container.readinessProbe).toEqual({
      exec: { command: ['sh', '-c', `${user}exec pg_isready --quiet --host=127.0.0.1 --port=5432`] },
      initialDelaySeconds: 0,
      periodSeconds: 5,
      timeoutSeconds: 5,
      failureThreshold: 3,
      successThreshold: 1,
    });
    const alive = ['sh', '-c', `${user}pg_isready --quiet --host=/var/run/postgresql --port=5432; test $? -le 1`];
    expect(container.livenessProbe).toEqual({
      exec: { command: alive },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 6,
      successThreshold: 1,
    });
    expect(container.startupProbe).toEqual({
      exec: { command: alive },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 60,
      successThreshold: 1,
    });
  });

  test('defaults: the database name is derived from the name', () => {
    const c = chart();
    database(c, { name: 'orders-db' });
    expect(envOf(workload(render(c), 'orders-db').container).POSTGRES_DB).toBe('orders_db');
  });

  test('can configure repository, port, database and Secret keys', () => {
    const c = chart();
    const db = database(c, {
      engine: DatabaseEngine.postgres({
        version: '16.4',
        repository: 'mirror.example.com/postgres',
        port: 6432,
        database: 'orders',
        usernameKey: 'user',
        passwordKey: 'pass',
      }),
    });
    const { container } = workload(render(c));
    expect(container.image).toBe('mirror.example.com/postgres:16.4');
    expect(container.ports[0].containerPort).toBe(6432);
    expect(envOf(container)).toMatchObject({
      POSTGRES_USER_FILE: '/etc/credentials/user',
      POSTGRES_PASSWORD_FILE: '/etc/credentials/pass',
      PGPORT: '6432',
      POSTGRES_DB: 'orders',
      PGDATABASE: 'orders',
    });
    expect(container.readinessProbe.exec.command[2]).toMatch(/--port=6432$/);
    expect(db.servicePort).toBe(6432);
    expect(db.engine.port).toBe(6432);
    expect(db.engine.secretKeys).toEqual(['user', 'pass']);
  });

  test('can pin a digest; the version label is the tag', () => {
    const c = chart();
    const digest = `sha256:${'a'.repeat(64)}`;
    database(c, { engine: DatabaseEngine.postgres({ version: `16.4@${digest}` }) });
    const { sts, container } = workload(render(c));
    expect(container.image).toBe(`postgres:16.4@${digest}`);
    expect(sts.metadata.labels['app.kubernetes.io/version']).toBe('16.4');
  });

  test.each([
    ['a floating major', '16', /engine.version: got "16"; the postgres preset needs a pinned major.minor version/],
    ['latest', 'latest', /engine.version: got "latest"/],
    ['nothing', undefined, /engine.version: got \(not set\)/],
    ['a major before 12', '11.22', /engine.version: got "11.22"; the postgres preset supports major version 12 and later/],
  ])('rejects bad version: %s', (_what, version, message) => {
    const problems = problemsOf((c) => database(c, { engine: DatabaseEngine.postgres({ version: version as string }) }));
    expect(problems.join('\n')).toMatch(message);
    // one mistake, one message: the stand-in image does not repeat it
    expect(problems.filter((x) => x.includes('engine.'))).toHaveLength(1);
  });

  test.each([
    ['upper case', 'Orders'],
    ['a dash', 'orders-db'],
    ['64 characters', 'a'.repeat(64)],
  ])('rejects bad database name: %s (PostgreSQL limit 63)', (_what, name) => {
    expect(problemsOf((c) => database(c, { engine: DatabaseEngine.postgres({ version: '16.4', database: name }) })).join('\n')).toMatch(
      /engine.database: got .*; a PostgreSQL database name here must be at most 63 lower-case letters/,
    );
  });

  test('rejects bad Secret key and bad port', () => {
    const problems = problemsOf((c) => database(c, { engine: DatabaseEngine.postgres({ version: '16.4', passwordKey: 'pass word', port: 70000 }) })).join('\n');
    expect(problems).toMatch(/engine.passwordKey: got "pass word"; a Secret key consists of letters/);
    expect(problems).toMatch(/engine.port: got 70000; must be a port number from 1 to 65535/);
  });

  test('rejects a bad repository as an image problem', () => {
    expect(problemsOf((c) => database(c, { engine: DatabaseEngine.postgres({ version: '16.4', repository: 'Not A Repo' }) })).join('\n')).toMatch(
      /engine.image: got "Not A Repo:16.4"; must be an image reference/,
    );
  });
});

describe('mysql preset', () => {
  const mysql = () => DatabaseEngine.mysql({ version: '8.4.3' });

  test('snapshot: defaults', () => {
    const c = chart('shop');
    database(c, { engine: mysql() });
    expect(render(c)).toMatchSnapshot();
  });

  test('snapshot: every option', () => {
    const c = chart('shop');
    database(c, {
      engine: DatabaseEngine.mysql({
        version: '8.0.40-debian',
        repository: 'registry.example.com/mirror/mysql',
        port: 3307,
        database: 'orders',
        usernameKey: 'user',
        passwordKey: 'pass',
        rootPasswordKey: 'root',
      }),
    });
    expect(render(c)).toMatchSnapshot();
  });

  test('defaults: datadir in a folder of the volume, socket dir and /tmp writable, import/export directory off', () => {
    const c = chart();
    const db = database(c, { engine: mysql() });
    const { container } = workload(render(c));
    expect(container.image).toBe('mysql:8.4.3');
    expect(container.ports).toEqual([{ name: 'mysql', containerPort: 3306, protocol: 'TCP' }]);
    expect(container.command).toBeUndefined();
    expect(container.args).toEqual(['--datadir=/var/lib/mysql/data', '--port=3306', '--socket=/var/run/mysqld/mysqld.sock', '--secure-file-priv=NULL']);
    expect(mounts(container)).toEqual({ '/var/lib/mysql': 'data', '/tmp': 'tmp', '/var/run/mysqld': 'var-run-mysqld', '/etc/credentials': 'credentials' });
    expect(envOf(container)).toEqual({
      MYSQL_ROOT_PASSWORD_FILE: '/etc/credentials/root-password',
      MYSQL_USER_FILE: '/etc/credentials/username',
      MYSQL_PASSWORD_FILE: '/etc/credentials/password',
      MYSQL_DATABASE: 'db',
    });
    expect(db.engine.secretKeys).toEqual(['username', 'password', 'root-password']);
  });

  test('defaults: readiness logs in as the application user over TCP (credentials from the files, through a client option file); liveness and startup ping the socket', () => {
    const c = chart();
    database(c, { engine: mysql() });
    const { container } = workload(render(c));
    const [sh, dashC, script] = container.readinessProbe.exec.command;
    expect([sh, dashC]).toEqual(['sh', '-c']);
    expect(script).toContain('"$(q "$(cat /etc/credentials/username)")" "$(q "$(cat /etc/credentials/password)")" > "$f"');
    expect(script).toContain(
      'mysql --defaults-extra-file="$f" --protocol=TCP --host=127.0.0.1 --port=3306 --connect-timeout=3 --batch --skip-column-names --execute=\'SELECT 1\'',
    );
    expect(script).toMatch(/rm -f "\$f"; exit \$s$/);
    const alive = ['mysqladmin', 'ping', '--silent', '--connect-timeout=3', '--protocol=SOCKET', '--socket=/var/run/mysqld/mysqld.sock'];
    expect(container.livenessProbe.exec.command).toEqual(alive);
    expect(container.startupProbe.exec.command).toEqual(alive);
    expect(container.startupProbe.failureThreshold).toBe(60);
  });

  test("can configure port, database and keys; extra args come after the engine's", () => {
    const c = chart();
    database(c, {
      engine: DatabaseEngine.mysql({ version: '8.4.3', port: 3307, database: 'orders', usernameKey: 'u', passwordKey: 'p', rootPasswordKey: 'r' }),
      args: ['--max-connections=500'],
    });
    const { container } = workload(render(c));
    expect(container.args).toEqual([
      '--datadir=/var/lib/mysql/data',
      '--port=3307',
      '--socket=/var/run/mysqld/mysqld.sock',
      '--secure-file-priv=NULL',
      '--max-connections=500',
    ]);
    expect(envOf(container)).toEqual({
      MYSQL_ROOT_PASSWORD_FILE: '/etc/credentials/r',
      MYSQL_USER_FILE: '/etc/credentials/u',
      MYSQL_PASSWORD_FILE: '/etc/credentials/p',
      MYSQL_DATABASE: 'orders',
    });
    expect(container.readinessProbe.exec.command[2]).toContain('--port=3307');
    expect(container.readinessProbe.exec.command[2]).toContain('$(cat /etc/credentials/u)');
  });

  test('with credentials as environment variables, readiness logs in with MYSQL_USER and MYSQL_PASSWORD', () => {
    const c = chart();
    database(c, { engine: mysql(), credentials: DatabaseCredentials.asEnvironment() });
    expect(workload(render(c)).container.readinessProbe.exec.command[2]).toContain('"$(q "$MYSQL_USER")" "$(q "$MYSQL_PASSWORD")"');
  });

  test.each([
    ['a floating minor', '8.4', /engine.version: got "8.4"; the mysql preset needs a pinned major.minor.patch version/],
    ['5.7', '5.7.44', /engine.version: got "5.7.44"; the mysql preset supports major version 8 and later/],
  ])('rejects bad version: %s', (_what, version, message) => {
    expect(problemsOf((c) => database(c, { engine: DatabaseEngine.mysql({ version }) })).join('\n')).toMatch(message);
  });

  test('rejects a database name above the MySQL limit of 64', () => {
    expect(problemsOf((c) => database(c, { engine: DatabaseEngine.mysql({ version: '8.4.3', database: 'a'.repeat(65) }) })).join('\n')).toMatch(
      /engine.database: got "a{65}"; a MySQL database name here must be at most 64/,
    );
    expect(problemsOf((c) => database(c, { engine: DatabaseEngine.mysql({ version: '8.4.3', database: 'a'.repeat(64) }) }))).toEqual([]);
  });
});

describe('redis preset', () => {
  const redis = () => DatabaseEngine.redis({ version: '7.4.1' });

  test('snapshot: defaults', () => {
    const c = chart('shop');
    database(c, { engine: redis() });
    expect(render(c)).toMatchSnapshot();
  });

  test('snapshot: every option', () => {
    const c = chart('shop');
    database(c, {
      engine: DatabaseEngine.redis({ version: '7.4.1-alpine', repository: 'registry.example.com/mirror/redis', port: 6380, passwordKey: 'redis-password' }),
    });
    expect(render(c)).toMatchSnapshot();
  });

  test('defaults: password from its file through stdin, append-only data in /data, redis-server replaces the shell', () => {
    const c = chart();
    database(c, { engine: redis() });
    const { container } = workload(render(c));
    expect(container.image).toBe('redis:7.4.1');
    expect(container.command[0]).toBe('sh');
    expect(container.command[1]).toBe('-c');
    expect(container.command[2]).toContain('exec redis-server - "$@" <<EOF');
    expect(container.command[2]).toContain('requirepass "$(sed \'s/[\\\\"]/\\\\&/g\' /etc/credentials/password)"');
    expect(container.command[3]).toBe('redis-server');
    expect(container.args).toEqual(['--port', '6379', '--dir', '/data', '--appendonly', 'yes']);
    expect(mounts(container)).toEqual({ '/data': 'data', '/tmp': 'tmp', '/etc/credentials': 'credentials' });
    expect(container.env).toBeUndefined();
  });

  test('with credentials as environment variables: the password from REDIS_PASSWORD through stdin, REDISCLI_AUTH for redis-cli', () => {
    const c = chart();
    database(c, { engine: redis(), credentials: DatabaseCredentials.asEnvironment() });
    const { container, pod } = workload(render(c));
    expect(container.command[2]).toContain('requirepass "$(printf \'%s\' "$REDIS_PASSWORD"');
    expect(envOf(container)).toEqual({ REDIS_PASSWORD: 'secret:db-credentials/password', REDISCLI_AUTH: 'secret:db-credentials/password' });
    expect(container.readinessProbe.exec.command).toEqual(['sh', '-c', 'test "$(redis-cli -p 6379 ping)" = PONG']);
    expect(pod.volumes.map((v: Manifest) => v.name)).toEqual(['tmp']);
  });

  test('defaults: readiness wants PONG, liveness any reply; redis-cli authenticates from the password file', () => {
    const c = chart();
    database(c, { engine: redis() });
    const { container } = workload(render(c));
    expect(container.readinessProbe.exec.command).toEqual([
      'sh',
      '-c',
      'export REDISCLI_AUTH="$(cat /etc/credentials/password)"; test "$(redis-cli -p 6379 ping)" = PONG',
    ]);
    expect(container.livenessProbe.exec.command).toEqual(['redis-cli', '-p', '6379', 'ping']);
    expect(container.startupProbe.exec.command).toEqual(['redis-cli', '-p', '6379', 'ping']);
  });

  test('can configure port and key', () => {
    const c = chart();
    database(c, { engine: DatabaseEngine.redis({ version: '7.4.1', port: 6380, passwordKey: 'auth' }) });
    const { container } = workload(render(c));
    expect(container.args).toEqual(['--port', '6380', '--dir', '/data', '--appendonly', 'yes']);
    expect(container.livenessProbe.exec.command).toEqual(['redis-cli', '-p', '6380', 'ping']);
    expect(container.command[2]).toContain('/etc/credentials/auth)"');
    expect(workload(render(c)).pod.volumes[1].secret.items).toEqual([{ key: 'auth', path: 'auth' }]);
  });

  test.each([
    ['a floating minor', '7.4', /engine.version: got "7.4"; the redis preset needs a pinned major.minor.patch version/],
    ['6.2', '6.2.14', /engine.version: got "6.2.14"; the redis preset supports major version 7 and later/],
  ])('rejects bad version: %s', (_what, version, message) => {
    expect(problemsOf((c) => database(c, { engine: DatabaseEngine.redis({ version }) })).join('\n')).toMatch(message);
  });
});

describe('every preset', () => {
  const presets = [
    ['postgres', () => DatabaseEngine.postgres({ version: '16.4' })],
    ['mysql', () => DatabaseEngine.mysql({ version: '8.4.3' })],
    ['redis', () => DatabaseEngine.redis({ version: '7.4.1' })],
  ] as const;

  test.each(presets)('%s: never a password on a command line, credentials only from the named Secret', (_name, engine) => {
    const c = chart();
    database(c, { engine: engine() });
    const { container } = workload(render(c));
    for (const word of commandWords(container)) expect(word).not.toMatch(PASSWORD_ON_COMMAND_LINE);
    // credentials as files: no variable from the Secret at all, only the paths of its files
    for (const e of container.env ?? []) {
      expect(e.valueFrom).toBeUndefined();
      if (/PASSWORD|AUTH|USER/.test(e.name)) expect(e.value).toMatch(/^\/etc\/credentials\/[a-z-]+$/);
    }
    expect(render(c).filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test.each(presets)('%s: with credentials as environment variables, every credential variable is from the named Secret', (_name, engine) => {
    const c = chart();
    database(c, { engine: engine(), credentials: DatabaseCredentials.asEnvironment() });
    const { container, pod } = workload(render(c));
    const credentials = (container.env as Manifest[]).filter((e) => /PASSWORD|AUTH|USER/.test(e.name));
    expect(credentials.length).toBeGreaterThan(0);
    for (const e of credentials) expect(e.valueFrom.secretKeyRef.name).toBe('db-credentials');
    expect(pod.volumes.filter((v: Manifest) => v.secret)).toEqual([]);
  });

  test.each(presets)('%s: readiness and liveness are exec probes that differ', (_name, engine) => {
    const c = chart();
    database(c, { engine: engine() });
    const { container } = workload(render(c));
    expect(container.readinessProbe.exec).toBeDefined();
    expect(container.livenessProbe.exec).toBeDefined();
    expect(container.readinessProbe.exec.command).not.toEqual(container.livenessProbe.exec.command);
  });

  test.each(presets)('%s: restricted pod: uid/gid 10001, fsGroup for the volume, read-only root', (_name, engine) => {
    const c = chart();
    database(c, { engine: engine() });
    const { container, pod } = workload(render(c));
    expect(pod.securityContext).toEqual(DATABASE_POD_SECURITY);
    expect(container.securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY);
    expect(mounts(container)['/tmp']).toBe('tmp');
  });

  test.each(presets)('%s: rejects a missing Secret name, naming the keys', (name, engine) => {
    expect(problemsOf((c) => new StatefulDatabase(c, 'db', { engine: engine() })).join('\n')).toMatch(
      new RegExp(`secretName: got \\(not set\\); the ${name} engine reads its credentials from a Secret you create, with the keys "`),
    );
  });

  test.each(presets)('%s: allows no replica; more than one only with replication (postgres, redis)', (name, engine) => {
    expect(problemsOf((c) => database(c, { engine: engine(), replicas: 0 }))).toEqual([]);
    const more = problemsOf((c) => database(c, { engine: engine(), replicas: 2 }));
    if (name !== 'mysql') expect(more).toEqual([]);
    else expect(more.join('\n')).toMatch(new RegExp(`replicas: got 2; the ${name} preset runs one server`));
  });
});

describe('custom engine', () => {
  const etcd = (extra: Partial<Parameters<typeof DatabaseEngine.custom>[0]> = {}) =>
    DatabaseEngine.custom({
      image: 'registry.k8s.io/etcd:3.5.15-0',
      port: 2379,
      dataPath: '/var/lib/etcd',
      readiness: Probe.httpGet('/readyz', { periodSeconds: 5 }),
      liveness: Probe.httpGet('/livez', { periodSeconds: 10, failureThreshold: 6 }),
      ...extra,
    });

  test('snapshot: defaults', () => {
    const c = chart('shop');
    new StatefulDatabase(c, 'etcd', { engine: etcd() });
    expect(render(c)).toMatchSnapshot();
  });

  test('snapshot: every option', () => {
    const c = chart('shop');
    new StatefulDatabase(c, 'etcd', {
      replicas: 3,
      engine: etcd({
        portName: 'client',
        startup: Probe.httpGet('/livez', { periodSeconds: 10, failureThreshold: 30 }),
        env: { ETCD_DATA_DIR: EnvValue.fromValue('/var/lib/etcd/data'), ETCD_ROOT_PASSWORD: EnvValue.fromSecretKey('etcd-auth', 'root') },
        command: ['etcd'],
        args: ['--listen-client-urls=http://0.0.0.0:2379'],
        writablePaths: ['/var/run/etcd'],
        clientEnv: { PASSWORD: EnvValue.fromSecretKey('etcd-auth', 'client') },
      }),
    });
    expect(render(c)).toMatchSnapshot();
  });

  test('defaults: port name "db", no Secret, no runtime paths but /tmp, host and port only for clients', () => {
    const c = chart();
    const db = new StatefulDatabase(c, 'etcd', { engine: etcd() });
    const web = new StatelessWebTier(c, 'web', { image: 'example/web:1.0.0' });
    web.connectTo(db);
    const objects = render(c);
    const { container } = workload(objects, 'etcd');
    expect(container.ports).toEqual([{ name: 'db', containerPort: 2379, protocol: 'TCP' }]);
    expect(mounts(container)).toEqual({ '/var/lib/etcd': 'data', '/tmp': 'tmp' });
    expect(container.env).toBeUndefined();
    expect(db.engine.secretKeys).toEqual([]);
    expect(envOf(mainContainer(find(objects, 'Deployment', 'web')))).toEqual({ ETCD_HOST: 'etcd', ETCD_PORT: '2379' });
  });

  test('can run several replicas and give clients credentials', () => {
    const c = chart();
    const db = new StatefulDatabase(c, 'etcd', { engine: etcd({ clientEnv: { PASSWORD: EnvValue.fromSecretKey('etcd-auth', 'client') } }), replicas: 3 });
    const web = new StatelessWebTier(c, 'web', { image: 'example/web:1.0.0' });
    web.connectTo(db);
    const objects = render(c);
    expect(workload(objects, 'etcd').sts.spec.replicas).toBe(3);
    expect(envOf(mainContainer(find(objects, 'Deployment', 'web'))).ETCD_PASSWORD).toBe('secret:etcd-auth/client');
  });

  test('rejects missing probes, a bad data path, a bad port name, a floating image and a bad clientEnv suffix', () => {
    const problems = problemsOf(
      (c) =>
        new StatefulDatabase(c, 'etcd', {
          engine: DatabaseEngine.custom({
            image: 'registry.k8s.io/etcd:latest',
            port: 2379,
            portName: 'Client',
            dataPath: 'var/lib/etcd',
            readiness: undefined as unknown as Probe,
            liveness: Probe.tcpSocket(),
            clientEnv: { 'PASS WORD': EnvValue.fromValue('x') },
          }),
        }),
    ).join('\n');
    expect(problems).toMatch(/engine.image: got "registry.k8s.io\/etcd:latest"; must be pinned/);
    expect(problems).toMatch(/engine.portName: got "Client"; must be an IANA service name/);
    expect(problems).toMatch(/engine.dataPath: got "var\/lib\/etcd"; must be an absolute, normalised path/);
    expect(problems).toMatch(/readiness: got \(not set\); every container needs a readiness probe/);
    expect(problems).toMatch(/engine.clientEnv: got "PASS WORD"; a suffix is appended/);
  });

  test('rejects a custom engine without a port or image', () => {
    const problems = problemsOf(
      (c) =>
        new StatefulDatabase(c, 'etcd', {
          engine: DatabaseEngine.custom({ dataPath: '/d', readiness: Probe.exec(['a']), liveness: Probe.exec(['b']) } as never),
        }),
    ).join('\n');
    expect(problems).toMatch(/engine.port: got \(not set\); a custom engine needs the port its server listens on/);
    expect(problems).toMatch(/engine.image: got \(not set\); must be an image reference/);
  });

  test('rejects identical readiness and liveness', () => {
    const same = Probe.tcpSocket({ periodSeconds: 5 });
    expect(problemsOf((c) => new StatefulDatabase(c, 'etcd', { engine: etcd({ readiness: same, liveness: same }) })).join('\n')).toMatch(
      /liveness: got "the same handler as readiness"; liveness and readiness must use different handlers/,
    );
  });

  test('rejects a secretName, which a custom engine would not use', () => {
    expect(problemsOf((c) => new StatefulDatabase(c, 'etcd', { engine: etcd(), secretName: 'etcd-auth' })).join('\n')).toMatch(
      /secretName: got "etcd-auth"; a custom engine does not read a Secret by itself/,
    );
  });

  test('rejects a bad writable path of the engine', () => {
    expect(problemsOf((c) => new StatefulDatabase(c, 'etcd', { engine: etcd({ writablePaths: ['/run/'] }) })).join('\n')).toMatch(
      /engine.writablePaths: got "\/run\/"; each writable path must be an absolute, normalised path/,
    );
  });
});
