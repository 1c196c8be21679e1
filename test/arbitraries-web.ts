/**
 * Mostly-valid StatelessWebTierProps with a controlled chance of an invalid
 * value in each prop, and the record of what was made invalid.
 */
import * as fc from 'fast-check';
import { AutoscalingOptions, LabelExpression, PercentOrAbsolute, Probe, Rollout, ServiceType, SidecarOptions, StatelessWebTierProps } from '../src';
import {
  absolutePath,
  annotationValue,
  badCount,
  badDnsNames,
  badImages,
  badLabelKeys,
  badLabelValues,
  badPaths,
  badPortNames,
  badPorts,
  clean,
  dns1035,
  dns1123,
  env,
  Fault,
  faulty,
  faultsOf,
  Gen,
  image,
  int32Overflow,
  labelKey,
  labelValue,
  mapOf,
  port,
  portName,
  prefixed,
  probe,
  prop,
  resources,
  security,
  strip,
  subdomain,
  VALID_WEIGHT,
  word,
  words,
  writable,
  wrongNumbers,
} from './arbitraries';
import { podProps, podSettings } from './arbitraries-pod';

export const WEB_DEFAULTS = {
  cpuRequest: '100m',
  memoryRequest: '128Mi',
  memoryLimit: '256Mi',
  ephemeralStorageRequest: '64Mi',
  ephemeralStorageLimit: '256Mi',
};
export const SIDECAR_DEFAULTS = {
  cpuRequest: '50m',
  memoryRequest: '64Mi',
  memoryLimit: '128Mi',
  ephemeralStorageRequest: '32Mi',
  ephemeralStorageLimit: '128Mi',
};

/** Pools whose paths, and the volume names derived from them, never clash with each other. */
export const WRITABLE_POOL = ['/var/cache/app', '/var/run/app', '/home/app/.cache', '/srv/data', '/tmp'];
const CONFIG_POOL = ['/config', '/etc/app', '/etc/app/conf.d', '/opt/app/config'];
const SHARED_POOL = ['/shared', '/var/shared', '/run/shared'];
const SIDECAR_WRITABLE_POOL = ['/var/cache/side', '/var/log/side'];

/** One generated web tier, ready to build. */
export interface WebCase {
  readonly props: StatelessWebTierProps;
  readonly faults: readonly Fault[];
  /** A ServiceAccount the chart must hold (the tier names it), and its namespace. */
  readonly serviceAccount?: { readonly name: string; readonly namespace?: string };
}

const name = (max: number) =>
  prop(
    'name',
    dns1035(max).filter((n) => !n.startsWith('side')),
    {
      optional: true,
      invalid: fc.oneof(badDnsNames, fc.constantFrom('1web', 'a'.repeat(max + 1))),
      lenient: fc.constant(null),
    },
  );
const namespace = prop('namespace', dns1123(30), { optional: true, invalid: badDnsNames, lenient: fc.constant(null) });
const labelProp = (key: string) => prop(key, labelValue, { optional: true, invalid: badLabelValues, lenient: fc.constant(null) });
/** The instance selects the pods: a non-empty label value. */
const instanceProp = prop(
  'instance',
  labelValue.filter((v) => v !== ''),
  { optional: true, invalid: fc.oneof(badLabelValues, fc.constant('')), lenient: fc.constant(null) },
);

/** Labels and annotations, each optional. */
export const metadata = fc.record({
  instance: instanceProp,
  partOf: labelProp('partOf'),
  version: labelProp('version'),
  component: labelProp('component'),
  labels: fc.oneof(
    { weight: 1, arbitrary: fc.constant(clean<{ [k: string]: string } | undefined>(undefined)) },
    { weight: 2, arbitrary: mapOf('labels', labelKey, labelValue, { badKeys: badLabelKeys, badValues: badLabelValues }) },
  ),
  annotations: fc.oneof(
    { weight: 1, arbitrary: fc.constant(clean<{ [k: string]: string } | undefined>(undefined)) },
    {
      weight: 2,
      arbitrary: mapOf('annotations', fc.constantFrom('example.com/owner', 'note', 'description', 'a.b/c-d'), annotationValue, {
        badKeys: badLabelKeys,
        badValues: fc.constantFrom<unknown>(5, true, {}, null),
        keyProp: 'annotations key',
      }),
    },
  ),
});

/** Name, namespace, ServiceAccount: shared by both tiers. */
export const identity = (maxName: number) =>
  fc.record({
    name: name(maxName),
    namespace,
    serviceAccountName: prop('serviceAccountName', subdomain, {
      optional: true,
      invalid: fc.constantFrom<unknown>('Bad SA', 'sa_1', '', 5),
      lenient: fc.constant(null),
    }),
  });

const percentOrAbsolute = fc.oneof(
  fc.integer({ min: 0, max: 100 }).map((n) => PercentOrAbsolute.percent(n)),
  fc.integer({ min: 0, max: 10 }).map((n) => PercentOrAbsolute.absolute(n)),
);

const rollout: fc.Arbitrary<Gen<Rollout | undefined>> = fc.oneof(
  { weight: VALID_WEIGHT / 2, arbitrary: fc.constant(clean<Rollout | undefined>(undefined)) },
  { weight: VALID_WEIGHT / 4, arbitrary: fc.constant(clean<Rollout | undefined>(Rollout.recreate())) },
  {
    weight: VALID_WEIGHT / 2,
    arbitrary: fc
      .record({ maxSurge: fc.option(percentOrAbsolute, { nil: undefined }), maxUnavailable: fc.option(percentOrAbsolute, { nil: undefined }) })
      // the default surge is 25% and the default unavailability 0: never both zero
      .map((o) =>
        (o.maxSurge ?? PercentOrAbsolute.percent(25)).isZero && (o.maxUnavailable ?? PercentOrAbsolute.absolute(0)).isZero
          ? { ...o, maxSurge: PercentOrAbsolute.absolute(1) }
          : o,
      )
      .map((o) => clean<Rollout | undefined>(Rollout.rollingUpdate(strip(o)))),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constant(
        faulty<Rollout | undefined>(
          Rollout.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(0), maxUnavailable: PercentOrAbsolute.absolute(0) }),
          'rollout',
          true,
          'both zero',
        ),
      ),
      fc
        .oneof(fc.constantFrom(101, -1, 12.5, NaN), int32Overflow)
        .map((n) => faulty<Rollout | undefined>(Rollout.rollingUpdate({ maxSurge: PercentOrAbsolute.percent(n) }), 'rollout.maxSurge')),
      fc
        .constantFrom(-1, 1.5, NaN, Infinity)
        .map((n) => faulty<Rollout | undefined>(Rollout.rollingUpdate({ maxUnavailable: PercentOrAbsolute.absolute(n) }), 'rollout.maxUnavailable')),
      fc.constantFrom<unknown>({ type: 'Recreate' }, 'Recreate').map((v) => faulty(v as Rollout, 'rollout', true, 'not a Rollout')),
    ),
  },
  { weight: 1, arbitrary: fc.constant(faulty<Rollout | undefined>(null as unknown as Rollout, 'rollout', false, 'null rollout')) },
);

/** replicas or autoscaling (never both unless injected). */
const scale: fc.Arbitrary<Gen<{ replicas?: number; autoscaling?: AutoscalingOptions }>> = fc.oneof(
  {
    weight: VALID_WEIGHT,
    arbitrary: fc
      .option(fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(100, 2 ** 31 - 1)), { nil: undefined })
      .map((replicas) => clean(strip({ replicas }))),
  },
  {
    weight: VALID_WEIGHT / 2,
    arbitrary: fc
      .record({
        minReplicas: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
        extra: fc.integer({ min: 0, max: 50 }),
        cpuUtilizationPercent: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
      })
      .map(({ minReplicas, extra, cpuUtilizationPercent }) =>
        clean({
          autoscaling: strip({ minReplicas, maxReplicas: (minReplicas ?? 2) + extra, cpuUtilizationPercent }) as AutoscalingOptions,
        }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      badCount(0).map((replicas) => faulty({ replicas: replicas as number }, 'replicas')),
      fc.constant(faulty({ replicas: 3, autoscaling: { maxReplicas: 5 } }, 'replicas', true, 'replicas with autoscaling')),
      fc.constant(faulty({ autoscaling: { minReplicas: 5, maxReplicas: 3 } }, 'autoscaling.minReplicas', true, 'min above max')),
      fc.constant(faulty({ autoscaling: { maxReplicas: 1 } }, 'autoscaling.minReplicas', true, 'default min above max')),
      badCount(1).map((n) => faulty({ autoscaling: { maxReplicas: n as number } }, 'autoscaling.maxReplicas')),
      badCount(1).map((n) => faulty({ autoscaling: { minReplicas: n as number, maxReplicas: 2 ** 31 - 1 } }, 'autoscaling.minReplicas')),
      fc.constant(faulty({ autoscaling: {} as AutoscalingOptions }, 'autoscaling.maxReplicas', true, 'no maxReplicas')),
      fc
        .oneof(badCount(1), fc.constant(1001))
        .map((n) => faulty({ autoscaling: { maxReplicas: 4, cpuUtilizationPercent: n as number } }, 'autoscaling.cpuUtilizationPercent')),
    ),
  },
);

/** minReadySeconds and progressDeadlineSeconds (above it), revision history, grace period (above the default 5 second preStop delay). */
const timings = fc
  .record({
    minReady: fc.option(fc.integer({ min: 0, max: 1000 }), { nil: undefined }),
    deadline: fc.option(fc.integer({ min: 1, max: 100000 }), { nil: undefined }),
    revisionHistoryLimit: prop('revisionHistoryLimit', fc.integer({ min: 0, max: 100 }), { optional: true, invalid: badCount(0), lenient: fc.constant(null) }),
    terminationGracePeriodSeconds: prop('terminationGracePeriodSeconds', fc.oneof(fc.integer({ min: 6, max: 3600 }), fc.constant(2 ** 40)), {
      optional: true,
      invalid: fc.oneof(wrongNumbers, fc.constantFrom(-1, -30), fc.integer({ min: 0, max: 5 })),
      lenient: fc.constant(null),
    }),
    fault: fc.oneof(
      { weight: VALID_WEIGHT, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('minReadySeconds', 'progressDeadlineSeconds', 'order') },
    ),
    bad: badCount(0),
  })
  .map((t): Gen<{ minReadySeconds?: number; progressDeadlineSeconds?: number; revisionHistoryLimit?: number; terminationGracePeriodSeconds?: number }> => {
    const rest = { revisionHistoryLimit: t.revisionHistoryLimit.value, terminationGracePeriodSeconds: t.terminationGracePeriodSeconds.value };
    const restFaults = faultsOf(t.revisionHistoryLimit, t.terminationGracePeriodSeconds);
    const minReady = t.minReady ?? 5;
    const deadline = t.deadline === undefined ? (minReady < 600 ? undefined : minReady + 1) : minReady + t.deadline;
    const value = strip({ minReadySeconds: t.minReady, progressDeadlineSeconds: deadline, ...rest });
    switch (t.fault) {
      case 'minReadySeconds':
        return {
          value: { ...value, minReadySeconds: t.bad as number, progressDeadlineSeconds: 2 ** 31 - 1 },
          faults: [...restFaults, ...faulty(t.bad, 'minReadySeconds').faults],
        };
      case 'progressDeadlineSeconds':
        return { value: { ...value, progressDeadlineSeconds: t.bad as number }, faults: [...restFaults, ...faulty(t.bad, 'progressDeadlineSeconds').faults] };
      case 'order':
        return {
          value: { ...value, minReadySeconds: 600, progressDeadlineSeconds: 600 },
          faults: [...restFaults, ...faulty(600, 'progressDeadlineSeconds', true, 'deadline not above minReady').faults],
        };
      default:
        return { value, faults: restFaults };
    }
  });

/** Service type, port and node port (a node port only on a NodePort Service, unless injected). */
export function service(defaultType: ServiceType) {
  return fc
    .record({
      serviceType: prop('serviceType', fc.constantFrom(ServiceType.NODE_PORT, ServiceType.CLUSTER_IP), {
        optional: true,
        invalid: fc.constantFrom<unknown>('LoadBalancer', 'nodeport', 5),
        lenient: fc.constant(null),
      }),
      servicePort: prop('servicePort', port, { optional: true, invalid: badPorts, lenient: fc.constant(null) }),
      nodePort: prop('nodePort', fc.integer({ min: 30000, max: 32767 }), {
        optional: true,
        invalid: fc.oneof(fc.constantFrom(29999, 32768, 80, 30000.5), wrongNumbers),
      }),
      nodePortOnClusterIp: fc.oneof({ weight: VALID_WEIGHT, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    })
    .map((s) => {
      const type = s.serviceType.value ?? defaultType;
      const faults = faultsOf(s.serviceType, s.servicePort, s.nodePort);
      let nodePort = s.nodePort.value;
      if (type === ServiceType.CLUSTER_IP && s.nodePort.faults.length === 0) {
        nodePort = s.nodePortOnClusterIp ? 30001 : undefined;
        if (s.nodePortOnClusterIp) faults.push(...faulty(30001, 'nodePort', true, 'nodePort on a ClusterIP Service').faults);
      } else if (type !== ServiceType.NODE_PORT && type !== ServiceType.CLUSTER_IP) {
        nodePort = undefined;
      }
      return { value: strip({ serviceType: s.serviceType.value, servicePort: s.servicePort.value, nodePort }), faults };
    });
}

/** Sidecars: unique names, ports and port names (main container: `mainPort`, `mainPortName`). */
function sidecars(mainPort: number, mainPortName: string, servicePort: number): fc.Arbitrary<Gen<SidecarOptions[] | undefined>> {
  const one = fc.record({
    // short names (so the derived port name is the whole name), or long ones with an explicit port name
    long: fc.oneof({ weight: 8, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    short: word('abcdefghijklmnopqrstuvwxyz0123456789', 1, 10),
    longName: dns1123(58),
    image: prop('image', image, { invalid: badImages }),
    port: fc.option(port, { nil: undefined }),
    badPort: prop('port', fc.constant(undefined), { invalid: badPorts }),
    portName: fc.option(portName, { nil: undefined }),
    command: words('command'),
    args: words('args'),
    env: env(),
    resources: resources(SIDECAR_DEFAULTS),
    writablePaths: writable('writablePaths', SIDECAR_WRITABLE_POOL),
    probes: fc.boolean(),
    publish: fc.boolean(),
  });
  const fault = fc.oneof(
    { weight: VALID_WEIGHT, arbitrary: fc.constant(undefined) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'duplicate-name',
        'duplicate-port',
        'duplicate-port-name',
        'no-probes',
        'bad-name',
        'null',
        'main-name',
        'publish-no-port',
        'publish-not-boolean',
        'publish-service-port',
      ),
    },
  );
  // names whose derived port name is not a legal or not a free one as it stands
  const awkward = fc.constantFrom('log--shipper', '12345', 'http', 'metrics-exporter-a', 'metrics-exporter-b', 'a--b--c', 'x-');
  const notList = fc.constantFrom<unknown>('proxy', { name: 'proxy' }, 5).map((v) => faulty(v as SidecarOptions[], 'sidecars', true, 'not a list'));
  const list = fc
    .tuple(fc.array(fc.tuple(one, fault, fc.boolean(), fc.option(awkward, { nil: undefined, freq: 4 })), { maxLength: 3 }), fc.boolean())
    .chain(([specs, omit]) => {
      if (specs.length === 0) return fc.constant(clean<SidecarOptions[] | undefined>(omit ? undefined : []));
      const usedNames = new Set<string>();
      // (a published port must differ from the Service's port too)
      const usedPorts = new Set<number>([mainPort, servicePort]);
      const usedPortNames = new Set<string>([mainPortName]);
      let derived = false;
      const out: Array<fc.Arbitrary<Gen<SidecarOptions>>> = specs.map(([s, f, , odd], i) => {
        let n = odd !== undefined && !usedNames.has(odd) ? odd : s.long ? `side-${s.longName}`.slice(0, 63).replace(/-+$/, '') : `side-${s.short}`;
        if (odd === 'x-') n = 'x'; // (a name cannot end in "-")
        while (usedNames.has(n)) n = `${n.slice(0, 60)}${usedNames.size}`;
        usedNames.add(n);
        let p = s.port;
        if (p !== undefined) {
          while (usedPorts.has(p)) p = (p % 65535) + 1;
          usedPorts.add(p);
        }
        let pn = odd !== undefined ? undefined : s.long && p !== undefined ? `sp${i}` : s.portName;
        if (p === undefined) pn = undefined;
        // after an awkward name, whose port name the library derives, explicit names keep to "sp<i>"
        if (pn !== undefined && (usedPortNames.has(pn) || derived)) pn = `sp${i}`;
        if (odd !== undefined && p !== undefined) derived = true;
        if (p !== undefined && pn !== undefined) usedPortNames.add(pn);
        else if (p !== undefined && odd === undefined) usedPortNames.add(n.slice(0, 15));
        // the port name derived from an awkward name is the library's to choose: the default TCP probes find it
        const explicitProbes = s.probes && !(odd !== undefined && p !== undefined);
        const portNameOf = p === undefined ? undefined : (pn ?? n.slice(0, 15).replace(/-+$/, ''));
        const probes = fc.record({
          readiness: probe('readiness', portNameOf, false, [1, 3]),
          liveness: probe('liveness', portNameOf, true, [4, 10]),
          startup: probe('startup', portNameOf, true, [1, 60]),
        });
        return probes.map((pr): Gen<SidecarOptions> => {
          // readiness is always required; liveness too without a port (with one it defaults to a TCP check)
          const readiness = pr.readiness.value === undefined && pr.readiness.faults.length === 0 ? Probe.exec(['true']) : pr.readiness.value;
          const liveness =
            p === undefined && pr.liveness.value === undefined && pr.liveness.faults.length === 0
              ? Probe.exec(['/bin/check', '--alive'], { failureThreshold: 5 })
              : pr.liveness.value;
          let value: SidecarOptions = strip({
            name: n,
            image: s.image.value as string,
            port: p,
            portName: pn,
            command: s.command.value,
            args: s.args.value,
            env: s.env.value,
            readiness: explicitProbes || p === undefined ? readiness : Probe.exec(['true']),
            liveness: explicitProbes || p === undefined ? liveness : undefined,
            startup: explicitProbes || p === undefined ? pr.startup.value : undefined,
            resources: s.resources.value,
            writablePaths: s.writablePaths.value,
            publish: p !== undefined && s.publish ? true : undefined,
          });
          const faults = [
            ...faultsOf(s.image, s.command, s.args, s.env, s.resources, s.writablePaths),
            ...(explicitProbes || p === undefined ? faultsOf(pr.readiness, pr.liveness, pr.startup) : []),
          ];
          const at = (x: string) => `sidecars[${i}].${x}`;
          if (s.badPort.faults.length) {
            value = { ...value, port: s.badPort.value as unknown as number, portName: 'bad' };
            faults.push(...s.badPort.faults);
          }
          switch (f) {
            case 'duplicate-name':
              if (i > 0) {
                value = { ...value, name: [...usedNames][0] };
                faults.push(...faulty(value.name, 'name', true, 'duplicate sidecar name').faults);
              }
              break;
            case 'main-name':
              value = { ...value, name: '__MAIN__' };
              faults.push(...faulty('main name', 'name', true, 'sidecar named like the main container').faults);
              break;
            case 'duplicate-port':
              value = { ...value, port: mainPort, portName: `dp${i}` };
              faults.push(...faulty(mainPort, 'port', true, 'sidecar port of the main container').faults);
              break;
            case 'duplicate-port-name':
              value = { ...value, port: p ?? 1, portName: mainPortName };
              faults.push(...faulty(mainPortName, 'portName', true, 'port name of the main container').faults);
              break;
            case 'no-probes':
              if (p === undefined) {
                value = strip({ ...value, readiness: undefined, liveness: undefined });
                faults.push(...faulty(undefined, ['readiness', 'liveness'], true, 'no probes without a port').faults);
              } else {
                value = strip({ ...value, readiness: undefined });
                faults.push(...faulty(undefined, 'readiness', true, 'no readiness probe (it has no default)').faults);
              }
              break;
            case 'bad-name':
              value = { ...value, name: 'Bad_Name' };
              faults.push(...faulty('Bad_Name', 'name', true, 'bad sidecar name').faults);
              break;
            case 'null':
              return { value: null as unknown as SidecarOptions, faults: [{ props: [`sidecars[${i}]`], strict: true, what: 'null sidecar' }] };
            case 'publish-no-port':
              if (p === undefined) {
                value = { ...value, publish: true };
                faults.push(...faulty(true, 'publish', true, 'publish without a port').faults);
              }
              break;
            case 'publish-not-boolean':
              value = { ...value, publish: 'yes' as unknown as boolean };
              faults.push(...faulty('yes', 'publish', true, 'publish not a boolean').faults);
              break;
            case 'publish-service-port':
              if (p !== undefined) {
                value = { ...value, port: servicePort, publish: true };
                faults.push(...faulty(servicePort, ['port', 'publish'], true, 'published on the Service port').faults);
              }
              break;
          }
          return { value, faults: prefixed(faults, at('')).map((x) => ({ ...x, props: x.props.map((q) => q.replace(/^(sidecars\[\d+\])\.$/, '$1')) })) };
        });
      });
      return fc.tuple(...out).map((gens) => ({ value: gens.map((g) => g.value), faults: gens.flatMap((g) => g.faults) }));
    });
  return fc.oneof({ weight: VALID_WEIGHT, arbitrary: list }, { weight: 1, arbitrary: notList as fc.Arbitrary<Gen<SidecarOptions[] | undefined>> });
}

/** Whether the grace period was made invalid by a value of 0-5 (invalid against the default preStop delay of 5 only). */
function lowGrace(timings: Gen<{ terminationGracePeriodSeconds?: number }>): boolean {
  const g = timings.value.terminationGracePeriodSeconds;
  return typeof g === 'number' && Number.isInteger(g) && g >= 0 && g <= 5 && timings.faults.some((f) => f.props.includes('terminationGracePeriodSeconds'));
}

/** The client Service's port of the generated service props (80 unless set as a valid port). */
function servicePortOf(service: { servicePort?: unknown }): number {
  return typeof service.servicePort === 'number' && Number.isInteger(service.servicePort) && service.servicePort >= 1 && service.servicePort <= 65535
    ? service.servicePort
    : 80;
}

/** One web tier: props and what was injected. */
export const webCase: fc.Arbitrary<WebCase> = fc
  .record({
    identity: identity(63),
    image: prop('image', image, { invalid: badImages }),
    metadata,
    scale,
    rollout,
    timings,
    service: service(ServiceType.NODE_PORT),
    port: prop('port', port, { optional: true, invalid: badPorts, lenient: fc.constant(null) }),
    portName: prop('portName', portName, { optional: true, invalid: badPortNames, lenient: fc.constant(null) }),
    command: words('command'),
    args: words('args'),
    env: env(),
    configFiles: fc.oneof(
      { weight: VALID_WEIGHT, arbitrary: fc.constant(clean<{ [k: string]: string } | undefined>(undefined)) },
      {
        weight: VALID_WEIGHT / 2,
        arbitrary: mapOf('configFiles', fc.constantFrom('app.json', 'nginx.conf', '.env', 'a_b-c.d', 'x'), fc.string({ maxLength: 40, unit: 'grapheme' }), {
          badKeys: fc.constantFrom('a/b', '', '..', 'a b', 'ä.conf'),
          badValues: fc.constantFrom<unknown>(5, {}, true),
          keyProp: 'configFiles key',
        }),
      },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom<unknown>(null, 'app.conf')
          .map((v) => faulty(v as { [k: string]: string }, 'configFiles', false, 'configFiles of the wrong type')),
      },
    ),
    configMountPath: prop('configMountPath', absolutePath(CONFIG_POOL), {
      optional: true,
      invalid: fc.oneof(badPaths, fc.constant('/tmp')),
      lenient: fc.constant(null),
    }),
    sharedPath: prop('sharedPath', absolutePath(SHARED_POOL), { optional: true, invalid: badPaths, lenient: fc.constant(null) }),
    writablePaths: writable('writablePaths', WRITABLE_POOL),
    resources: resources(WEB_DEFAULTS),
    security: security(),
    pod: podSettings,
    preStopDelaySeconds: prop('preStopDelaySeconds', fc.integer({ min: 0, max: 5 }), {
      optional: true,
      invalid: fc.oneof(wrongNumbers, fc.constantFrom(-1, 3601)),
      lenient: fc.constant(null),
    }),
    expressions: fc.array(
      fc.record({
        op: fc.constantFrom('in', 'notIn', 'exists', 'doesNotExist'),
        pick: fc.nat(),
        extra: word('abcdefghijklmnopqrstuvwxyz0123456789', 1, 8),
        fault: fc.oneof(
          { weight: VALID_WEIGHT, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constantFrom('mismatch', 'bad-key', 'empty', 'version', 'plain') },
        ),
      }),
      { maxLength: 3 },
    ),
    undefinedProps: fc.oneof({ weight: 4 * VALID_WEIGHT, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  })
  .chain((r) => {
    const portNameValue = r.portName.value ?? 'http';
    const mainPort = typeof r.port.value === 'number' ? r.port.value : 8080;
    return fc
      .record({
        readiness: probe('readiness', portNameValue, false, [1, 3]),
        liveness: probe('liveness', portNameValue, true, [4, 10]),
        startup: probe('startup', portNameValue, true, [1, 60]),
        sameProbes: fc.oneof({ weight: VALID_WEIGHT, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
        sidecars: sidecars(mainPort, typeof portNameValue === 'string' ? portNameValue : 'http', servicePortOf(r.service.value)),
      })
      .map((q): WebCase => {
        if (r.undefinedProps)
          return { props: undefined as unknown as StatelessWebTierProps, faults: [{ props: ['props'], strict: true, what: 'props undefined' }] };
        const faults: Fault[] = faultsOf(
          r.identity.name,
          r.identity.namespace,
          r.identity.serviceAccountName,
          r.image,
          r.metadata.instance,
          r.metadata.partOf,
          r.metadata.version,
          r.metadata.component,
          r.metadata.labels,
          r.metadata.annotations,
          r.scale,
          r.rollout,
          r.timings,
          r.service,
          r.port,
          r.portName,
          r.command,
          r.args,
          r.env,
          r.configFiles,
          r.configMountPath,
          r.sharedPath,
          r.writablePaths,
          r.resources,
          r.security,
          r.pod,
          lowGrace(r.timings) ? undefined : r.preStopDelaySeconds,
          q.readiness,
          q.liveness,
          q.startup,
          q.sidecars,
        );
        const tierName = r.identity.name.value ?? 'web';
        // '__MAIN__' asks for the main container's name (a fault); any other sidecar keeps clear of it
        const sidecarList = Array.isArray(q.sidecars.value)
          ? q.sidecars.value.map((s) => {
              if (s && s.name === '__MAIN__') return { ...s, name: tierName };
              return s && s.name === tierName ? { ...s, name: `${s.name.slice(0, 58)}-side` } : s;
            })
          : q.sidecars.value;
        let liveness = q.liveness.value;
        if (q.sameProbes) {
          liveness = q.readiness.value ?? Probe.httpGet('/', { periodSeconds: 5 });
          faults.push(...faulty('the readiness probe', 'liveness', true, 'liveness same as readiness').faults);
        }
        // configMountPath without configFiles has no effect: only injected on purpose
        let configMountPath = r.configMountPath.value;
        if (r.configFiles.value === undefined && r.configMountPath.faults.length === 0) configMountPath = undefined;
        // selector expressions that the pod labels satisfy (unless injected)
        const labels = r.metadata.labels.value;
        const userLabels: Record<string, unknown> = labels && typeof labels === 'object' ? { ...labels } : {};
        for (const k of Object.keys(userLabels)) if (k.startsWith('app.kubernetes.io/')) delete userLabels[k];
        const known: Array<[string, unknown]> = [
          ...Object.entries(userLabels),
          ['app.kubernetes.io/name', tierName],
          ['app.kubernetes.io/instance', r.metadata.instance.value ?? tierName],
        ];
        const expressions = r.expressions.map((e, i): LabelExpression => {
          const [key, value] = known[e.pick % known.length];
          const at = `selectorExpressions[${i}]`;
          switch (e.fault) {
            case 'mismatch':
              faults.push(...faulty(e.extra, at, true, 'expression the labels do not satisfy').faults);
              return LabelExpression.in(key, [`${e.extra}-no`]);
            case 'bad-key':
              faults.push(...faulty('bad key', at, true, 'bad expression key').faults);
              return LabelExpression.exists('bad key');
            case 'empty':
              faults.push(...faulty([], at, true, 'In without values').faults);
              return LabelExpression.in(key, []);
            case 'version':
              faults.push(...faulty('version', at, true, 'expression on the version label').faults);
              return LabelExpression.exists('app.kubernetes.io/version');
            case 'plain':
              faults.push(...faulty({}, at, true, 'not a LabelExpression').faults);
              return { key, operator: 'Exists' } as unknown as LabelExpression;
          }
          switch (e.op) {
            case 'in':
              return LabelExpression.in(key, [...new Set([value as string, e.extra])]);
            case 'notIn':
              return LabelExpression.notIn(key, [e.extra === value ? `${e.extra}x` : e.extra]);
            case 'exists':
              return LabelExpression.exists(key);
            default:
              return LabelExpression.doesNotExist('example.com/absent');
          }
        });
        const props = strip({
          image: r.image.value as string,
          name: r.identity.name.value,
          namespace: r.identity.namespace.value,
          serviceAccountName: r.identity.serviceAccountName.value,
          instance: r.metadata.instance.value,
          partOf: r.metadata.partOf.value,
          version: r.metadata.version.value,
          component: r.metadata.component.value,
          labels: r.metadata.labels.value,
          annotations: r.metadata.annotations.value,
          ...r.scale.value,
          rollout: r.rollout.value,
          ...r.timings.value,
          ...r.service.value,
          port: r.port.value,
          portName: r.portName.value,
          command: r.command.value,
          args: r.args.value,
          env: r.env.value,
          configFiles: r.configFiles.value,
          configMountPath,
          sharedPath: r.sharedPath.value,
          writablePaths: r.writablePaths.value,
          resources: r.resources.value,
          security: r.security.value,
          ...podProps(r.pod, tierName),
          // a grace period of 0-5 is wrong only against a preStop delay of at least that (the default 5)
          preStopDelaySeconds: lowGrace(r.timings) ? undefined : r.preStopDelaySeconds.value,
          selectorExpressions: expressions.length ? expressions : undefined,
          readiness: q.readiness.value,
          liveness,
          startup: q.startup.value,
          sidecars: sidecarList,
        }) as StatelessWebTierProps;
        const sa = r.identity.serviceAccountName;
        const ns = r.identity.namespace;
        const serviceAccount =
          sa.faults.length === 0 && ns.faults.length === 0 && typeof sa.value === 'string' ? { name: sa.value, namespace: ns.value } : undefined;
        return { props, faults, serviceAccount };
      });
  });
