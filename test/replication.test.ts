import { JsonPatch } from 'cdk8s';
import { DatabaseCredentials, DatabaseEngine, Guardrails, ServiceType, StatefulDatabase, StatefulUpdate, StatelessWebTier } from '../src';
import { topology } from '../src/gitops/_topology';
import { commandWords, database, envOf, problemsOf, render } from './database-fixture';
import { all, chart, find, mainContainer, Manifest } from './util';

const SELECTOR = { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' };
const ROLE = 'cdk8s-tiers/role';
const names = (objects: Manifest[], kind: string) => all(objects, kind).map((o) => o.metadata.name);
const initOf = (sts: Manifest, name: string) => (sts.spec.template.spec.initContainers as Manifest[]).find((c) => c.name === name) as Manifest;

describe('postgres replication', () => {
  test('snapshot: three replicas', () => {
    const c = chart('shop');
    database(c, { replicas: 3 });
    expect(render(c)).toMatchSnapshot();
  });

  test("defaults: the primary keeps the single server's StatefulSet and selector, the replicas get <name>-replica", () => {
    const c = chart('shop');
    const db = database(c, { replicas: 3 });
    const objects = render(c);
    expect(names(objects, 'StatefulSet')).toEqual(['db', 'db-replica']);
    const primary = find(objects, 'StatefulSet', 'db');
    const replicas = find(objects, 'StatefulSet', 'db-replica');
    expect(primary.spec.replicas).toBe(1);
    expect(primary.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(primary.spec.template.metadata.labels[ROLE]).toBe('primary');
    expect(replicas.spec.replicas).toBe(2);
    expect(replicas.spec.selector).toEqual({ matchLabels: { ...SELECTOR, [ROLE]: 'replica' } });
    expect(replicas.spec.template.metadata.labels[ROLE]).toBe('replica');
    // both are governed by the one headless Service and stamp the same claims
    expect([primary.spec.serviceName, replicas.spec.serviceName]).toEqual(['db-headless', 'db-headless']);
    expect(replicas.spec.volumeClaimTemplates).toEqual(primary.spec.volumeClaimTemplates);
    expect(replicas.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(db.statefulSet.name).toBe('db');
    expect(db.replicaStatefulSet?.name).toBe('db-replica');
    expect(db.roles).toEqual(['primary', 'replica', 'replica']);
  });

  test('defaults: the client Service selects the primary, db-read the replicas, the headless Service both', () => {
    const c = chart('shop');
    const db = database(c, { replicas: 3 });
    const objects = render(c);
    expect(names(objects, 'Service')).toEqual(['db-headless', 'db', 'db-read']);
    expect(find(objects, 'Service', 'db').spec.selector).toEqual({ ...SELECTOR, [ROLE]: 'primary' });
    expect(find(objects, 'Service', 'db-read').spec).toEqual({
      type: 'ClusterIP',
      selector: { ...SELECTOR, [ROLE]: 'replica' },
      ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }],
    });
    expect(find(objects, 'Service', 'db-headless').spec.selector).toEqual(SELECTOR);
    expect(db.readService?.name).toBe('db-read');
    expect(db.readHost).toBe('db-read.shop.svc.cluster.local');
    expect([0, 1, 2].map((i) => db.replicaHost(i))).toEqual([
      'db-0.db-headless.shop.svc.cluster.local',
      'db-replica-0.db-headless.shop.svc.cluster.local',
      'db-replica-1.db-headless.shop.svc.cluster.local',
    ]);
  });

  test('defaults: replicas clone the primary in a hardened init container, with credentials from the read-only Secret files only', () => {
    const c = chart('shop');
    database(c, { replicas: 3 });
    const objects = render(c);
    const replicas = find(objects, 'StatefulSet', 'db-replica');
    expect(replicas.spec.template.spec.initContainers.map((c: Manifest) => c.name)).toEqual(['clone-primary']);
    const clone = initOf(replicas, 'clone-primary');
    expect(clone.image).toBe('postgres:16.4');
    expect(clone.securityContext).toEqual(mainContainer(replicas).securityContext);
    expect(clone.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(clone.resources.limits.memory).toBe('128Mi');
    // the server's credential files (the pod's one Secret volume), exported for pg_basebackup's libpq
    expect(clone.volumeMounts).toEqual([
      { name: 'data', mountPath: '/var/lib/postgresql/data' },
      { name: 'credentials', mountPath: '/etc/credentials', readOnly: true },
    ]);
    expect(replicas.spec.template.spec.volumes.filter((v: Manifest) => v.name === 'credentials')).toHaveLength(1);
    expect(envOf(clone)).toEqual({ PGDATA: '/var/lib/postgresql/data/pgdata', PGPORT: '5432', PRIMARY_HOST: 'db-0.db-headless.shop.svc.cluster.local' });
    expect(clone.command[2]).toMatch(
      /^export PGUSER="\$\(cat \/etc\/credentials\/username\)"; export PGPASSWORD="\$\(cat \/etc\/credentials\/password\)"; set -eu$/m,
    );
    expect(clone.command.join(' ')).toMatch(/pg_basebackup --pgdata="\$PGDATA.clone" --host="\$PRIMARY_HOST" --port="\$PGPORT" --no-password/);
    expect(clone.command.join(' ')).not.toMatch(/password=/);
  });

  test('can configure: with asEnvironment() the clone and the servers get PGUSER and PGPASSWORD from the Secret, and mount no credentials', () => {
    const c = chart('shop');
    database(c, { replicas: 3, credentials: DatabaseCredentials.asEnvironment() });
    const objects = render(c);
    const replicas = find(objects, 'StatefulSet', 'db-replica');
    const clone = initOf(replicas, 'clone-primary');
    expect(clone.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data' }]);
    expect(envOf(clone)).toEqual({
      PGUSER: 'secret:db-credentials/username',
      PGPASSWORD: 'secret:db-credentials/password',
      PGDATA: '/var/lib/postgresql/data/pgdata',
      PGPORT: '5432',
      PRIMARY_HOST: 'db-0.db-headless.shop.svc.cluster.local',
    });
    expect(clone.command[2]).toMatch(/^set -eu$/m);
    expect(clone.command.join(' ')).not.toMatch(/PGPASSWORD|password=|\/etc\/credentials/);
    for (const name of ['db', 'db-replica']) {
      const server = mainContainer(find(objects, 'StatefulSet', name));
      // the image's entrypoint, as a single server has it
      expect(server.command).toBeUndefined();
      expect(envOf(server)).toMatchObject({ PGUSER: 'secret:db-credentials/username', PGPASSWORD: 'secret:db-credentials/password' });
    }
  });

  test('defaults: the primary refuses to start with an empty data folder while the first replica runs (no credentials needed)', () => {
    const c = chart('shop');
    database(c, { replicas: 3, initContainers: [{ name: 'migrate', image: 'registry.example.com/migrate:1.0.0' }] });
    const primary = find(render(c), 'StatefulSet', 'db');
    expect(primary.spec.template.spec.initContainers.map((x: Manifest) => x.name)).toEqual(['keep-replicas-data', 'migrate']);
    const guard = initOf(primary, 'keep-replicas-data');
    expect(guard.securityContext).toEqual(mainContainer(primary).securityContext);
    expect(guard.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/postgresql/data' }]);
    expect(envOf(guard)).toEqual({
      PGDATA: '/var/lib/postgresql/data/pgdata',
      PGPORT: '5432',
      REPLICA_HOST: 'db-replica-0.db-headless.shop.svc.cluster.local',
    });
    expect(guard.command[2]).toMatch(/^if \[ -s "\$PGDATA\/PG_VERSION" \]; then exit 0; fi$/m);
    expect(guard.command[2]).toMatch(/refusing to start an empty primary/);
  });

  test('defaults: both roles allow replication and keep WAL for replicas; replicas stream from the primary without a password in their settings', () => {
    const c = chart('shop');
    database(c, { replicas: 3 });
    const objects = render(c);
    const primary = mainContainer(find(objects, 'StatefulSet', 'db'));
    const replica = mainContainer(find(objects, 'StatefulSet', 'db-replica'));
    const both = ['-c', 'wal_level=replica', '-c', 'max_wal_senders=10', '-c', 'wal_keep_size=1024MB', '-c', 'hot_standby=on'];
    expect(primary.args).toEqual([...both, '-c', 'hba_file=/etc/postgresql/hba/pg_hba.conf']);
    expect(replica.args).toEqual([...primary.args, '-c', 'primary_conninfo=host=db-0.db-headless.shop.svc.cluster.local port=5432']);
    for (const container of [primary, replica]) {
      // the WAL receiver's libpq reads PGUSER and PGPASSWORD from the server's environment: exported from the files before the image's entrypoint
      expect(container.command).toEqual([
        'sh',
        '-c',
        'export PGUSER="$(cat /etc/credentials/username)"; export PGPASSWORD="$(cat /etc/credentials/password)"; exec docker-entrypoint.sh "$@"',
        'docker-entrypoint.sh',
      ]);
      expect(Object.keys(envOf(container)).filter((k) => /^PG(USER|PASSWORD)$|PASSWORD$/.test(k))).toEqual([]);
      expect(container.volumeMounts).toContainEqual({ name: 'credentials', mountPath: '/etc/credentials', readOnly: true });
      expect(container.volumeMounts).toContainEqual({ name: 'replication-hba', mountPath: '/etc/postgresql/hba', readOnly: true });
      expect(commandWords(container).join(' ')).not.toMatch(/password=/);
    }
    const hba = find(objects, 'ConfigMap', 'db-hba').data['pg_hba.conf'] as string;
    expect(hba.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      'local all all trust',
      'host all all 127.0.0.1/32 trust',
      'host all all ::1/128 trust',
      'local replication all trust',
      'host replication all 127.0.0.1/32 trust',
      'host replication all ::1/128 trust',
      'host replication all all scram-sha-256',
      'host all all all scram-sha-256',
    ]);
  });

  test('defaults: one budget, spreading and the NetworkPolicy cover the pods of both roles; replicas reach the primary', () => {
    const c = chart('shop');
    database(c, { replicas: 3 });
    const objects = render(c);
    expect(names(objects, 'PodDisruptionBudget')).toEqual(['db']);
    expect(find(objects, 'PodDisruptionBudget', 'db').spec.selector).toEqual({ matchLabels: SELECTOR });
    for (const name of ['db', 'db-replica']) {
      const pod = find(objects, 'StatefulSet', name).spec.template.spec;
      expect(pod.topologySpreadConstraints.map((t: Manifest) => [t.topologyKey, t.labelSelector])).toEqual([
        ['topology.kubernetes.io/zone', { matchLabels: SELECTOR }],
        ['kubernetes.io/hostname', { matchLabels: SELECTOR }],
      ]);
      expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector).toEqual({ matchLabels: SELECTOR });
    }
    const policy = find(objects, 'NetworkPolicy', 'db').spec;
    expect(policy.podSelector).toEqual({ matchLabels: SELECTOR });
    expect(policy.ingress).toEqual([{ from: [{ podSelector: { matchLabels: SELECTOR } }], ports: [{ protocol: 'TCP', port: 5432 }] }]);
    expect(policy.egress[1]).toEqual({ to: [{ podSelector: { matchLabels: SELECTOR } }], ports: [{ protocol: 'TCP', port: 5432 }] });
  });

  test('defaults: a connected client gets <PREFIX>_READ_HOST, and egress to the pods of both roles', () => {
    const c = chart('shop');
    const db = database(c, { replicas: 2 });
    new StatelessWebTier(c, 'api', { image: 'registry.example.com/api:1.0.0', serviceType: ServiceType.CLUSTER_IP }).connectTo(db);
    const objects = render(c);
    const env = envOf(mainContainer(find(objects, 'Deployment', 'api')));
    expect([env.DB_HOST, env.DB_READ_HOST, env.DB_PORT]).toEqual(['db.shop.svc.cluster.local', 'db-read.shop.svc.cluster.local', '5432']);
    expect(find(objects, 'NetworkPolicy', 'api').spec.egress[1].to).toEqual([{ podSelector: { matchLabels: SELECTOR } }]);
  });

  test('defaults: one replica or none renders a single server, as before', () => {
    for (const replicas of [0, 1]) {
      const c = chart('shop');
      const db = database(c, { replicas });
      const objects = render(c);
      expect(names(objects, 'StatefulSet')).toEqual(['db']);
      expect(names(objects, 'Service')).toEqual(['db-headless', 'db']);
      expect(all(objects, 'ConfigMap')).toEqual([]);
      expect(find(objects, 'Service', 'db').spec.selector).toEqual(SELECTOR);
      expect([db.replicaStatefulSet, db.readService, db.readHost]).toEqual([undefined, undefined, undefined]);
      expect(db.roles).toEqual(replicas ? ['primary'] : []);
    }
  });

  test('can configure: no namespace gives short names; a partition counts over all replicas; PostgreSQL 13 authenticates with md5', () => {
    const c = chart();
    const db = database(c, {
      engine: DatabaseEngine.postgres({ version: '13.16', port: 6432 }),
      replicas: 4,
      storage: '2Gi',
      updateStrategy: StatefulUpdate.rollingUpdate({ partition: 2 }),
    });
    const objects = render(c);
    expect([db.replicaHost(0), db.replicaHost(3), db.readHost]).toEqual(['db-0.db-headless', 'db-replica-2.db-headless', 'db-read']);
    expect(find(objects, 'StatefulSet', 'db').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 1 } });
    expect(find(objects, 'StatefulSet', 'db-replica').spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 1 } });
    const replica = mainContainer(find(objects, 'StatefulSet', 'db-replica'));
    expect(replica.args).toContain('wal_keep_size=204MB');
    expect(replica.args).toContain('primary_conninfo=host=db-0.db-headless port=6432');
    expect(find(objects, 'ConfigMap', 'db-hba').data['pg_hba.conf']).toMatch(/^host replication all all md5$/m);
    expect(find(objects, 'Service', 'db-read').spec.ports[0].port).toBe(6432);
  });

  test('can configure: PostgreSQL 12 keeps WAL by segments (wal_keep_size is 13+)', () => {
    const c = chart();
    database(c, { engine: DatabaseEngine.postgres({ version: '12.20' }), replicas: 2 });
    const args = mainContainer(find(render(c), 'StatefulSet', 'db')).args;
    expect(args).toContain('wal_keep_segments=64');
    expect(args.join(' ')).not.toMatch(/wal_keep_size/);
  });

  test('can configure: user args come last in both roles, a NodePort client Service leaves the read Service ClusterIP', () => {
    const c = chart('shop');
    database(c, { replicas: 2, args: ['-c', 'max_connections=200'], serviceType: ServiceType.NODE_PORT });
    const objects = render(c);
    expect(mainContainer(find(objects, 'StatefulSet', 'db')).args.slice(-2)).toEqual(['-c', 'max_connections=200']);
    expect(mainContainer(find(objects, 'StatefulSet', 'db-replica')).args.slice(-2)).toEqual(['-c', 'max_connections=200']);
    expect([find(objects, 'Service', 'db').spec.type, find(objects, 'Service', 'db-read').spec.type]).toEqual(['NodePort', 'ClusterIP']);
  });

  test("rejects a name too long for the replicas' StatefulSet, more replicas than WAL senders, an init container named like the clone", () => {
    const long = 'a'.repeat(45);
    expect(problemsOf((c) => database(c, { name: long, replicas: 2 })).join('\n')).toMatch(
      new RegExp(
        `name: got "${long}"; a replicated database is two StatefulSets, "${long}" \\(the primary\\) and "${long}-replica", and a StatefulSet name has at most 52 characters. Fix: shorten the name to at most 44 characters`,
      ),
    );
    expect(problemsOf((c) => database(c, { name: long, replicas: 1 }))).toEqual([]);
    expect(problemsOf((c) => database(c, { replicas: 10 })).join('\n')).toMatch(
      /replicas: got 10; the postgres preset runs at most 9 replicas \(a primary and 8 read replicas: each replica takes one WAL sender of the primary's 10, and a replica that is being copied two\)/,
    );
    expect(problemsOf((c) => database(c, { replicas: 9 }))).toEqual([]);
    expect(
      problemsOf((c) => database(c, { replicas: 2, initContainers: [{ name: 'clone-primary', image: 'registry.example.com/x:1.0.0' }] })).join('\n'),
    ).toMatch(/initContainers\[0\].name: got "clone-primary"; a replicated database runs an init container of that name \(clone-primary copies/);
    expect(
      problemsOf((c) => database(c, { replicas: 2, initContainers: [{ name: 'keep-replicas-data', image: 'registry.example.com/x:1.0.0' }] })).join('\n'),
    ).toMatch(/initContainers\[0\].name: got "keep-replicas-data"; a replicated database runs an init container of that name/);
  });

  test('rejects replicaHost outside the replicas', () => {
    const m = problemsOf((c) => {
      database(c, { replicas: 3 }).replicaHost(3);
    }).join('\n');
    expect(m).toMatch(/replicaHost\(3\): got 3; must be a whole number from 0 to 2/);
  });
});

describe('redis replication', () => {
  const redis = (c: ReturnType<typeof chart>, props: Record<string, unknown> = {}) =>
    new StatefulDatabase(c, 'db', { engine: DatabaseEngine.redis({ version: '7.4.1' }), secretName: 'db-credentials', replicas: 3, ...props });

  test('snapshot: three replicas', () => {
    const c = chart('shop');
    redis(c);
    expect(render(c)).toMatchSnapshot();
  });

  test('defaults: a master and replicas that replicaof it, with masterauth in the stdin config of both roles', () => {
    const c = chart('shop');
    const db = redis(c);
    const objects = render(c);
    expect(names(objects, 'StatefulSet')).toEqual(['db', 'db-replica']);
    expect(names(objects, 'Service')).toEqual(['db-headless', 'db', 'db-read']);
    expect(all(objects, 'ConfigMap')).toEqual([]);
    const master = mainContainer(find(objects, 'StatefulSet', 'db'));
    const replica = mainContainer(find(objects, 'StatefulSet', 'db-replica'));
    expect(master.command).toEqual(replica.command);
    expect(master.command[2].split('\n').filter((l: string) => /^(requirepass|masterauth) /.test(l))).toEqual([
      'requirepass "$(sed \'s/[\\\\"]/\\\\&/g\' /etc/credentials/password)"',
      'masterauth "$(sed \'s/[\\\\"]/\\\\&/g\' /etc/credentials/password)"',
    ]);
    expect(master.args).toEqual(['--port', '6379', '--dir', '/data', '--appendonly', 'yes']);
    expect(replica.args).toEqual([...master.args, '--replicaof', 'db-0.db-headless.shop.svc.cluster.local', '6379']);
    expect(find(objects, 'StatefulSet', 'db-replica').spec.template.spec.initContainers).toBeUndefined();
    // the master's guard: an empty /data does not start while the first replica holds keys (asked with the password from the server's file)
    const guard = initOf(find(objects, 'StatefulSet', 'db'), 'keep-replicas-data');
    expect(envOf(guard)).toEqual({ REDIS_PORT: '6379', REPLICA_HOST: 'db-replica-0.db-headless.shop.svc.cluster.local' });
    expect(guard.volumeMounts).toEqual([
      { name: 'data', mountPath: '/data' },
      { name: 'credentials', mountPath: '/etc/credentials', readOnly: true },
    ]);
    expect(guard.command[2]).toMatch(/^export REDISCLI_AUTH="\$\(cat \/etc\/credentials\/password\)"; set -u$/m);
    expect(guard.command[2]).toMatch(/^if \[ -e \/data\/appendonlydir \] \|\| \[ -e \/data\/dump.rdb \]; then exit 0; fi$/m);
    expect(guard.command[2]).toMatch(/redis-cli -h "\$REPLICA_HOST" -p "\$REDIS_PORT" info keyspace 2> \/dev\/null \| grep -q "\^db\[0-9\]"/);
    expect(db.roles).toEqual(['primary', 'replica', 'replica']);
    expect(db.readHost).toBe('db-read.shop.svc.cluster.local');
  });

  test('can configure: with asEnvironment() the servers take the password from REDIS_PASSWORD and the guard REDISCLI_AUTH from the Secret', () => {
    const c = chart('shop');
    redis(c, { credentials: DatabaseCredentials.asEnvironment() });
    const objects = render(c);
    const master = mainContainer(find(objects, 'StatefulSet', 'db'));
    expect(master.command[2].split('\n').filter((l: string) => /^(requirepass|masterauth) /.test(l))).toEqual([
      'requirepass "$(printf \'%s\' "$REDIS_PASSWORD" | sed \'s/[\\\\"]/\\\\&/g\')"',
      'masterauth "$(printf \'%s\' "$REDIS_PASSWORD" | sed \'s/[\\\\"]/\\\\&/g\')"',
    ]);
    const guard = initOf(find(objects, 'StatefulSet', 'db'), 'keep-replicas-data');
    expect(envOf(guard)).toEqual({
      REDISCLI_AUTH: 'secret:db-credentials/password',
      REDIS_PORT: '6379',
      REPLICA_HOST: 'db-replica-0.db-headless.shop.svc.cluster.local',
    });
    expect(guard.volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
    expect(guard.command[2]).toMatch(/^set -u$/m);
  });

  test('can configure: a port and user args reach both roles, user args last', () => {
    const c = chart();
    redis(c, { engine: DatabaseEngine.redis({ version: '7.4.1', port: 6380 }), args: ['--maxmemory', '256mb'], replicas: 2 });
    const replica = mainContainer(find(render(c), 'StatefulSet', 'db-replica'));
    expect(replica.args).toEqual([
      '--port',
      '6380',
      '--dir',
      '/data',
      '--appendonly',
      'yes',
      '--replicaof',
      'db-0.db-headless',
      '6380',
      '--maxmemory',
      '256mb',
    ]);
  });

  test("rejects a name too long for the replicas' StatefulSet", () => {
    expect(problemsOf((c) => redis(c, { name: 'r'.repeat(50) })).join('\n')).toMatch(/a replicated database is two StatefulSets/);
  });
});

describe('mysql replicas', () => {
  test('rejects more than one replica, saying what to use instead', () => {
    const m = problemsOf((c) => new StatefulDatabase(c, 'db', { engine: DatabaseEngine.mysql({ version: '8.4.3' }), secretName: 's', replicas: 2 })).join('\n');
    expect(m).toMatch(/replicas: got 2; the mysql preset runs one server: it does not set up MySQL replication/);
    expect(m).toMatch(
      /Fix: keep replicas at 1 .*for MySQL replicas use an operator \(MySQL Operator for Kubernetes, Percona Operator for MySQL\) or a managed database/,
    );
  });
});

describe('replicated sets, the guardrails and the topology picture', () => {
  test.each([
    ['postgres', () => DatabaseEngine.postgres({ version: '16.4' })],
    ['redis', () => DatabaseEngine.redis({ version: '7.4.1' })],
  ])('%s: the guardrails (schema, API-server rules, security policy) find nothing in a connected 3-replica set', (_, engine) => {
    const c = chart('shop');
    const db = new StatefulDatabase(c, 'db', { engine: engine(), secretName: 'db-credentials', replicas: 3 });
    new StatelessWebTier(c, 'api', { image: 'registry.example.com/api:1.0.0', serviceType: ServiceType.CLUSTER_IP, replicas: 2 }).connectTo(db);
    expect(Guardrails.check(c)).toEqual({ findings: [], waivers: [] });
  });

  test('the guardrails still judge a replicated set: a bad escape hatch on the replicas is found', () => {
    const c = chart('shop');
    const db = database(c, { replicas: 2 });
    db.replicaStatefulSet?.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/imagePullPolicy', 'IfNotPresent'));
    expect(Guardrails.check(c).findings.map((f) => `${f.constructPath} ${f.checkId}`)).toEqual(['test/db/replica-statefulset policy/image-pull-policy']);
  });

  test('the topology shows the primary, the read replicas replicating from it, and the read Service', () => {
    const c = chart('shop');
    const db = database(c, { replicas: 3 });
    new StatelessWebTier(c, 'api', { image: 'registry.example.com/api:1.0.0', serviceType: ServiceType.CLUSTER_IP }).connectTo(db);
    const picture = topology(render(c));
    expect(picture).toContain('pods_shop_db(["pods db-0<br/>1 replica<br/>primary"])');
    expect(picture).toContain('pods_shop_db_replica(["pods db-replica-0 … db-replica-1<br/>2 replicas<br/>read replicas"])');
    expect(picture).toContain('pods_shop_db_replica -.->|"replicates from"| pods_shop_db');
    expect(picture).toContain('svc_shop_db -->|"5432 → postgres"| pods_shop_db\n');
    expect(picture).toContain('svc_shop_db_read -->|"5432 → postgres"| pods_shop_db_replica');
    expect(picture).not.toMatch(/svc_shop_db_read -->.*pods_shop_db\n/);
    expect(picture).toContain('pods_shop_api -->|"DB_READ_HOST"| svc_shop_db_read');
  });
});
