/**
 * Scheduled logical backups of a preset database: a CronJob whose pod dumps
 * the database over the network into a PersistentVolumeClaim of its own,
 * which GitOps tools never prune, and keeps the last N dumps.
 */
import { ResourceOptions } from './resources';

/** Options of `DatabaseBackup.schedule(...)`. */
export interface DatabaseBackupOptions {
  /**
   * When to back up: a cron expression of five fields ("30 2 * * *") or one of `@hourly`, `@daily`
   * (`@midnight`), `@weekly`, `@monthly`, `@yearly` (`@annually`).
   * @default "@daily"
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
   */
  readonly schedule?: string;
  /** Time zone of the schedule, an IANA name. @default "Etc/UTC" */
  readonly timeZone?: string;
  /** Dumps kept: after each successful dump the pod deletes all but the newest `keep`. @default 7 */
  readonly keep?: number;
  /** Size of the backup claim (`<name>-backup`), a quantity of at least 1Mi; it must hold `keep` dumps and one more being written. @default "10Gi" */
  readonly storage?: string;
  /** StorageClass of the backup claim; `""` binds only to volumes without a class. @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * Image with the dump tool (`pg_dump`, `mysqldump`, `redis-cli`) and `sh`, pinned.
   * @default - the database's own image, so the tool has the server's version
   */
  readonly image?: string;
  /** Resources of the backup container. @default - requests 100m CPU, 128Mi memory, 64Mi disk; limits 512Mi memory, 256Mi disk */
  readonly resources?: ResourceOptions;
  /** Seconds after its scheduled time that a missed run may still start (e.g. after a controller outage). @default 3600 */
  readonly startingDeadlineSeconds?: number;
  /** Seconds a run may take before it is stopped and counted as failed. @default 3600 */
  readonly activeDeadlineSeconds?: number;
  /** Finished runs (Jobs) kept for their logs. @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** Failed runs (Jobs) kept for their logs. @default 3 */
  readonly failedJobsHistoryLimit?: number;
}

/**
 * Backups of a `StatefulDatabase`: `DatabaseBackup.schedule({ schedule: '@daily', keep: 7, storage: '10Gi' })`
 * dumps the database (postgres: `pg_dump --format=custom` of the preset's database; mysql: `mysqldump
 * --single-transaction` of it; redis: a copy of the RDB snapshot with `redis-cli --rdb`) into a retained claim.
 */
export class DatabaseBackup {
  /** A CronJob that dumps the database on a schedule. */
  public static schedule(options: DatabaseBackupOptions = {}): DatabaseBackup {
    return new DatabaseBackup(options);
  }

  private constructor(
    /** @internal */
    public readonly _options: DatabaseBackupOptions,
  ) {}
}

/** The effective backup settings of a database (every default resolved). */
export interface BackupSettings {
  /** The cron schedule. */
  readonly schedule: string;
  /** Time zone of the schedule. */
  readonly timeZone: string;
  /** Dumps kept. */
  readonly keep: number;
  /** Size of the backup claim. */
  readonly storage: string;
  /** Name of the backup claim, the CronJob and its NetworkPolicy (`<name>-backup`). */
  readonly name: string;
  /** The image that dumps. */
  readonly image: string;
  /** Where the claim is mounted in the backup pod. */
  readonly path: string;
}
