/**
 * How a helper container of a database (the metrics exporter, the backup job)
 * gets the database's credentials: the one place that decides it.
 */
import { ContainerBuilder } from './_container';
import { EnvValue } from './env';

/** One credential a helper container reads: the variable it expects and the Secret key that holds the value. */
export interface CredentialUse {
  readonly env: string;
  readonly key: string;
}

/**
 * Gives `container` the credentials `uses` from the Secret `secretName`, as env references (`secretKeyRef`):
 * never a literal, never on a command line. The metrics exporters go through here and stay on env whatever the
 * database's credentials mode (postgres_exporter's password file goes through the DSN parsing that breaks on
 * spaces and `=`, redis_exporter's password file is JSON, mysqld_exporter takes a my.cnf: none reads the
 * Secret's plain file). The backup pod reads the files like the server (`CredentialSource`, in _backup.ts).
 */
export function giveCredentials(container: ContainerBuilder, secretName: string, uses: readonly CredentialUse[], prop: string): void {
  for (const u of uses) container.addEnv(u.env, EnvValue.fromSecretKey(secretName, u.key), prop);
}
