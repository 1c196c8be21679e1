/**
 * Whether this machine can run the real-server tests: root (for network
 * namespaces and uid changes), `ip netns`, bubblewrap, setpriv, nsenter and the
 * Debian servers. Where it cannot, the suites skip with the one reason, except
 * under CI (CI=true), where a missing part fails the run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';

const TOOLS = ['ip', 'bwrap', 'setpriv', 'nsenter', 'curl'];

/** Why the real-server tests cannot run here, or undefined when they can. */
export function cannotRun(servers: string[]): string | undefined {
  if (process.platform !== 'linux') return `they need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'they need root (network namespaces, uid changes)';
  const missing = [...TOOLS, ...servers].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0 && !fs.existsSync(t));
  if (missing.length)
    return `missing ${missing.join(', ')} (apt-get install iproute2 bubblewrap util-linux curl postgresql redis-server libnss-wrapper prometheus-postgres-exporter prometheus-redis-exporter)`;
  const ns = `tiers-srv-preflight-${process.pid}`;
  const add = spawnSync('ip', ['netns', 'add', ns], { encoding: 'utf8' });
  if (add.status !== 0) return `"ip netns add" fails here: ${add.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', ns]);
  const bw = spawnSync('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--', 'true'], { encoding: 'utf8' });
  if (bw.status !== 0) return `bubblewrap cannot make a sandbox here: ${bw.stderr.trim()}`;
  return undefined;
}

/** `describe` when the servers can run, else `describe.skip` with one message (an error under CI). */
export function describeServers(title: string, servers: string[], body: () => void): void {
  const reason = cannotRun(servers);
  if (reason && process.env.CI === 'true') throw new Error(`real-server tests cannot run in CI: ${reason}`);
  if (reason) {
    console.warn(`skipping real-server tests "${title}": ${reason}`);
    describe.skip(title, body);
  } else {
    describe(title, body);
  }
}
