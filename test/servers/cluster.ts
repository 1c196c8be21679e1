/**
 * A one-node "cluster" for the real-server tests: the rendered objects (plus the
 * Secrets and ConfigMaps the test gives), a network of namespaces, the pods of
 * StatefulSets, client sandboxes, and the DNS names of pods and Services in every
 * pod's /etc/hosts. `dispose()` ends every process and deletes every namespace and
 * folder it made, also after a failure.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { find, mainContainer, Manifest } from '../util';
import { NetHost, PodNetwork } from './net';
import { Pod } from './pod';
import { containerEnv } from './pod-env';
import { RunResult } from './process';
import { runToEnd } from './sandbox';

/** The cluster domain of the DNS names. */
const DOMAIN = 'cluster.local';
/** uid and gid of client sandboxes (nobody). */
const CLIENT_UID = 65534;

/** A client: a namespace with its own address and hosts file, to run commands from. */
export interface Client {
  readonly host: NetHost;
  /** Runs `argv` in a fresh sandbox (read-only root, uid nobody) in the client's namespace. */
  run(argv: string[], env?: { [name: string]: string }, timeoutMs?: number): Promise<RunResult>;
}

export class ServerCluster {
  public static async create(objects: Manifest[]): Promise<ServerCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiers-servers-'));
    // traversable by the pods' uids (their folders are below)
    fs.chmodSync(dir, 0o755);
    try {
      return new ServerCluster(objects, dir, await PodNetwork.create());
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  public readonly pods: Pod[] = [];
  private readonly hostsFiles: { file: string; own: { address: string; names: string[] } }[] = [];
  private readonly claimsDir: string;
  private podCount = 0;

  private constructor(
    public readonly objects: Manifest[],
    public readonly dir: string,
    private readonly network: PodNetwork,
  ) {
    this.claimsDir = path.join(dir, 'claims');
    fs.mkdirSync(this.claimsDir, { mode: 0o755 });
  }

  /** Starts pod `ordinal` of StatefulSet `name` (a fresh pod, address and folders; the claims are kept). */
  public async startPod(name: string, ordinal: number): Promise<Pod> {
    const sts = find(this.objects, 'StatefulSet', name);
    if (ordinal < 0 || ordinal >= (sts.spec.replicas ?? 1))
      throw new Error(`StatefulSet ${name} has no ordinal ${ordinal} (replicas: ${sts.spec.replicas ?? 1})`);
    const podName = `${name}-${ordinal}`;
    const host = await this.network.addHost(podName);
    const podDir = path.join(this.dir, 'pods', `${podName}-${++this.podCount}`);
    fs.mkdirSync(podDir, { recursive: true, mode: 0o755 });
    const hostsFile = this.addHostsFile(podDir, host.address, this.podNames(sts, podName));
    const pod = new Pod(sts, ordinal, {
      host,
      nodeNetns: this.network.node.netns,
      hostsFile,
      podDir,
      claimsDir: this.claimsDir,
      objects: this.objects,
      hiddenDir: this.dir,
    });
    this.pods.push(pod);
    this.refreshDns();
    try {
      await pod.start();
    } finally {
      this.refreshDns();
    }
    return pod;
  }

  /** Starts every pod of StatefulSet `name`, one after the other (OrderedReady). */
  public async startStatefulSet(name: string): Promise<Pod[]> {
    const sts = find(this.objects, 'StatefulSet', name);
    const pods: Pod[] = [];
    for (let i = 0; i < (sts.spec.replicas ?? 1); i++) pods.push(await this.startPod(name, i));
    return pods;
  }

  /**
   * Runs a pod of `template` (a CronJob's pod template, or one made from it as `kubectl create job --from=cronjob/...`
   * makes it) in `namespace` to its end, as pod `<name>-0` with its own address: its containers run one after the
   * other, as init containers do (a Job pod of one container, like the backup's, runs the same way). Resolves with
   * what the containers printed; rejects with it when one exits non-zero. Claims it names are the same folders as
   * the StatefulSets' claims of those names.
   */
  public async runPodToEnd(name: string, namespace: string, template: Manifest): Promise<string> {
    const host = await this.network.addHost(name);
    const podDir = path.join(this.dir, 'pods', `${name}-${++this.podCount}`);
    fs.mkdirSync(podDir, { recursive: true, mode: 0o755 });
    const hostsFile = this.addHostsFile(podDir, host.address, [`${name}-0`]);
    this.refreshDns();
    const spec = template.spec;
    // a StatefulSet of one pod whose containers are all init containers: the Pod runs those to their end, in order
    const sts = {
      kind: 'StatefulSet',
      metadata: { name, namespace },
      spec: {
        replicas: 1,
        template: { metadata: template.metadata, spec: { ...spec, initContainers: [...(spec.initContainers ?? []), ...spec.containers], containers: [] } },
      },
    };
    const place = { host, nodeNetns: this.network.node.netns, hostsFile, podDir, claimsDir: this.claimsDir, objects: this.objects, hiddenDir: this.dir };
    const pod = new Pod(sts, 0, place);
    await pod.start();
    return spec.containers.map((c: Manifest) => pod.log(c.name)).join('');
  }

  /** Deletes a pod: stops its containers and removes it from DNS (its claims stay). */
  public async deletePod(pod: Pod): Promise<number[]> {
    const codes = await pod.stop();
    this.pods.splice(this.pods.indexOf(pod), 1);
    this.refreshDns();
    return codes;
  }

  /** A client in a namespace of its own. */
  public async client(name: string): Promise<Client> {
    const host = await this.network.addHost(name);
    const dir = path.join(this.dir, 'clients', name);
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
    const hostsFile = this.addHostsFile(dir, host.address, [name]);
    this.refreshDns();
    return {
      host,
      run: (argv, env = {}, timeoutMs = 30000) =>
        runToEnd(
          {
            label: `client ${name}`,
            netns: host.netns,
            hostname: name,
            hostsFile,
            mounts: [],
            uid: CLIENT_UID,
            gid: CLIENT_UID,
            groups: [],
            noNewPrivs: true,
            dropAllCapabilities: true,
            env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...env },
            argv,
            workingDir: '/',
            logFile: path.join(dir, 'client.log'),
            hidden: [this.dir],
          },
          timeoutMs,
        ),
    };
  }

  /** The env the kubelet would give the first container of workload `kind`/`name` (e.g. a connectTo client), the image's env left out. */
  public workloadEnv(kind: string, name: string, podIP: string): { [name: string]: string } {
    const workload = find(this.objects, kind, name);
    const namespace = workload.metadata.namespace ?? 'default';
    return containerEnv(
      mainContainer(workload),
      { entrypoint: [], cmd: [], env: {}, workingDir: '/' },
      { objects: this.objects, namespace, podName: `${name}-0`, podIP },
    );
  }

  /**
   * The pods a Service sends to, by its selector over the running pods' labels:
   * every selected pod for a headless Service that publishes not-ready addresses,
   * else the ready ones.
   */
  public endpoints(serviceName: string, namespace: string): Pod[] {
    const svc = this.objects.find((o) => o.kind === 'Service' && o.metadata?.name === serviceName && (o.metadata?.namespace ?? 'default') === namespace);
    if (!svc) throw new Error(`no Service ${namespace}/${serviceName} among the objects`);
    const selector: { [k: string]: string } = svc.spec.selector ?? {};
    return this.pods.filter(
      (p) =>
        p.namespace === namespace && Object.entries(selector).every(([k, v]) => p.labels[k] === v) && (p.ready || svc.spec.publishNotReadyAddresses === true),
    );
  }

  /** Stops every process, deletes every namespace and the cluster's folder. */
  public async dispose(): Promise<void> {
    try {
      for (const pod of this.pods) pod.kill();
      await Promise.all(this.pods.map((p) => p.stop()));
      this.pods.length = 0;
    } finally {
      await this.network.dispose();
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }

  /** The DNS names of pod `podName` of `sts`: its hostname and its names under the governing Service. */
  private podNames(sts: Manifest, podName: string): string[] {
    const ns = sts.metadata.namespace ?? 'default';
    const svc = sts.spec.serviceName;
    return [`${podName}.${svc}.${ns}.svc.${DOMAIN}`, `${podName}.${svc}.${ns}.svc`, `${podName}.${svc}.${ns}`, `${podName}.${svc}`, podName];
  }

  private addHostsFile(dir: string, address: string, names: string[]): string {
    const file = path.join(dir, 'hosts');
    fs.writeFileSync(file, '', { mode: 0o644 });
    this.hostsFiles.push({ file, own: { address, names } });
    return file;
  }

  /**
   * Rewrites every hosts file (in place, so the bind mounts see it): the pod's own
   * names, every pod's per-replica names (what the headless Service's DNS gives),
   * and each Service's name for the pods it selects, in the first line found.
   */
  private refreshDns(): void {
    const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
    for (const pod of this.pods) {
      const headless = this.endpoints(pod.sts.spec.serviceName, pod.namespace).includes(pod);
      if (headless) lines.push(`${pod.address}\t${this.podNames(pod.sts, pod.name).slice(0, 4).join(' ')}`);
    }
    for (const svc of this.objects.filter((o) => o.kind === 'Service')) {
      const ns = svc.metadata.namespace ?? 'default';
      const n = svc.metadata.name;
      this.checkPorts(svc);
      for (const pod of this.endpoints(n, ns)) lines.push(`${pod.address}\t${n}.${ns}.svc.${DOMAIN} ${n}.${ns}.svc ${n}.${ns} ${n}`);
    }
    const listed = new Set(lines.flatMap((l) => l.split('\t')[1].split(' ')));
    for (const { file, own } of this.hostsFiles) {
      // each name once: the kubelet's own line has the names that no other line gives
      const names = own.names.filter((n) => !listed.has(n));
      fs.writeFileSync(file, [...(names.length ? [`${own.address}\t${names.join(' ')}`] : []), ...lines, ''].join('\n'));
    }
  }

  /** The hosts file gives a name, not a port: a Service whose port differs from its target is not modelled. */
  private checkPorts(svc: Manifest): void {
    for (const port of svc.spec.ports ?? []) {
      for (const pod of this.endpoints(svc.metadata.name, svc.metadata.namespace ?? 'default')) {
        const target = port.targetPort ?? port.port;
        const containerPort =
          typeof target === 'number'
            ? target
            : pod.sts.spec.template.spec.containers.flatMap((c: Manifest) => c.ports ?? []).find((p: Manifest) => p.name === target)?.containerPort;
        if (containerPort !== port.port) {
          throw new Error(
            `Service ${svc.metadata.name} maps port ${port.port} to ${containerPort ?? target} on ${pod.name}: the harness's DNS names model only services whose port equals the container port`,
          );
        }
      }
    }
  }
}
