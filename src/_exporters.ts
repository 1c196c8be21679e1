/**
 * The standard Prometheus exporter of each preset, as a hardened sidecar of the
 * database pod: it reaches the server on localhost with the credentials of the
 * database's Secret.
 */
import { ContainerBuilder } from './_container';
import { giveCredentials, CredentialUse } from './_credentials';
import { EngineCredentials } from './_engine';
import { Problems, show } from './_errors';
import { DATABASE_METRICS_OPTIONS } from './_keys';
import { ResolvedScrape, resolveScrape } from './_metrics';
import { resolveResources } from './_pod';
import { checkProps } from './_props';
import { checkChoice } from './_rules';
import { HELPER_RESOURCES } from './_tier';
import { EnvValue } from './env';
import { DatabaseMetrics, DatabaseMetricsOptions } from './metrics';
import { Probe } from './probe';

/** Name of the exporter container and of its port. */
export const EXPORTER_NAME = 'metrics';

/** The pinned default image, standard port and configuration of one exporter. */
interface Exporter {
  readonly image: string;
  readonly port: number;
  readonly args: (port: number, dbPort: number) => string[];
  readonly env: (dbPort: number, c: EngineCredentials) => { [name: string]: string };
  readonly credentials: (c: EngineCredentials) => CredentialUse[];
}

/** postgres_exporter, mysqld_exporter and redis_exporter, from their official publishers. */
const EXPORTERS: { [engine: string]: Exporter } = {
  postgres: {
    image: 'quay.io/prometheuscommunity/postgres-exporter:v0.16.0',
    port: 9187,
    args: (port) => [`--web.listen-address=:${port}`],
    // the host part only; user and password reach the driver (lib/pq) through PGUSER and PGPASSWORD. The exporter's own
    // DATA_SOURCE_USER/DATA_SOURCE_PASS are pasted into a DSN that it then splits at spaces and "=": with such a
    // password it exits at start (postgres_exporter issue #393), and the crash-looping sidecar keeps the pod unready
    env: (dbPort, c) => ({ DATA_SOURCE_URI: `127.0.0.1:${dbPort}/${c.database}?sslmode=disable` }),
    credentials: (c) => [
      { env: 'PGUSER', key: c.usernameKey as string },
      { env: 'PGPASSWORD', key: c.passwordKey },
    ],
  },
  mysql: {
    image: 'quay.io/prometheus/mysqld-exporter:v0.16.0',
    port: 9104,
    // the user name is no secret; the password is read from MYSQLD_EXPORTER_PASSWORD
    args: (port, dbPort) => [`--web.listen-address=:${port}`, `--mysqld.address=127.0.0.1:${dbPort}`, '--mysqld.username=$(MYSQLD_EXPORTER_USER)'],
    env: () => ({}),
    credentials: (c) => [
      { env: 'MYSQLD_EXPORTER_USER', key: c.usernameKey as string },
      { env: 'MYSQLD_EXPORTER_PASSWORD', key: c.passwordKey },
    ],
  },
  redis: {
    image: 'docker.io/oliver006/redis_exporter:v1.67.0',
    port: 9121,
    args: (port) => [`--web.listen-address=:${port}`],
    env: (dbPort) => ({ REDIS_ADDR: `redis://127.0.0.1:${dbPort}` }),
    credentials: (c) => [{ env: 'REDIS_PASSWORD', key: c.passwordKey }],
  },
};

/** What the database tells the exporter. */
export interface ExporterContext {
  readonly engine: string;
  readonly dbPort: number;
  readonly secretName?: string;
  readonly credentials?: EngineCredentials;
  /** Names of the pod's other containers. */
  readonly taken: readonly string[];
}

/** The exporter container of `metrics` (checked), or undefined when the engine has none (reported). */
export function resolveExporter(p: Problems, o: DatabaseMetricsOptions, ctx: ExporterContext): ContainerBuilder | undefined {
  const exporter = EXPORTERS[ctx.engine];
  if (!(
    (exporter !== undefined && ctx.credentials !== undefined) ||
    p.fail({
      prop: 'metrics',
      value: ctx.engine,
      rule: 'DatabaseMetrics.prometheus() runs the standard exporter of the postgres, mysql and redis presets; a custom engine has none the library knows',
      fix: 'add your exporter to the custom engine image, or remove metrics',
    })
  ))
    return undefined;
  const port = o.port ?? exporter.port;
  if (port === ctx.dbPort)
    p.add({
      prop: 'metrics.port',
      value: port,
      rule: 'the exporter listens next to the server in one pod, so it needs a port the server does not use',
      fix: `choose another port, e.g. ${exporter.port}`,
    });
  if (ctx.taken.includes(EXPORTER_NAME))
    p.add({
      prop: 'metrics',
      value: EXPORTER_NAME,
      rule: `the exporter container is named ${show(EXPORTER_NAME)}, and container names must be unique in the pod`,
      fix: 'rename the database or the init container of that name',
    });
  const c = new ContainerBuilder(p, 'metrics.', {
    name: EXPORTER_NAME,
    image: o.image ?? exporter.image,
    port,
    portName: EXPORTER_NAME,
    args: exporter.args(port, ctx.dbPort),
    // ready: the exporter answers (its landing page queries no database); alive: it accepts connections.
    // Neither asks the server, so a slow database never restarts the exporter or takes the pod out of its Service.
    readiness: Probe.httpGet('/', { periodSeconds: 10, timeoutSeconds: 5 }),
    liveness: Probe.tcpSocket({ initialDelaySeconds: 10, periodSeconds: 10 }),
    resources: resolveResources(p, 'metrics.resources', o.resources, HELPER_RESOURCES),
    nameChecked: true,
  });
  for (const [name, value] of Object.entries(exporter.env(ctx.dbPort, ctx.credentials!))) c.addEnv(name, EnvValue.fromValue(value), 'metrics');
  if (ctx.secretName !== undefined) giveCredentials(c, ctx.secretName, exporter.credentials(ctx.credentials!), 'metrics');
  return c;
}

/** The exporter and its scrape endpoint, resolved and checked. */
export interface ResolvedDatabaseMetrics {
  readonly exporter: ContainerBuilder;
  readonly scrape: ResolvedScrape;
}

/** Checks the `metrics` prop of a database; undefined when it is not set or cannot be rendered (reported). */
export function resolveDatabaseMetrics(p: Problems, given: unknown, name: string, ctx: ExporterContext): ResolvedDatabaseMetrics | undefined {
  if (given === undefined) return undefined;
  const fix = "use DatabaseMetrics.prometheus({ scrapedBy: { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } })";
  if (!checkChoice(p, 'metrics', given, DatabaseMetrics, fix)) return undefined;
  const o = checkProps(p, 'metrics', given._options, DATABASE_METRICS_OPTIONS);
  if (!(o !== undefined || p.fail({ prop: 'metrics', value: given._options, rule: 'needs its options', fix }))) return undefined;
  const exporter = resolveExporter(p, o!, ctx);
  const scrape = resolveScrape(p, 'metrics', name, o!);
  return exporter && scrape ? { exporter, scrape } : undefined;
}
