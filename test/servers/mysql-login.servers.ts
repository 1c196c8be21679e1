/**
 * The mysql preset's readiness probe against a real server (Debian's MariaDB
 * stands in for MySQL: the same client, option-file rules and login protocol):
 * it passes only while the application user can log in, with a password that
 * holds ' \ " and $, read from the Secret's files or from the env variables, and
 * the password is on no command line.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DatabaseCredentials, DatabaseEngine, StatefulDatabase } from '../../src';
import { chart, find, mainContainer, synth } from '../util';
import { describeServers } from './preflight';
import { run, RunResult, sleep } from './process';
import { rootArgs } from './sandbox';

const PORT = 33061;
const PASSWORD = 'it\'s a \\ "quoted" $(pass)';
const NOBODY = 65534;

function readiness(credentials: DatabaseCredentials): string {
  const c = chart();
  new StatefulDatabase(c, 'db', { engine: DatabaseEngine.mysql({ version: '8.4.3', port: PORT }), secretName: 'db-credentials', credentials });
  const command: string[] = mainContainer(find(synth(c), 'StatefulSet', 'db')).readinessProbe.exec.command;
  expect(command.slice(0, 2)).toEqual(['sh', '-c']);
  return command[2];
}

/** A SQL string literal of `text` (quotes doubled, backslashes escaped: MariaDB's default sql_mode reads \ as an escape). */
const sqlString = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

describeServers('mysql readiness probe on a real server', ['mariadbd', 'mariadb-install-db', 'mariadb'], () => {
  let dir: string;
  let pid = 0;
  const sql = (statement: string) =>
    spawnSync('mariadb', ['--no-defaults', `--socket=${dir}/mysqld.sock`, '--user=root', `--execute=${statement}`], { encoding: 'utf8' });
  /** Runs a probe script as nobody in a sandbox with the credential files at /etc/credentials and its own /tmp, on the host network. */
  const probe = (script: string, env: { [k: string]: string } = {}): Promise<RunResult> =>
    run(
      'bwrap',
      [
        ...rootArgs([
          { source: `${dir}/tmp`, target: '/tmp', readOnly: false },
          { source: `${dir}/credentials`, target: '/etc/credentials', readOnly: true },
        ]),
        ...['--unshare-pid', '--die-with-parent', '--clearenv'],
        ...['--setenv', 'PATH', '/usr/bin:/bin', ...Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v])],
        ...['--', 'setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'sh', '-c', script],
      ],
      { timeoutMs: 20000, allowFailure: true },
    );

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiers-mysql-login-'));
    fs.chmodSync(dir, 0o755);
    for (const d of ['data', 'tmp', 'credentials']) fs.mkdirSync(path.join(dir, d));
    for (const d of ['data', 'tmp']) fs.chownSync(path.join(dir, d), NOBODY, NOBODY);
    fs.chownSync(dir, NOBODY, NOBODY);
    const files: { [key: string]: string } = { username: 'app', password: PASSWORD, 'root-password': 'unused' };
    for (const [key, value] of Object.entries(files)) fs.writeFileSync(path.join(dir, 'credentials', key), value, { mode: 0o444 });
    const asNobody = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];
    const init = spawnSync(
      asNobody[0],
      [...asNobody.slice(1), 'mariadb-install-db', '--no-defaults', `--datadir=${dir}/data`, '--auth-root-authentication-method=normal', '--skip-test-db'],
      {
        encoding: 'utf8',
      },
    );
    if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr}`);
    const child = spawn(
      asNobody[0],
      [
        ...asNobody.slice(1),
        'mariadbd',
        '--no-defaults',
        `--datadir=${dir}/data`,
        `--socket=${dir}/mysqld.sock`,
        `--port=${PORT}`,
        '--bind-address=127.0.0.1',
        '--skip-name-resolve',
      ],
      { stdio: 'ignore', detached: false },
    );
    pid = child.pid ?? 0;
    for (let i = 0; i < 60 && sql('SELECT 1').status !== 0; i++) await sleep(250);
    expect(sql('SELECT 1').status).toBe(0);
  });
  afterAll(async () => {
    if (pid) process.kill(pid, 'SIGTERM');
    await sleep(1000);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('not ready while the application user does not exist (a first initialisation that failed to create it)', async () => {
    const r = await probe(readiness(DatabaseCredentials.asFiles()));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Access denied for user 'app'/);
  });

  test('ready once the user exists, with \' \\ " and $ in the password read from its file', async () => {
    expect(sql(`CREATE USER 'app'@'%' IDENTIFIED BY ${sqlString(PASSWORD)}`).stderr).toBe('');
    const r = await probe(readiness(DatabaseCredentials.asFiles()));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // the client option file is removed after each probe
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });

  test('ready with the password from MYSQL_USER and MYSQL_PASSWORD (credentials as environment variables)', async () => {
    const r = await probe(readiness(DatabaseCredentials.asEnvironment()), { MYSQL_USER: 'app', MYSQL_PASSWORD: PASSWORD });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test('not ready with a wrong password, and the password is on no command line of the probe', async () => {
    const script = readiness(DatabaseCredentials.asEnvironment());
    expect(script).not.toContain(PASSWORD);
    const r = await probe(script, { MYSQL_USER: 'app', MYSQL_PASSWORD: 'wrong' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Access denied for user 'app'@'127.0.0.1' \(using password: YES\)/);
  });
});
