/**
 * The backup pod's script for each preset: one dump command and file
 * extension per engine, inside one frame that writes the dump under a
 * temporary name, renames it only when the dump succeeded, then deletes all
 * but the newest `$BACKUP_KEEP` dumps. Every credential is a variable the dump tool
 * reads (exported from the credential files first, or env from the Secret).
 */
import { CredentialUse } from './_credentials';
import { EngineCredentials } from './_engine';

/** What one engine's backup needs: the dump, the file extension, the env and the credentials. */
export interface BackupScript {
  readonly extension: string;
  /** Shell command that writes the dump to the file named by its first argument ($1). */
  readonly dump: string;
  readonly env: (host: string, port: number, c: EngineCredentials) => { [name: string]: string };
  readonly credentials: (c: EngineCredentials) => CredentialUse[];
}

export const BACKUP_SCRIPTS: { [engine: string]: BackupScript } = {
  postgres: {
    extension: 'dump',
    // the custom format is compressed and restores with pg_restore (--clean, one table at a time, in parallel)
    dump: 'pg_dump --format=custom --file="$1"',
    env: (host, port, c) => ({ PGHOST: host, PGPORT: String(port), PGDATABASE: c.database as string }),
    credentials: (c) => [
      { env: 'PGUSER', key: c.usernameKey as string },
      { env: 'PGPASSWORD', key: c.passwordKey },
    ],
  },
  mysql: {
    extension: 'sql',
    // one consistent snapshot of InnoDB tables without locking them; no tablespace statements (they need PROCESS)
    dump: 'mysqldump --host="$DB_HOST" --port="$DB_PORT" --user="$DB_USER" --single-transaction --no-tablespaces --routines --triggers --databases "$DB_NAME" > "$1"',
    env: (host, port, c) => ({ DB_HOST: host, DB_PORT: String(port), DB_NAME: c.database as string }),
    credentials: (c) => [
      { env: 'DB_USER', key: c.usernameKey as string },
      // read by mysqldump itself, so the password is on no command line
      { env: 'MYSQL_PWD', key: c.passwordKey },
    ],
  },
  redis: {
    extension: 'rdb',
    // the server sends a fresh RDB snapshot as to a replica
    dump: 'redis-cli -h "$DB_HOST" -p "$DB_PORT" --rdb "$1"',
    env: (host, port) => ({ DB_HOST: host, DB_PORT: String(port) }),
    // redis-cli reads REDISCLI_AUTH, so the password is on no command line
    credentials: (c) => [{ env: 'REDISCLI_AUTH', key: c.passwordKey }],
  },
};

/** The script the backup container runs (`sh -c <script>`), for the engine's dump. */
export function backupScript(s: BackupScript): string {
  const dumps = `"$BACKUP_PREFIX"-[0-9]*T[0-9]*Z.${s.extension}`;
  return [
    'set -eu',
    'umask 0077',
    'cd "$BACKUP_DIR"',
    'file="$BACKUP_PREFIX-$(date -u +%Y%m%dT%H%M%SZ).' + s.extension + '"',
    // a dump that failed earlier (the pod was stopped) is left as .partial: never counted, removed here
    'rm -f -- ./*.partial',
    `dump() { ${s.dump}; }`,
    'dump "$file.partial"',
    'mv -- "$file.partial" "$file"',
    'echo "wrote $file ($(wc -c < "$file") bytes)"',
    // newest first (the names sort by time); all but the first $BACKUP_KEEP go
    `ls -1 -- ${dumps} | sort -r | tail -n +"$((BACKUP_KEEP + 1))" | while read -r old; do rm -f -- "$old"; echo "deleted $old"; done`,
  ].join('\n');
}
