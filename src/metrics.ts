/**
 * Prometheus metrics of a tier: the engine's standard exporter as a sidecar of
 * a database, or a port of a web tier; a `<name>-metrics` Service with a named
 * `metrics` port, NetworkPolicy ingress on it from the scrapers you name, and
 * optionally a ServiceMonitor (Prometheus Operator).
 */
import { ResourceOptions } from './resources';

/**
 * The pods that may scrape the metrics port (Prometheus), by the labels of
 * their namespace and their own labels; the NetworkPolicy lets in only pods
 * that match both. At least one of the two must be given.
 */
export interface ScraperOptions {
  /**
   * Labels of the scrapers' namespace, e.g. `{ 'kubernetes.io/metadata.name': 'monitoring' }`.
   * @default - the tier's own namespace
   */
  readonly namespaceLabels?: { [key: string]: string };
  /**
   * Labels of the scraper pods, e.g. `{ 'app.kubernetes.io/name': 'prometheus' }`.
   * @default - every pod of the namespace that `namespaceLabels` selects
   */
  readonly podLabels?: { [key: string]: string };
}

/**
 * A `monitoring.coreos.com/v1` ServiceMonitor for the Prometheus Operator
 * (kube-prometheus-stack), selecting the tier's metrics Service.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
 */
export interface ServiceMonitorOptions {
  /** Seconds between scrapes. @default 30 */
  readonly intervalSeconds?: number;
  /**
   * More labels on the ServiceMonitor, e.g. the `release` label your Prometheus selects ServiceMonitors by.
   * @default - the tier's labels only
   */
  readonly labels?: { [key: string]: string };
}

/** Options of `DatabaseMetrics.prometheus(...)`. */
export interface DatabaseMetricsOptions {
  /** Who may scrape the metrics port. */
  readonly scrapedBy: ScraperOptions;
  /**
   * The exporter image, e.g. a mirror; pinned to a tag or digest. It must be the engine's standard
   * exporter (it is configured with that exporter's flags and env).
   * @default - postgres: quay.io/prometheuscommunity/postgres-exporter:v0.16.0, mysql: quay.io/prometheus/mysqld-exporter:v0.16.0,
   * redis: docker.io/oliver006/redis_exporter:v1.67.0
   */
  readonly image?: string;
  /** Port the exporter listens on. @default - the exporter's standard port: 9187 postgres, 9104 mysql, 9121 redis */
  readonly port?: number;
  /** Resources of the exporter. @default - requests 50m CPU, 64Mi memory, 32Mi disk; limits 128Mi memory, 128Mi disk */
  readonly resources?: ResourceOptions;
  /** Adds a ServiceMonitor. @default - none (scrape the `<name>-metrics` Service your own way) */
  readonly serviceMonitor?: ServiceMonitorOptions;
}

/**
 * Metrics of a `StatefulDatabase`: `DatabaseMetrics.prometheus({ scrapedBy: {...} })` runs the
 * engine's standard Prometheus exporter (postgres_exporter, mysqld_exporter, redis_exporter) next
 * to the server, with the credentials of the database's Secret.
 */
export class DatabaseMetrics {
  /** The engine's standard Prometheus exporter as a hardened sidecar. */
  public static prometheus(options: DatabaseMetricsOptions): DatabaseMetrics {
    return new DatabaseMetrics(options);
  }

  private constructor(
    /** @internal */
    public readonly _options: DatabaseMetricsOptions,
  ) {}
}

/** Options of `WebMetrics.prometheus(...)`. */
export interface WebMetricsOptions {
  /** Who may scrape the metrics port. */
  readonly scrapedBy: ScraperOptions;
  /**
   * The container port that serves the metrics: the main container's, or a sidecar's (of `sidecars`) by its port name.
   * @default - the main container's port
   */
  readonly portName?: string;
  /** HTTP path of the metrics. @default "/metrics" */
  readonly path?: string;
  /** Adds a ServiceMonitor. @default - none (scrape the `<name>-metrics` Service your own way) */
  readonly serviceMonitor?: ServiceMonitorOptions;
}

/**
 * Metrics of a `StatelessWebTier`: `WebMetrics.prometheus({ scrapedBy: {...}, portName, path })`
 * names the port (the main container's or a sidecar's) and path your application serves metrics on.
 */
export class WebMetrics {
  /** Prometheus metrics served by the tier itself or one of its sidecars. */
  public static prometheus(options: WebMetricsOptions): WebMetrics {
    return new WebMetrics(options);
  }

  private constructor(
    /** @internal */
    public readonly _options: WebMetricsOptions,
  ) {}
}
