/**
 * Backups of a database: the CronJob, its hardened pod and script, the
 * retained claim and the NetworkPolicies. In threes: defaults, can
 * configure, rejects.
 */
import { spawnSync } from 'node:child_process';
import { DatabaseBackup, DatabaseBackupOptions, DatabaseCredentials, DatabaseEngine, DatabaseMetrics, StatefulDatabase, StatelessWebTier } from '../src';
import { customEngine, database, envOf, problemsOf, render } from './database-fixture';
import { all, chart, DATABASE_POD_SECURITY, find, Manifest, RESTRICTED_CONTAINER_SECURITY } from './util';

const podOf = (cronJob: Manifest): Manifest => cronJob.spec.jobTemplate.spec.template.spec;

function rendered(o: DatabaseBackupOptions = {}, engine?: DatabaseEngine, credentials?: DatabaseCredentials) {
  const c = chart('shop');
  const db = database(c, { backup: DatabaseBackup.schedule(o), ...(engine ? { engine } : {}), credentials });
  const objects = render(c);
  const cronJob = find(objects, 'CronJob', 'db-backup');
  return { db, objects, cronJob, pod: podOf(cronJob), container: podOf(cronJob).containers[0] };
}

describe('database backup', () => {
  test('defaults: no CronJob, no backup claim, no backup NetworkPolicy', () => {
    const c = chart('shop');
    const db = database(c);
    const objects = render(c);
    expect(all(objects, 'CronJob')).toEqual([]);
    expect(all(objects, 'PersistentVolumeClaim')).toEqual([]);
    expect(all(objects, 'NetworkPolicy').map((n) => n.metadata.name)).toEqual(['db']);
    expect([db.backupSettings, db.backupCronJob, db.backupClaim]).toEqual([undefined, undefined, undefined]);
  });

  test('defaults: @daily in Etc/UTC, Forbid, history limits, deadlines, keep 7', () => {
    const { db, cronJob } = rendered();
    const { jobTemplate, ...spec } = cronJob.spec;
    expect(spec).toEqual({
      schedule: '@daily',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 3600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect(jobTemplate.spec.backoffLimit).toBe(2);
    expect(jobTemplate.spec.activeDeadlineSeconds).toBe(3600);
    expect(db.backupSettings).toEqual({
      schedule: '@daily',
      timeZone: 'Etc/UTC',
      keep: 7,
      storage: '10Gi',
      name: 'db-backup',
      image: 'postgres:16.4',
      path: '/backup',
    });
  });

  test('defaults: a hardened pod (non-root, read-only root, drop ALL, resources, no token), restartPolicy Never', () => {
    const { pod, container } = rendered();
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.securityContext).toEqual(DATABASE_POD_SECURITY);
    expect(container.securityContext).toEqual(RESTRICTED_CONTAINER_SECURITY);
    expect(container.resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' },
      limits: { memory: '512Mi', 'ephemeral-storage': '256Mi' },
    });
    expect(container.imagePullPolicy).toBe('Always');
    expect(container.workingDir).toBe('/backup');
    // the credentials as the server reads them: the Secret's files, read-only, only the keys the dump needs (mode 0400 for the fsGroup)
    expect(container.volumeMounts).toEqual([
      { name: 'backup', mountPath: '/backup' },
      { name: 'credentials', mountPath: '/etc/credentials', readOnly: true },
      { name: 'backup-tmp', mountPath: '/tmp' },
    ]);
    expect(pod.volumes).toEqual([
      { name: 'backup', persistentVolumeClaim: { claimName: 'db-backup' } },
      { name: 'backup-tmp', emptyDir: {} },
      {
        name: 'credentials',
        secret: {
          secretName: 'db-credentials',
          defaultMode: 0o400,
          items: [
            { key: 'username', path: 'username' },
            { key: 'password', path: 'password' },
          ],
        },
      },
    ]);
    expect(pod.securityContext.fsGroup).toBe(10001);
  });

  test('defaults: a separate claim of 10Gi that Argo CD and Flux never prune, with labels the database Services do not select', () => {
    const { objects } = rendered();
    const claim = find(objects, 'PersistentVolumeClaim', 'db-backup');
    expect(claim.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false',
      'kustomize.toolkit.fluxcd.io/prune': 'disabled',
    });
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '10Gi' } } });
    const podLabels = find(objects, 'CronJob', 'db-backup').spec.jobTemplate.spec.template.metadata.labels;
    expect(podLabels).toMatchObject({ 'app.kubernetes.io/name': 'db-backup', 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/component': 'backup' });
    for (const svc of all(objects, 'Service')) expect(Object.entries(svc.spec.selector).every(([k, v]) => podLabels[k] === v)).toBe(false);
  });

  test.each<[string, DatabaseEngine, Record<string, string>, RegExp, string]>([
    [
      'postgres',
      DatabaseEngine.postgres({ version: '16.4', database: 'shop' }),
      {
        PGHOST: 'db.shop.svc.cluster.local',
        PGPORT: '5432',
        PGDATABASE: 'shop',
        PGUSER: 'secret:db-credentials/username',
        PGPASSWORD: 'secret:db-credentials/password',
      },
      /dump\(\) \{ pg_dump --format=custom --file="\$1"; \}/,
      'dump',
    ],
    [
      'mysql',
      DatabaseEngine.mysql({ version: '8.4.3' }),
      {
        DB_HOST: 'db.shop.svc.cluster.local',
        DB_PORT: '3306',
        DB_NAME: 'db',
        DB_USER: 'secret:db-credentials/username',
        MYSQL_PWD: 'secret:db-credentials/password',
      },
      /mysqldump --host="\$DB_HOST" --port="\$DB_PORT" --user="\$DB_USER" --single-transaction --no-tablespaces --routines --triggers --databases "\$DB_NAME" > "\$1"/,
      'sql',
    ],
    [
      'redis',
      DatabaseEngine.redis({ version: '7.4.1' }),
      { DB_HOST: 'db.shop.svc.cluster.local', DB_PORT: '6379', REDISCLI_AUTH: 'secret:db-credentials/password' },
      /redis-cli -h "\$DB_HOST" -p "\$DB_PORT" --rdb "\$1"/,
      'rdb',
    ],
  ])('defaults (%s): the database image dumps over the client Service, credentials from the Secret only', (_, engine, env, dump, extension) => {
    const { container, pod } = rendered({}, engine);
    expect(container.image).toBe(engine.engine === 'postgres' ? 'postgres:16.4' : `${engine.engine}:${engine.engine === 'mysql' ? '8.4.3' : '7.4.1'}`);
    // credentials as files (the default): the dump tool's variables are exported from the files (env with asEnvironment())
    const fromSecret = Object.entries(env).filter(([, v]) => v.startsWith('secret:'));
    const plain = Object.fromEntries(Object.entries(env).filter(([, v]) => !v.startsWith('secret:')));
    expect(envOf(container)).toEqual({ BACKUP_DIR: '/backup', BACKUP_PREFIX: 'db', BACKUP_KEEP: '7', ...plain });
    const exports = fromSecret.map(([name, v]) => `export ${name}="$(cat /etc/credentials/${v.split('/')[1]})"; `).join('');
    expect(container.command[2].startsWith(`${exports}set -eu\n`)).toBe(true);
    expect(pod.volumes.find((v: Manifest) => v.name === 'credentials').secret.items.map((i: Manifest) => i.key)).toEqual(
      fromSecret.map(([, v]) => v.split('/')[1]),
    );
    const asEnv = rendered({}, engine, DatabaseCredentials.asEnvironment());
    expect(envOf(asEnv.container)).toEqual({ BACKUP_DIR: '/backup', BACKUP_PREFIX: 'db', BACKUP_KEEP: '7', ...env });
    expect(asEnv.pod.volumes.map((v: Manifest) => v.name)).toEqual(['backup', 'backup-tmp']);
    expect(asEnv.container.command[2].startsWith('set -eu\n')).toBe(true);
    expect(container.command.slice(0, 2)).toEqual(['sh', '-c']);
    const script: string = container.command[2];
    expect(script).toMatch(dump);
    expect(script).toContain(`file="$BACKUP_PREFIX-$(date -u +%Y%m%dT%H%M%SZ).${extension}"`);
    expect(script).toContain(`ls -1 -- "$BACKUP_PREFIX"-[0-9]*T[0-9]*Z.${extension} | sort -r | tail -n +"$((BACKUP_KEEP + 1))"`);
    // no value on the command line: only the reads of the files
    expect(container.command.join(' ').replace(/export \w+="\$\(cat \/etc\/credentials\/[\w.-]+\)"; /g, '')).not.toMatch(/secret|PASSWORD=/i);
    // the script parses as POSIX sh (dash, the sh of the Debian images)
    const parsed = spawnSync('sh', ['-n', '-c', script], { encoding: 'utf8' });
    expect([parsed.status, parsed.stderr]).toEqual([0, '']);
  });

  test('the backup pods may reach the database port only, and the database lets them in besides its clients', () => {
    const c = chart('shop');
    const db = database(c, { backup: DatabaseBackup.schedule() });
    new StatelessWebTier(c, 'api', { image: 'registry.example.com/api:1.0.0' }).connectTo(db);
    const objects = render(c);
    const backupPeer = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db-backup', 'app.kubernetes.io/instance': 'db' } } };
    expect(find(objects, 'NetworkPolicy', 'db').spec.ingress).toContainEqual({ from: [backupPeer], ports: [{ protocol: 'TCP', port: 5432 }] });
    const own = find(objects, 'NetworkPolicy', 'db-backup').spec;
    expect(own.podSelector).toEqual(backupPeer.podSelector);
    expect(own.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(own.ingress).toEqual([]);
    expect(own.egress[1]).toEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db' } } }],
      ports: [{ protocol: 'TCP', port: 5432 }],
    });
    expect(own.egress).toHaveLength(2); // DNS and the database
  });

  test('can configure schedule, time zone, keep, storage, class, image, resources, deadlines and history limits', () => {
    const { db, objects, cronJob, container } = rendered({
      schedule: '30 2 * * 1-5',
      timeZone: 'Europe/Berlin',
      keep: 14,
      storage: '50Gi',
      storageClassName: 'backup-hdd',
      image: 'registry.example.com/mirror/postgres:16.4',
      resources: { memoryLimit: '1Gi' },
      startingDeadlineSeconds: 600,
      activeDeadlineSeconds: 7200,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
    });
    expect(cronJob.spec).toMatchObject({
      schedule: '30 2 * * 1-5',
      timeZone: 'Europe/Berlin',
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 1,
      failedJobsHistoryLimit: 5,
    });
    expect(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(7200);
    expect(envOf(container).BACKUP_KEEP).toBe('14');
    expect(container.image).toBe('registry.example.com/mirror/postgres:16.4');
    expect(container.resources.limits.memory).toBe('1Gi');
    expect(find(objects, 'PersistentVolumeClaim', 'db-backup').spec).toMatchObject({
      storageClassName: 'backup-hdd',
      resources: { requests: { storage: '50Gi' } },
    });
    expect(db.backupSettings).toMatchObject({ keep: 14, storage: '50Gi', timeZone: 'Europe/Berlin' });
  });

  test('the backup pod gets the pod settings of the database (pull secrets, node selector, tolerations) and its ids', () => {
    const c = chart('shop');
    database(c, {
      backup: DatabaseBackup.schedule(),
      imagePullSecrets: ['registry-credentials'],
      nodeSelector: { pool: 'db' },
      security: { runAsUser: 20000, runAsGroup: 20000 },
    });
    const pod = podOf(find(render(c), 'CronJob', 'db-backup'));
    expect(pod.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
    expect(pod.nodeSelector).toEqual({ pool: 'db' });
    expect(pod.securityContext).toMatchObject({ runAsUser: 20000, runAsGroup: 20000, fsGroup: 20000 });
  });

  test.each<[string, DatabaseBackupOptions, RegExp]>([
    ['a schedule of four fields', { schedule: '0 2 * *' }, /backup\.schedule: got "0 2 \* \*"; must be a cron expression of five fields/],
    ['a time zone in the schedule', { schedule: 'CRON_TZ=UTC 0 2 * * *' }, /backup\.schedule: got "CRON_TZ=UTC 0 2 \* \* \*"/],
    ['an unknown macro', { schedule: '@nightly' }, /backup\.schedule: got "@nightly"/],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, /backup\.timeZone: got "Mars\/Olympus"; must be an IANA time zone name/],
    ['keep 0', { keep: 0 }, /backup\.keep: got 0.*keep 1 to 1000 dumps/],
    ['keep 1.5', { keep: 1.5 }, /backup\.keep: got 1\.5/],
    ['storage in milli-bytes', { storage: '10m' }, /backup\.storage: got "10m"; must be a Kubernetes quantity of at least 1Mi/],
    ['a bad storage class', { storageClassName: 'Fast SSD' }, /backup\.storageClassName: got "Fast SSD"/],
    ['an unpinned image', { image: 'postgres:latest' }, /backup\.image: got "postgres:latest"/],
    ['a bad memory limit', { resources: { memoryLimit: 'lots' } }, /backup\.resources\.memoryLimit: got "lots"/],
    ['a starting deadline under 10s', { startingDeadlineSeconds: 5 }, /backup\.startingDeadlineSeconds: got 5/],
    ['an active deadline of 0', { activeDeadlineSeconds: 0 }, /backup\.activeDeadlineSeconds: got 0/],
    ['a negative history limit', { successfulJobsHistoryLimit: -1 }, /backup\.successfulJobsHistoryLimit: got -1/],
    ['a history limit over 100', { failedJobsHistoryLimit: 101 }, /backup\.failedJobsHistoryLimit: got 101/],
    ['a misspelt key', { kep: 3 } as DatabaseBackupOptions, /backup\.kep: got 3; not a prop of DatabaseBackupOptions\. Fix: did you mean keep\?/],
  ])('rejects %s', (_, o, message) => {
    const lines = problemsOf((c) => database(c, { backup: DatabaseBackup.schedule(o) }));
    expect(lines.join('\n')).toMatch(message);
    expect(lines.every((l) => l.startsWith('[test/db] backup'))).toBe(true);
  });

  test('rejects a backup that is not a DatabaseBackup, a custom engine, and a name too long for the CronJob', () => {
    expect(problemsOf((c) => database(c, { backup: { schedule: '@daily' } as never }))).toEqual([
      expect.stringMatching(/^\[test\/db\] backup: got \{"schedule":"@daily"\}; must be a DatabaseBackup\. Fix: use DatabaseBackup\.schedule/),
    ]);
    expect(problemsOf((c) => database(c, { engine: customEngine(), secretName: undefined, backup: DatabaseBackup.schedule() }))).toEqual([
      expect.stringMatching(/^\[test\/db\] backup: got "custom"; DatabaseBackup\.schedule\(\) dumps the postgres, mysql and redis presets/),
    ]);
    expect(problemsOf((c) => database(c, { backup: DatabaseBackup.schedule() }, 'd'.repeat(46)))).toEqual([
      expect.stringMatching(/backup: got "d{46}"; the CronJob is named "<name>-backup", and a CronJob name has at most 52 characters .* at most 45/),
    ]);
    expect(problemsOf((c) => database(c, { backup: DatabaseBackup.schedule() }, 'd'.repeat(45)))).toEqual([]);
  });

  test('with metrics and backup on all three presets the output has no guardrail problem', () => {
    const c = chart('shop');
    for (const [id, engine] of [
      ['pg', DatabaseEngine.postgres({ version: '16.4' })],
      ['my', DatabaseEngine.mysql({ version: '8.4.3' })],
      ['rd', DatabaseEngine.redis({ version: '7.4.1' })],
    ] as const) {
      const metrics = DatabaseMetrics.prometheus({ scrapedBy: { podLabels: { 'app.kubernetes.io/name': 'prometheus' } }, serviceMonitor: {} });
      new StatefulDatabase(c, id, { engine, secretName: `${id}-credentials`, backup: DatabaseBackup.schedule(), metrics });
    }
    const objects = render(c);
    expect(all(objects, 'CronJob').map((j) => j.metadata.name)).toEqual(['pg-backup', 'my-backup', 'rd-backup']);
    expect(all(objects, 'ServiceMonitor').map((j) => j.metadata.name)).toEqual(['pg', 'my', 'rd']);
    // the database lets in the backup pods on its port and the scrapers on the exporter's
    expect(find(objects, 'NetworkPolicy', 'rd').spec.ingress.map((r: Manifest) => r.ports[0].port)).toEqual([6379, 9121]);
  });
});
