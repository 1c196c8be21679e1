/**
 * TLS for a database's server from a `kubernetes.io/tls` Secret you create
 * (by hand or with cert-manager): `tls.crt` and `tls.key`, mounted read-only.
 */

/** Options of `DatabaseTls.fromSecret`. */
export interface DatabaseTlsOptions {
  /**
   * Refuse plain-text connections: PostgreSQL accepts TCP connections only over TLS (`hostssl` in
   * pg_hba.conf), MySQL sets `require_secure_transport=ON`. Redis serves TLS on the database port
   * in place of plain text in any case (the two need different ports), so it must stay `true` there.
   * @default true
   */
  readonly require?: boolean;
}

/**
 * TLS of a `StatefulDatabase`'s server.
 *
 * `DatabaseTls.fromSecret('orders-db-tls')` mounts the Secret's `tls.crt` and `tls.key`
 * read-only at `/etc/tls` (mode 0400, readable through the fsGroup) and turns TLS on:
 * PostgreSQL `ssl=on`, MySQL `--ssl-cert`/`--ssl-key`, Redis `tls-port`. Connected clients
 * get `<PREFIX>_TLS=true` (and PostgreSQL clients `<PREFIX>_SSLMODE=require`).
 */
export class DatabaseTls {
  /**
   * TLS from the `kubernetes.io/tls` Secret `secretName` in the database's namespace (keys `tls.crt`
   * and `tls.key`, as cert-manager's Certificate writes them).
   */
  public static fromSecret(secretName: string, options: DatabaseTlsOptions = {}): DatabaseTls {
    return new DatabaseTls(secretName, options);
  }

  /** Name of the Secret. */
  public readonly secretName: string;
  /** Whether plain-text connections are refused. */
  public readonly required: boolean;

  private constructor(
    secretName: string,
    /** The options as given, checked when the database resolves its props. @internal */
    public readonly _options: DatabaseTlsOptions,
  ) {
    this.secretName = secretName;
    this.required = _options === null || typeof _options !== 'object' || _options.require !== false;
  }
}
