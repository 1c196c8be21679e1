/**
 * One pod of a rendered StatefulSet as processes: its init containers run to
 * their end in order, then its containers start, each in its own sandbox with
 * exactly what the pod spec gives it, and its probes run as the kubelet runs them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Manifest } from '../util';
import { ImageRuntime, imageRuntime } from './images';
import { NetHost } from './net';
import { containerArgv, containerEnv, PodObjects } from './pod-env';
import { poll, run, RunResult } from './process';
import { ContainerProcess, Mount, RunningContainer, runToEnd } from './sandbox';
import { makeVolumes } from './volumes';

/** Most time any probe or init container is given here, whatever the spec allows (keeps the suite short). */
const PROBE_CAP_MS = 90000;
const INIT_CAP_MS = 120000;
/** Most grace time on stop. */
const GRACE_CAP_MS = 30000;
/** How often a probe is retried while waiting (the spec's periodSeconds would only slow the suite). */
const RETRY_MS = 500;

export type ProbeKind = 'startupProbe' | 'readinessProbe' | 'livenessProbe';

/** Where the pod lives. */
export interface PodPlace {
  readonly host: NetHost;
  /** The node's namespace, where tcpSocket and httpGet probes come from. */
  readonly nodeNetns: string;
  readonly hostsFile: string;
  readonly podDir: string;
  readonly claimsDir: string;
  readonly objects: Manifest[];
  /** The harness's folder of all pods and claims, hidden from the pod's sandbox. */
  readonly hiddenDir: string;
}

export class Pod {
  public readonly name: string;
  public readonly namespace: string;
  public readonly labels: { [k: string]: string };
  /** Whether its readiness probe has passed (and it was not stopped since). */
  public ready = false;
  private readonly containers: RunningContainer[] = [];

  constructor(
    public readonly sts: Manifest,
    public readonly ordinal: number,
    public readonly place: PodPlace,
  ) {
    this.name = `${sts.metadata.name}-${ordinal}`;
    this.namespace = sts.metadata.namespace ?? 'default';
    // the StatefulSet controller adds these two labels to every pod
    this.labels = { ...sts.spec.template.metadata?.labels, 'statefulset.kubernetes.io/pod-name': this.name, 'apps.kubernetes.io/pod-index': String(ordinal) };
  }

  public get address(): string {
    return this.place.host.address;
  }

  /** Runs the init containers, starts the containers and waits for startup and readiness. */
  public async start(): Promise<void> {
    const spec = this.sts.spec.template.spec;
    const objects: PodObjects = { objects: this.place.objects, namespace: this.namespace, podName: this.name, podIP: this.address };
    const volumes = makeVolumes(this.sts, objects, this.place.podDir, this.place.claimsDir, this.ordinal);
    const processOf = (c: Manifest): ContainerProcess => {
      const image = imageRuntime(c.image);
      const sc = { ...spec.securityContext, ...c.securityContext };
      if (sc.readOnlyRootFilesystem !== true) throw new Error(`${this.name}/${c.name}: the harness runs only containers with readOnlyRootFilesystem: true`);
      if (sc.runAsUser === undefined || sc.runAsUser === 0)
        throw new Error(`${this.name}/${c.name}: the harness runs only containers with a non-root runAsUser (the image's USER is not modelled)`);
      const env = containerEnv(c, image, objects);
      const groups = [spec.securityContext?.fsGroup, ...(spec.securityContext?.supplementalGroups ?? [])].filter((g): g is number => g !== undefined);
      return {
        label: `${this.name}/${c.name}`,
        netns: this.place.host.netns,
        hostname: this.name,
        hostsFile: this.place.hostsFile,
        mounts: [...volumes.mountsOf(c), ...this.imageFiles(image)],
        uid: sc.runAsUser,
        gid: sc.runAsGroup ?? 0,
        groups,
        noNewPrivs: sc.allowPrivilegeEscalation === false,
        dropAllCapabilities: (sc.capabilities?.drop ?? []).includes('ALL'),
        env,
        argv: containerArgv(c, image, env, this.name),
        workingDir: c.workingDir ?? image.workingDir,
        logFile: path.join(this.place.podDir, `${c.name}.log`),
        stopSignal: image.stopSignal,
        hidden: [this.place.hiddenDir],
      };
    };
    for (const c of spec.initContainers ?? []) {
      const p = processOf(c);
      const result = await runToEnd(p, INIT_CAP_MS);
      if (result.code !== 0) throw new Error(`${p.label}: init container exited ${result.code}${result.timedOut ? ' (timed out)' : ''}:\n${this.log(c.name)}`);
    }
    for (const c of spec.containers) this.containers.push(await RunningContainer.start(processOf(c)));
    for (const c of spec.containers) {
      if (c.startupProbe && !(await this.waitFor(c.name, 'startupProbe')))
        throw new Error(`${this.name}/${c.name}: startup probe did not pass:\n${this.log(c.name)}`);
    }
    for (const c of spec.containers) {
      if (c.readinessProbe && !(await this.waitFor(c.name, 'readinessProbe')))
        throw new Error(`${this.name}/${c.name}: readiness probe did not pass:\n${this.log(c.name)}`);
    }
    this.ready = true;
  }

  /** Runs one probe of container `name` once, as the kubelet does; true when it succeeds. */
  public async probe(name: string, kind: ProbeKind): Promise<boolean> {
    const c = this.containerSpec(name);
    const probe = c[kind];
    if (!probe) throw new Error(`${this.name}/${name} has no ${kind}`);
    const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
    if (probe.exec) return (await this.exec(name, probe.exec.command, timeoutMs)).code === 0;
    const port = this.portOf(c, (probe.tcpSocket ?? probe.httpGet).port);
    const node = ['ip', 'netns', 'exec', this.place.nodeNetns];
    if (probe.tcpSocket) {
      const r = await run(node[0], [...node.slice(1), 'bash', '-c', `exec 3<>/dev/tcp/${this.address}/${port}`], { timeoutMs, allowFailure: true });
      return r.code === 0;
    }
    if (probe.httpGet) {
      const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
      const url = `${scheme}://${this.address}:${port}${probe.httpGet.path ?? '/'}`;
      const r = await run(node[0], [...node.slice(1), 'curl', '-sk', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', String(timeoutMs / 1000), url], {
        timeoutMs: timeoutMs + 1000,
        allowFailure: true,
      });
      const status = Number(r.stdout);
      return status >= 200 && status < 400;
    }
    throw new Error(`${this.name}/${name}: the harness does not model the probe ${JSON.stringify(probe)}`);
  }

  /** Retries a probe until it passes, within what its spec allows (capped). */
  public async waitFor(name: string, kind: ProbeKind): Promise<boolean> {
    const probe = this.containerSpec(name)[kind];
    const allowedMs = ((probe.initialDelaySeconds ?? 0) + (probe.failureThreshold ?? 3) * (probe.periodSeconds ?? 10)) * 1000;
    const budget = Math.min(allowedMs, PROBE_CAP_MS);
    const container = this.container(name);
    let exited = false;
    const passed = await poll(
      async () => {
        exited = container.exit !== undefined;
        return exited || this.probe(name, kind);
      },
      Math.ceil(budget / RETRY_MS),
      RETRY_MS,
      budget,
    );
    return passed && !exited;
  }

  /** `kubectl exec` into container `name`. */
  public exec(name: string, argv: string[], timeoutMs = 10000, input?: string): Promise<RunResult> {
    return this.container(name).exec(argv, timeoutMs, input);
  }

  /** Stops every container as the kubelet does on delete: SIGTERM, SIGKILL after the grace period (capped). */
  public async stop(): Promise<number[]> {
    this.ready = false;
    const graceMs = Math.min((this.sts.spec.template.spec.terminationGracePeriodSeconds ?? 30) * 1000, GRACE_CAP_MS);
    const codes = await Promise.all(this.containers.map((c) => c.stop(graceMs)));
    this.containers.length = 0;
    return codes;
  }

  /** Kills what still runs (cleanup after a failure). */
  public kill(): void {
    for (const c of this.containers) c.kill();
  }

  /** What container `name` printed so far (its last `tail` characters). */
  public log(name: string, tail = 4000): string {
    const file = path.join(this.place.podDir, `${name}.log`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-tail) : '(no output)';
  }

  /**
   * The image's own files as read-only mounts, copied first into the pod's folder (readable
   * by any uid, wherever the repository is checked out) with mode 0755.
   */
  private imageFiles(image: ImageRuntime): Mount[] {
    return Object.entries(image.files ?? {}).map(([target, source]) => {
      const copy = path.join(this.place.podDir, 'image', target);
      fs.mkdirSync(path.dirname(copy), { recursive: true, mode: 0o755 });
      fs.copyFileSync(source, copy);
      fs.chmodSync(copy, 0o755);
      return { source: copy, target, readOnly: true };
    });
  }

  private container(name: string): RunningContainer {
    const c = this.containers.find((x) => x.spec.label === `${this.name}/${name}`);
    if (!c) throw new Error(`${this.name}: no running container ${name}`);
    return c;
  }

  private containerSpec(name: string): Manifest {
    const c = this.sts.spec.template.spec.containers.find((x: Manifest) => x.name === name);
    if (!c) throw new Error(`${this.name}: no container ${name} in the pod spec`);
    return c;
  }

  private portOf(c: Manifest, port: number | string): number {
    if (typeof port === 'number') return port;
    const named = (c.ports ?? []).find((p: Manifest) => p.name === port);
    if (!named) throw new Error(`${this.name}/${c.name}: probe port "${port}" names no container port`);
    return named.containerPort;
  }
}
