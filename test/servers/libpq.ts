/**
 * How the tests' clients log in to PostgreSQL: libpq's environment, as a user's
 * application would (nothing on a command line), with a short connect timeout.
 */

/** A PostgreSQL login. */
export interface PgLogin {
  readonly host: string;
  /** @default "5432" */
  readonly port?: string;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

/** libpq's environment for `login`. */
export function libpqEnv(login: PgLogin): { [name: string]: string } {
  const { host, port = '5432', user, password, database } = login;
  return { PGHOST: host, PGPORT: port, PGUSER: user, PGDATABASE: database, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' };
}

/** libpq's environment from what `connectTo` gave a client (`<PREFIX>_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_NAME`); `host` names the host variable (`READ_HOST` for reads). */
export function connectedEnv(env: { [name: string]: string }, prefix: string, host = 'HOST'): { [name: string]: string } {
  const v = (suffix: string) => env[`${prefix}_${suffix}`];
  return libpqEnv({ host: v(host), port: v('PORT'), user: v('USER'), password: v('PASSWORD'), database: v('NAME') });
}
