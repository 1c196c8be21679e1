/**
 * The scrape endpoint both tiers build for their metrics: a `<name>-metrics`
 * ClusterIP Service with a `metrics` port, NetworkPolicy ingress on the
 * container port from the scrapers only, and an optional ServiceMonitor.
 */
import { ApiObject } from 'cdk8s';
import { k8s } from './_k8s';
import { Construct } from 'constructs';
import { ContainerBuilder } from './_container';
import { Problems, show } from './_errors';
import { SCRAPER_OPTIONS, SERVICE_MONITOR_OPTIONS, WEB_METRICS_OPTIONS } from './_keys';
import { LABEL_COMPONENT, objectMeta } from './_labels';
import { TierNetworkPolicy } from './_network-policy';
import { checkProps } from './_props';
import { checkChoice, checkInteger, checkLabels, checkPortName, isString } from './_rules';
import { tierService } from './_service';
import { ScraperOptions, ServiceMonitorOptions, WebMetrics } from './metrics';
import { ServiceType } from './service-type';
import { compact } from './_l1';

/** The Service port name of every metrics Service (what a ServiceMonitor's endpoint names). */
export const METRICS_PORT_NAME = 'metrics';
/** What a ServiceMonitor is: the Prometheus Operator's custom resource. */
const SERVICE_MONITOR = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' };
/** The longest tier name that leaves room for "-metrics" in a Service name (a DNS-1035 label of at most 63). */
const MAX_NAME = 63 - '-metrics'.length;

/** Who scrapes, on which path, and the ServiceMonitor, resolved and checked. */
export interface ResolvedScrape {
  readonly from: k8s.NetworkPolicyPeer;
  readonly path: string;
  readonly serviceMonitor?: { readonly intervalSeconds: number; readonly labels: Record<string, string> };
}

/** Checks `scrapedBy`, `path` and `serviceMonitor` of the metrics option at `prop` (e.g. "metrics"); undefined when they cannot be rendered. */
export function resolveScrape(
  p: Problems,
  prop: string,
  name: string,
  given: { scrapedBy?: ScraperOptions; path?: string; serviceMonitor?: ServiceMonitorOptions },
): ResolvedScrape | undefined {
  const ok = [
    name.length <= MAX_NAME ||
      p.fail({
        prop,
        value: name,
        rule: `the metrics Service is named "<name>-metrics", a DNS-1035 label of at most 63 characters, so the tier's name can have at most ${MAX_NAME} with metrics`,
        fix: `shorten the name to ${MAX_NAME} characters or fewer`,
      }),
  ];
  const scrapers = checkProps(p, `${prop}.scrapedBy`, given.scrapedBy, SCRAPER_OPTIONS);
  const namespaceLabels = scrapers?.namespaceLabels ?? {};
  const podLabels = scrapers?.podLabels ?? {};
  checkLabels(p, `${prop}.scrapedBy.namespaceLabels`, scrapers?.namespaceLabels);
  checkLabels(p, `${prop}.scrapedBy.podLabels`, scrapers?.podLabels);
  ok.push(
    (scrapers !== undefined && Object.keys({ ...namespaceLabels, ...podLabels }).length > 0) ||
      p.fail({
        prop: `${prop}.scrapedBy`,
        value: given.scrapedBy,
        rule: 'names the pods that may scrape the metrics port: labels of their namespace, of the pods, or both (no labels would let every pod in)',
        fix: "write scrapedBy: { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus' } }",
      }),
  );
  const path = given.path ?? '/metrics';
  ok.push(
    (isString(path) && /^\/[!-~]*$/.test(path)) ||
      p.fail({
        prop: `${prop}.path`,
        value: path,
        rule: 'must be an absolute HTTP path of visible ASCII characters',
        fix: 'write it like "/metrics"',
      }),
  );
  const monitor = checkProps(p, `${prop}.serviceMonitor`, given.serviceMonitor, SERVICE_MONITOR_OPTIONS);
  const intervalSeconds = monitor?.intervalSeconds ?? 30;
  if (monitor) {
    ok.push(checkInteger(p, `${prop}.serviceMonitor.intervalSeconds`, intervalSeconds, 1, 3600, 'scrape every 1 to 3600 seconds, e.g. 30'));
    checkLabels(p, `${prop}.serviceMonitor.labels`, monitor.labels);
  }
  if (!ok.every(Boolean) || !p.empty) return undefined;
  return {
    from: {
      ...(Object.keys(namespaceLabels).length ? { namespaceSelector: { matchLabels: { ...namespaceLabels } } } : {}),
      ...(Object.keys(podLabels).length ? { podSelector: { matchLabels: { ...podLabels } } } : {}),
    },
    path,
    ...(monitor ? { serviceMonitor: { intervalSeconds, labels: { ...monitor.labels } } } : {}),
  };
}

/** The tier a metrics endpoint belongs to. */
export interface MetricsTier {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  /** The tier's annotations (its own and the platform defaults'), which every object of the tier carries. */
  readonly annotations?: Record<string, string>;
  readonly podSelectorLabels: Record<string, string>;
  readonly policy: TierNetworkPolicy;
}

/** What a metrics endpoint adds to a tier. */
export interface MetricsEndpoint {
  readonly service: k8s.KubeService;
  readonly serviceMonitor?: ApiObject;
}

/** Builds the metrics Service, the scrapers' ingress on `port` (named `portName` in the pod) and the ServiceMonitor. */
export function addMetricsEndpoint(scope: Construct, tier: MetricsTier, port: number, portName: string, scrape: ResolvedScrape): MetricsEndpoint {
  // the component label sets the metrics Service apart from the tier's other Services, for the ServiceMonitor's selector
  const labels = { ...tier.labels, [LABEL_COMPONENT]: 'metrics' };
  const service = tierService(scope, 'metrics-service', {
    name: `${tier.name}-metrics`,
    namespace: tier.namespace,
    labels,
    annotations: tier.annotations,
    selector: { ...tier.podSelectorLabels },
    type: ServiceType.CLUSTER_IP,
    ports: [{ name: METRICS_PORT_NAME, port, targetPort: portName }],
  });
  tier.policy.allowIngressFromSelector(scrape.from, [port]);
  const m = scrape.serviceMonitor;
  const serviceMonitor = m
    ? compact(
        new ApiObject(scope, 'service-monitor', {
          ...SERVICE_MONITOR,
          metadata: objectMeta(tier.name, tier.namespace, { ...labels, ...m.labels }, tier.annotations),
          spec: {
            selector: { matchLabels: { ...tier.podSelectorLabels, [LABEL_COMPONENT]: 'metrics' } },
            endpoints: [{ port: METRICS_PORT_NAME, path: scrape.path, scheme: 'http', interval: `${m.intervalSeconds}s` }],
          },
        }),
      )
    : undefined;
  return { service, serviceMonitor };
}

/** The web tier's metrics, resolved and checked: the port name (undefined: the main port) and the scrape. */
export interface ResolvedWebMetrics {
  readonly portName?: string;
  readonly scrape: ResolvedScrape;
}

/** Checks the `metrics` prop of a web tier; undefined when it is not set or cannot be rendered (reported). */
export function resolveWebMetrics(p: Problems, given: unknown, name: string): ResolvedWebMetrics | undefined {
  if (given === undefined) return undefined;
  const fix = "use WebMetrics.prometheus({ scrapedBy: { namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } })";
  if (!checkChoice(p, 'metrics', given, WebMetrics, fix)) return undefined;
  const o = checkProps(p, 'metrics', given._options, WEB_METRICS_OPTIONS);
  if (!(o !== undefined || p.fail({ prop: 'metrics', value: given._options, rule: 'needs its options', fix }))) return undefined;
  const portName = o!.portName;
  const portOk = portName === undefined || checkPortName(p, 'metrics.portName', portName);
  const scrape = resolveScrape(p, 'metrics', name, o!);
  return scrape && portOk ? { portName, scrape } : undefined;
}

/** The port of the container (main or sidecar) that declares `portName`; reported at `metrics.portName` when none does. */
export function metricsPort(p: Problems, containers: readonly ContainerBuilder[], portName: string): number | undefined {
  const c = containers.find((x) => x.portName === portName);
  if (c === undefined)
    p.add({
      prop: 'metrics.portName',
      value: portName,
      rule: `names no port of the pod (it has ${containers
        .map((x) => x.portName)
        .filter((x) => x !== undefined)
        .map((x) => show(x))
        .join(', ')})`,
      fix: 'name the port of the main container or of a sidecar in sidecars (addSidecar comes too late), or leave portName out for the main port',
    });
  return c?.port;
}
