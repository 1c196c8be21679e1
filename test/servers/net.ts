/**
 * The test's own network: one network namespace holding a bridge (the "node",
 * where the kubelet's tcpSocket/httpGet probes come from) and one namespace per
 * pod or client, joined to the bridge by a veth pair. Addresses are in one /24
 * of 10.231.0.0/16 that the network picks for itself; no namespace has a route
 * anywhere else, so traffic goes only to addresses this network made, or loopback.
 * Deleting the namespaces deletes the bridge and every veth with them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { run } from './process';

/** Prefix of every namespace the harness makes; stale ones (a killed run) are removed by it. */
export const NETNS_PREFIX = 'tiers-srv-';
/** Most networks (subnets) at once; also bounds the search for a free one. */
const MAX_NETWORKS = 32;
/** Most hosts on one network (.2 to .201). */
const MAX_HOSTS = 200;

/** The file naming the process that owns network `n` (so that another run never takes its namespaces for stale). */
function ownerFile(n: number): string {
  return path.join(os.tmpdir(), `${NETNS_PREFIX}${n}.owner`);
}

/** Whether process `pid` still runs. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A namespace on the network: its name and its address. */
export interface NetHost {
  readonly netns: string;
  readonly address: string;
}

export class PodNetwork {
  /** Makes a network on the first free subnet 10.231.<n>.0/24. */
  public static async create(): Promise<PodNetwork> {
    for (let n = 1; n <= MAX_NETWORKS; n++) {
      const node = `${NETNS_PREFIX}${n}-node`;
      // `ip netns add` fails when the name exists: that claims subnet n atomically
      if ((await run('ip', ['netns', 'add', node], { allowFailure: true })).code !== 0) continue;
      const net = new PodNetwork(n, node);
      try {
        fs.writeFileSync(ownerFile(n), String(process.pid));
        await net.ip(node, 'link', 'set', 'lo', 'up');
        await net.ip(node, 'link', 'add', 'br0', 'type', 'bridge');
        await net.ip(node, 'addr', 'add', `${net.prefix}.1/24`, 'dev', 'br0');
        await net.ip(node, 'link', 'set', 'br0', 'up');
      } catch (e) {
        await net.dispose();
        throw e;
      }
      return net;
    }
    throw new Error(
      `no free test subnet: namespaces ${NETNS_PREFIX}1-node to ${NETNS_PREFIX}${MAX_NETWORKS}-node all exist (remove stale ones with "ip netns del")`,
    );
  }

  /** The node's namespace and address (the kubelet's side of the bridge). */
  public readonly node: NetHost;
  private readonly prefix: string;
  private readonly namespaces: string[] = [];
  private nextHost = 2;

  private constructor(
    public readonly index: number,
    nodeNetns: string,
  ) {
    this.prefix = `10.231.${index}`;
    this.node = { netns: nodeNetns, address: `${this.prefix}.1` };
    this.namespaces.push(nodeNetns);
  }

  /** A new namespace with its own address on the bridge (`name` only labels it). */
  public async addHost(name: string): Promise<NetHost> {
    if (this.nextHost - 2 >= MAX_HOSTS) throw new Error(`network ${this.prefix}.0/24 has its ${MAX_HOSTS} hosts already`);
    const host = this.nextHost++;
    const netns = `${NETNS_PREFIX}${this.index}-${host}-${name}`.slice(0, 60);
    const veth = `tsv${this.index}h${host}`;
    await run('ip', ['netns', 'add', netns]);
    this.namespaces.push(netns);
    // made in the pod's namespace, the host end moved to the node's and plugged into the bridge
    await this.ip(netns, 'link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0');
    await this.ip(netns, 'link', 'set', veth, 'netns', this.node.netns);
    await this.ip(this.node.netns, 'link', 'set', veth, 'master', 'br0', 'up');
    await this.ip(netns, 'link', 'set', 'lo', 'up');
    await this.ip(netns, 'addr', 'add', `${this.prefix}.${host}/24`, 'dev', 'eth0');
    await this.ip(netns, 'link', 'set', 'eth0', 'up');
    return { netns, address: `${this.prefix}.${host}` };
  }

  /** Deletes every namespace of the network (and with them the bridge and veths), ending what still runs in them. */
  public async dispose(): Promise<void> {
    for (const ns of this.namespaces.reverse()) await deleteNamespace(ns);
    this.namespaces.length = 0;
    fs.rmSync(ownerFile(this.index), { force: true });
  }

  private async ip(netns: string, ...args: string[]): Promise<void> {
    await run('ip', ['-n', netns, ...args]);
  }
}

/** SIGKILL, by process id, to every process still in namespace `ns` (the harness's own), then deletes it. */
async function deleteNamespace(ns: string): Promise<void> {
  const pids = (await run('ip', ['netns', 'pids', ns], { allowFailure: true })).stdout
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // ended meanwhile
    }
  }
  await run('ip', ['netns', 'del', ns], { allowFailure: true });
}

/**
 * Deletes the namespaces a killed earlier run left behind: the harness's own (by prefix)
 * of networks whose owner process is gone, never those of a run still going.
 */
export async function removeStaleNamespaces(): Promise<string[]> {
  const out = await run('ip', ['netns', 'list']);
  const stale = out.stdout
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((name) => {
      const m = new RegExp(`^${NETNS_PREFIX}(\\d+)-`).exec(name);
      if (!m) return false;
      const owner = fs.existsSync(ownerFile(Number(m[1]))) ? Number(fs.readFileSync(ownerFile(Number(m[1])), 'utf8')) : 0;
      return !(owner > 0 && alive(owner));
    });
  for (const ns of stale) await deleteNamespace(ns);
  for (const n of new Set(stale.map((name) => name.slice(NETNS_PREFIX.length).split('-')[0]))) fs.rmSync(ownerFile(Number(n)), { force: true });
  return stale;
}
