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
 * never a literal, never on a command line. Every helper container goes through here, so that mounting the
 * Secret as files instead changes this function only.
 */
export function giveCredentials(container: ContainerBuilder, secretName: string, uses: readonly CredentialUse[], prop: string): void {
  for (const u of uses) container.addEnv(u.env, EnvValue.fromSecretKey(secretName, u.key), prop);
}
