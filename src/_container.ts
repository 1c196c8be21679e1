/**
 * One hardened container: image, port, env, probes, resources and mounts,
 * checked once and rendered at synth (env can still grow through connections).
 */
import { k8s } from './_k8s';
import { Problems, show } from './_errors';
import { withRegistry } from './_image';
import { containerSecurityContext } from './_pod';
import { checkImage, checkMap, checkPort, checkPortName, checkStringList, entryProp, isDns1123Label, isEnvName } from './_rules';
import { EnvValue } from './env';
import { Probe } from './probe';
import { has } from './_json';

/** Everything a container is made of. */
export interface ContainerInput {
  readonly name: string;
  /** The image (unset only when `unbound`). */
  readonly image?: string;
  readonly port?: number;
  readonly portName?: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: { [name: string]: EnvValue };
  readonly readiness?: Probe;
  readonly liveness?: Probe;
  readonly startup?: Probe;
  readonly resources: k8s.ResourceRequirements;
  /** Mounts it starts with. @default - none */
  readonly volumeMounts?: k8s.VolumeMount[];
  /** Seconds the container waits in a preStop hook before it gets SIGTERM. @default 0 - no hook */
  readonly preStopDelaySeconds?: number;
  /**
   * Prop names for messages about the image, port and port name when the user
   * gave them elsewhere (e.g. `engine.image`). @default - `<prefix>image`, `<prefix>port`, `<prefix>portName`
   */
  readonly propNames?: { readonly image?: string; readonly port?: string; readonly portName?: string };
  /** The name was checked already, by a stricter rule (the main container is named like its tier). @default false */
  readonly nameChecked?: boolean;
  /** An init container: it runs to completion before the others start, so it has no probes. @default false */
  readonly init?: boolean;
  /** The folder the process starts in. @default - the image's */
  readonly workingDir?: string;
  /**
   * The image, port and probes come from something that is not there (a database engine that is not one, reported
   * as such): their absence is not reported again, and the container is never rendered. @default false
   */
  readonly unbound?: boolean;
}

export class ContainerBuilder {
  /** The tag of the image (for the version label), when it has one. */
  public readonly imageTag?: string;
  /**
   * The environment variables, in the order added: name and value after each other in one list, looked up in
   * turn (a container has a few), grown by a copy one pair longer (a Map, or a push, keeps room for more).
   */
  private env: ReadonlyArray<string | EnvValue> = [];
  /** (grown by a copy one longer: a push leaves room for 16 more, kept for the life of the tree) */
  private mounts: k8s.VolumeMount[];

  constructor(
    private readonly problems: Problems,
    private readonly prop: string,
    private readonly input: ContainerInput,
  ) {
    // (the message is made only when it is reported: this runs for every container)
    if (!(input.nameChecked || isDns1123Label(input.name))) {
      problems.add({
        prop: `${prop}name`,
        value: input.name,
        rule: 'a container name must be a DNS-1123 label (lower-case letters, digits, "-", at most 63)',
        fix: 'use a name like "app" or "log-shipper"',
      });
    }
    const names = input.propNames ?? {};
    this.imageTag = input.unbound ? undefined : checkImage(problems, names.image ?? `${prop}image`, input.image);
    if (input.port !== undefined) checkPort(problems, names.port ?? `${prop}port`, input.port);
    if (input.portName !== undefined) checkPortName(problems, names.portName ?? `${prop}portName`, input.portName);
    if (input.command !== undefined && input.command !== null) checkStringList(problems, `${prop}command`, input.command);
    if (input.args !== undefined && input.args !== null) checkStringList(problems, `${prop}args`, input.args);
    this.checkProbes();
    this.addEnvMap(checkMap(problems, `${prop}env`, input.env, "{ LOG_LEVEL: EnvValue.fromValue('info') }"), `${prop}env`);
    this.mounts = input.volumeMounts ? [...input.volumeMounts] : [];
  }

  /** The container name. */
  public get name(): string {
    return this.input.name;
  }

  /** The container port, if it has one. */
  public get port(): number | undefined {
    return this.input.port;
  }

  /** The container port name, if it has a port. */
  public get portName(): string | undefined {
    return this.input.port !== undefined ? this.input.portName : undefined;
  }

  /** Adds an environment variable (`prop` names it in messages); a name given twice is a problem. */
  public addEnv(name: string, value: EnvValue, prop: string): void {
    this.putEnv(name, value, prop, undefined);
  }

  /** Adds every variable of the map `env` (if any), each named `prop["NAME"]` in messages; a name given twice is a problem. */
  public addEnvMap(env: { readonly [name: string]: EnvValue } | undefined, prop: string): void {
    // (own enumerable keys, as Object.entries gives them, without its pairs; the prop of a variable is made only for a message)
    for (const name in env) if (has(env, name)) this.putEnv(name, env[name], prop, name);
  }

  /** Adds one variable, named `entryProp(prop, key)` in messages. */
  private putEnv(name: string, value: EnvValue, prop: string, key: string | undefined): void {
    if (!(
      isEnvName(name) ||
      this.problems.fail({
        prop: entryProp(prop, key),
        value: name,
        rule: 'an environment variable name must consist of letters, digits, "_", "-" or "." and not start with a digit',
        fix: 'rename the variable, e.g. "DATABASE_HOST"',
      })
    ))
      return;
    if (this.hasEnv(name)) {
      this.problems.add({
        prop: entryProp(prop, key),
        value: name,
        rule: `container ${show(this.input.name)} already has an environment variable of that name`,
        fix: 'remove one of the two definitions, or connect with another envPrefix',
      });
      return;
    }
    if (!(
      value instanceof EnvValue ||
      this.problems.fail({
        prop: entryProp(prop, key),
        value,
        rule: 'must be an EnvValue',
        fix: 'use EnvValue.fromValue(...), EnvValue.fromSecretKey(...) or EnvValue.fromConfigMapKey(...)',
      })
    ))
      return;
    value._check(this.problems, prop, name, key);
    this.env = this.env.concat([name, value]);
  }

  private hasEnv(name: string): boolean {
    for (let i = 0; i < this.env.length; i += 2) if (this.env[i] === name) return true;
    return false;
  }

  /** The environment variables as a container has them. */
  private renderEnv(): k8s.EnvVar[] {
    const out: k8s.EnvVar[] = [];
    for (let i = 0; i < this.env.length; i += 2) out.push((this.env[i + 1] as EnvValue)._render(this.env[i] as string));
    return out;
  }

  /** Mounts one more volume. */
  public addMount(mount: k8s.VolumeMount): void {
    this.mounts = this.mounts.concat([mount]);
  }

  /** Whether this container mounts a volume at `path`. */
  public mountsAt(path: string): boolean {
    return this.mounts.some((m) => m.mountPath === path);
  }

  private checkProbes(): void {
    const { readiness, liveness, startup } = this.input;
    // (one call per probe rather than a loop over a list of them: this runs for every container of every tier)
    this.checkProbe('readiness', readiness, false);
    this.checkProbe('liveness', liveness, true);
    this.checkProbe('startup', startup, true);
    this.checkRequired('readiness', readiness);
    this.checkRequired('liveness', liveness);
    if (readiness instanceof Probe && liveness instanceof Probe) {
      if (readiness._sameHandler(liveness, this.portName))
        this.problems.add({
          prop: `${this.prop}liveness`,
          value: 'the same handler as readiness',
          rule: 'liveness and readiness must use different handlers: a liveness probe that fails with readiness restarts pods that are only busy',
          fix: "give liveness another handler than readiness (e.g. Probe.tcpSocket() against Probe.httpGet('/ready'), or another path)",
        });
    }
  }

  /** Checks the probe `what` (`single`: it must succeed once), and that a port it probes is the container's. */
  private checkProbe(what: string, probe: Probe | undefined, single: boolean): void {
    if (probe === undefined) return;
    if (!(probe instanceof Probe)) {
      this.problems.add({
        prop: `${this.prop}${what}`,
        value: probe,
        rule: 'must be a Probe',
        fix: 'use Probe.httpGet(...), Probe.tcpSocket() or Probe.exec([...])',
      });
      return;
    }
    probe._check(this.problems, `${this.prop}${what}`, single);
    if (this.input.unbound) return; // (the port it probes comes with what is not there)
    const portName = probe._portName(this.portName);
    if (portName === undefined && probe._portName('x') !== undefined) {
      this.problems.add({
        prop: `${this.prop}${what}`,
        value: 'a port probe',
        rule: 'probes a port, but the container has no port',
        fix: 'give the container a port, or use Probe.exec([...])',
      });
    } else if (portName !== undefined && portName !== this.portName) {
      this.problems.add({
        prop: `${this.prop}${what}.portName`,
        value: portName,
        rule: `names a port the container does not declare (it declares ${show(this.portName ?? 'none')})`,
        fix: 'leave portName out to probe the container port',
      });
    }
  }

  /** Every container but an init container has a readiness and a liveness probe. */
  private checkRequired(what: string, probe: Probe | undefined): void {
    if (probe !== undefined || this.input.init === true || this.input.unbound === true) return;
    this.problems.add({
      prop: `${this.prop}${what}`,
      value: probe,
      rule: `every container needs a ${what} probe`,
      fix: `give ${what} as Probe.httpGet(...), Probe.tcpSocket() or Probe.exec([...])`,
    });
  }

  /** The container as Kubernetes expects it, its image pulled from `imageRegistry` when one is given. */
  public render(imageRegistry?: string): k8s.Container {
    const i = this.input;
    const portName = this.portName;
    const probe = (p: Probe | undefined) => (p instanceof Probe ? p._render(portName) : undefined);
    return {
      name: i.name,
      ...(i.image !== undefined ? { image: withRegistry(i.image, imageRegistry) } : {}),
      imagePullPolicy: 'Always',
      // (a command or args that is not a list is reported; it is left out here)
      ...(Array.isArray(i.command) ? { command: [...i.command] } : {}),
      ...(Array.isArray(i.args) ? { args: [...i.args] } : {}),
      ...(i.workingDir ? { workingDir: i.workingDir } : {}),
      ...(i.port !== undefined ? { ports: [{ name: portName, containerPort: i.port, protocol: 'TCP' }] } : {}),
      ...(this.env.length ? { env: this.renderEnv() } : {}),
      resources: i.resources,
      securityContext: containerSecurityContext(),
      ...(i.readiness ? { readinessProbe: probe(i.readiness) } : {}),
      ...(i.liveness ? { livenessProbe: probe(i.liveness) } : {}),
      ...(i.startup ? { startupProbe: probe(i.startup) } : {}),
      ...(i.preStopDelaySeconds ? { lifecycle: { preStop: { exec: { command: ['sleep', String(i.preStopDelaySeconds)] } } } } : {}),
      terminationMessagePolicy: 'FallbackToLogsOnError',
      volumeMounts: [...this.mounts],
    };
  }
}
