/**
 * What TLS from a `kubernetes.io/tls` Secret changes in a preset's server:
 * the read-only Secret volume at /etc/tls and each engine's flags, probes and
 * client env (internal: the presets call these from their bindings).
 */
import { ContainerBuilder } from './_container';
import { Problems } from './_errors';
import { DATABASE_TLS_OPTIONS } from './_keys';
import { checkProps } from './_props';
import { checkChoice, isDns1123Subdomain } from './_rules';
import type { PodVolumes } from './_tier';
import { DatabaseTls } from './database-tls';
import { EnvValue } from './env';

/** Where the server finds `tls.crt` and `tls.key`. */
export const TLS_PATH = '/etc/tls';
/** Mode of the files before the kubelet adds group read for the fsGroup: 0440 root:fsGroup, which PostgreSQL accepts for a key (root-owned, no group write, nothing for others). */
const TLS_FILE_MODE = 0o400;
/** The pg_hba.conf of a server that refuses plain text: the socket as in the image, TCP (also replication) only over TLS with a password. */
const PG_HBA_TLS_ONLY = ['local all all trust', 'hostssl all all all scram-sha-256', 'hostssl replication all all scram-sha-256'];
export const PG_HBA_FILE = '/tmp/pg_hba.conf';

/** TLS of a server, resolved. */
export interface ServerTls {
  readonly secretName: string;
  readonly required: boolean;
  readonly certFile: string;
  readonly keyFile: string;
}

/** Checks `tls` for an engine (`custom` has no TLS of its own); undefined when not asked for or wrong (reported). */
export function resolveTls(p: Problems, engine: string, given: DatabaseTls | undefined): ServerTls | undefined {
  if (given === undefined) return undefined;
  if (!checkChoice(p, 'tls', given, DatabaseTls, "use DatabaseTls.fromSecret('orders-db-tls')")) return undefined;
  const ok = [
    checkProps(p, 'tls options', given._options, DATABASE_TLS_OPTIONS) !== undefined || given._options === undefined,
    isDns1123Subdomain(given.secretName) ||
      p.fail({
        prop: 'tls.secretName',
        value: given.secretName,
        rule: 'must be a Secret name (a DNS-1123 subdomain)',
        fix: "name the kubernetes.io/tls Secret in the database's namespace, e.g. DatabaseTls.fromSecret('orders-db-tls')",
      }),
    given._options?.require === undefined ||
      typeof given._options.require === 'boolean' ||
      p.fail({
        prop: 'tls.require',
        value: given._options.require,
        rule: 'must be true or false',
        fix: 'write require: true',
      }),
    engine !== 'custom' ||
      p.fail({
        prop: 'tls',
        value: given.secretName,
        rule: 'a custom engine configures its own TLS',
        fix: 'mount the Secret with readOnlyVolumes and give the server its flags in args or env, and remove tls',
      }),
    engine !== 'redis' ||
      given.required ||
      p.fail({
        prop: 'tls.require',
        value: false,
        rule: 'Redis serves TLS and plain text on different ports, and the preset has one: with TLS it serves TLS only',
        fix: 'leave require out (true)',
      }),
  ].every(Boolean);
  return ok ? { secretName: given.secretName, required: given.required, certFile: `${TLS_PATH}/tls.crt`, keyFile: `${TLS_PATH}/tls.key` } : undefined;
}

/** Mounts the Secret's `tls.crt` and `tls.key` read-only at /etc/tls in `container`. */
export function mountTls(volumes: PodVolumes, container: ContainerBuilder, tls: ServerTls): void {
  const items = ['tls.crt', 'tls.key'].map((key) => ({ key, path: key }));
  volumes.add(
    'tls',
    'tls',
    container,
    { name: 'tls', mountPath: TLS_PATH, readOnly: true },
    { name: 'tls', secret: { secretName: tls.secretName, defaultMode: TLS_FILE_MODE, items } },
  );
}

/** What a connected client learns: TLS is on (and for libpq, the sslmode to use). */
export function tlsClientEnv(tls: ServerTls | undefined, sslmode: boolean): { [suffix: string]: EnvValue } {
  if (!tls) return {};
  return { TLS: EnvValue.fromValue('true'), ...(sslmode ? { SSLMODE: EnvValue.fromValue('require') } : {}) };
}

/** PostgreSQL: `ssl=on` on the mounted files and, when required, a pg_hba.conf with `hostssl` lines only. */
export function postgresTls(tls: ServerTls | undefined): { args: string[]; command?: string[] } {
  if (!tls) return { args: [] };
  const args = ['-c', 'ssl=on', '-c', `ssl_cert_file=${tls.certFile}`, '-c', `ssl_key_file=${tls.keyFile}`];
  if (!tls.required) return { args };
  const lines = PG_HBA_TLS_ONLY.map((l) => `'${l}'`).join(' ');
  // the image's entrypoint still runs (first initialisation on the socket), then the server reads this file
  const script = `printf '%s\\n' ${lines} > ${PG_HBA_FILE} && exec docker-entrypoint.sh "$@"`;
  return { args: [...args, '-c', `hba_file=${PG_HBA_FILE}`], command: ['sh', '-c', script, 'docker-entrypoint.sh'] };
}

/** MySQL: the certificate and key, and `require_secure_transport` when required (the socket counts as secure). */
export function mysqlTls(tls: ServerTls | undefined): string[] {
  if (!tls) return [];
  return [`--ssl-cert=${tls.certFile}`, `--ssl-key=${tls.keyFile}`, ...(tls.required ? ['--require-secure-transport=ON'] : [])];
}

/** Redis: TLS on the database port in place of plain text, no client certificates (clients log in with the password). */
export function redisTls(tls: ServerTls | undefined, port: number): { portArgs: string[]; cli: string[] } {
  if (!tls) return { portArgs: ['--port', String(port)], cli: [] };
  return {
    portArgs: ['--port', '0', '--tls-port', String(port), '--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-auth-clients', 'no'],
    // the probes reach their own server on localhost: the certificate names the Service, not 127.0.0.1
    cli: ['--tls', '--insecure'],
  };
}
