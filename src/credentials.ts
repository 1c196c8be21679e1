/**
 * How a container gets the credentials of a database: as files of a
 * read-only Secret volume (the default for the database's own server) or as
 * environment variables referencing the Secret.
 */

/**
 * How credentials reach a container.
 *
 * `DatabaseCredentials.asFiles()` mounts the Secret's keys read-only (mode 0400, readable
 * through the pod's fsGroup only) and gives the server or client the file paths (`POSTGRES_PASSWORD_FILE`,
 * `<PREFIX>_PASSWORD_FILE`); `DatabaseCredentials.asEnvironment()` sets environment variables from the Secret,
 * which scanners flag (checkov CKV_K8S_35): environment variables reach child processes, crash dumps and logs.
 */
export class DatabaseCredentials {
  /** Files of a read-only Secret volume, with `*_FILE` variables naming them. */
  public static asFiles(): DatabaseCredentials {
    return new DatabaseCredentials(true);
  }

  /** Environment variables from the Secret (`secretKeyRef`). */
  public static asEnvironment(): DatabaseCredentials {
    return new DatabaseCredentials(false);
  }

  private constructor(
    /** True for files, false for environment variables. */
    public readonly files: boolean,
  ) {}
}
