/**
 * One container as a process: bubblewrap gives it a read-only view of this
 * machine's root with only the volumes it names bound writable, its own pid,
 * IPC and UTS namespaces, the pod's network namespace (`ip netns exec`), the
 * pod's /etc/hosts, and `setpriv` then drops it to the pod's uid, gid and
 * groups with no capabilities and no_new_privs, as a container runtime does.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { run, RunResult, sleep } from './process';

/** A folder of this machine bound into the sandbox. */
export interface Mount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** Everything a container process gets. */
export interface ContainerProcess {
  /** Label in messages, e.g. "pg-0/pg". */
  readonly label: string;
  readonly netns: string;
  readonly hostname: string;
  /** The pod's hosts file, bound read-only at /etc/hosts. */
  readonly hostsFile: string;
  readonly mounts: Mount[];
  readonly uid: number;
  readonly gid: number;
  /** Supplementary groups (fsGroup, supplementalGroups). */
  readonly groups: number[];
  readonly noNewPrivs: boolean;
  readonly dropAllCapabilities: boolean;
  readonly env: { [name: string]: string };
  readonly argv: string[];
  readonly workingDir: string;
  /** Where its output is written. */
  readonly logFile: string;
  /** The image's STOPSIGNAL, which the runtime sends on stop. @default "SIGTERM" */
  readonly stopSignal?: NodeJS.Signals;
  /** Folders of this machine hidden under an empty tmpfs (the harness's own, where other pods' volumes are). @default - none */
  readonly hidden?: string[];
}

/** Folders of a root that a sandbox never rebinds from the host (it mounts its own). */
const OWN_MOUNTS = new Set(['/proc', '/dev']);

/**
 * The bubblewrap arguments of the root: `--ro-bind / /`, then the mounts. A
 * runtime creates missing mount points in the container's root; here the root is
 * read-only, so where one is missing, its deepest existing folder is rebuilt from
 * its host entries on a tmpfs, the mount point made there, and the tmpfs remounted
 * read-only after the mounts.
 */
export function rootArgs(mounts: Mount[], hidden: string[] = []): string[] {
  const rebuilt: string[] = [];
  const ordered = mounts
    .map((m) => {
      // the deepest folder that exists, through symlinks (/var/run -> /run), as bwrap follows them
      let existing = m.target;
      while (!fs.existsSync(existing)) existing = path.dirname(existing);
      const real = fs.realpathSync(existing);
      if (existing !== m.target && !rebuilt.includes(real)) rebuilt.push(real);
      return { ...m, target: path.join(real, path.relative(existing, m.target)) };
    })
    .sort((a, b) => depth(a.target) - depth(b.target));
  rebuilt.sort((a, b) => depth(a) - depth(b));
  const args: string[] = rebuilt.includes('/') ? [] : ['--ro-bind', '/', '/'];
  for (const folder of rebuilt) {
    if (folder !== '/') args.push('--tmpfs', folder);
    for (const entry of fs.readdirSync(folder)) {
      const p = path.join(folder, entry);
      if (OWN_MOUNTS.has(p)) continue;
      const stat = fs.lstatSync(p);
      if (stat.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(p), p);
      else args.push('--ro-bind', p, p);
    }
  }
  args.push('--dev', '/dev', '--proc', '/proc', '--tmpfs', '/dev/shm');
  // bind sources are read from this machine's root, so hiding a folder does not hide them
  for (const folder of hidden) args.push('--tmpfs', folder, '--remount-ro', folder);
  for (const m of ordered) args.push(m.readOnly ? '--ro-bind' : '--bind', m.source, m.target);
  for (const folder of [...rebuilt].reverse()) args.push('--remount-ro', folder);
  return args;
}

/** `setpriv` to the container's uid, gid and groups, with its capabilities and no_new_privs. */
function privileges(c: ContainerProcess): string[] {
  return [
    'setpriv',
    `--reuid=${c.uid}`,
    `--regid=${c.gid}`,
    c.groups.length ? `--groups=${c.groups.join(',')}` : '--clear-groups',
    ...(c.noNewPrivs ? ['--no-new-privs'] : []),
    ...(c.dropAllCapabilities ? ['--bounding-set=-all', '--inh-caps=-all'] : []),
    '--',
  ];
}

/** The whole command line: ip netns exec, bwrap, setpriv, the container's argv. */
export function sandboxCommand(c: ContainerProcess, infoFd?: number): string[] {
  const env = Object.entries(c.env).flatMap(([k, v]) => ['--setenv', k, v]);
  return [
    'ip',
    'netns',
    'exec',
    c.netns,
    'bwrap',
    '--die-with-parent',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--hostname',
    c.hostname,
    '--as-pid-1',
    ...rootArgs(c.mounts, c.hidden),
    '--ro-bind',
    c.hostsFile,
    '/etc/hosts',
    '--chdir',
    c.workingDir,
    '--clearenv',
    ...env,
    ...(infoFd === undefined ? [] : ['--info-fd', String(infoFd)]),
    '--',
    ...privileges(c),
    ...c.argv,
  ];
}

/** Runs a container to its end (an init container, a one-off client) within `timeoutMs`. */
export async function runToEnd(c: ContainerProcess, timeoutMs: number): Promise<RunResult> {
  const [cmd, ...args] = sandboxCommand(c);
  const result = await run(cmd, args, { timeoutMs, allowFailure: true });
  fs.appendFileSync(c.logFile, result.stdout + result.stderr);
  return result;
}

/** A running container: its sandbox's process ids, to exec probes in and to stop it. */
export class RunningContainer {
  /** Starts the container and waits (at most 10 s) for its sandbox to be set up. */
  public static async start(c: ContainerProcess): Promise<RunningContainer> {
    const [cmd, ...args] = sandboxCommand(c, 3);
    const log = fs.openSync(c.logFile, 'a');
    const child = spawn(cmd, args, { stdio: ['ignore', log, log, 'pipe'] });
    fs.closeSync(log);
    const info = child.stdio[3] as NodeJS.ReadableStream;
    let text = '';
    info.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const exited = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : -1))));
    for (let i = 0; i < 100; i++) {
      const m = /"child-pid":\s*(\d+)/.exec(text);
      if (m) return new RunningContainer(c, child, Number(m[1]), exited);
      if (child.exitCode !== null) break;
      await sleep(100);
    }
    child.kill('SIGKILL');
    throw new Error(`${c.label}: the sandbox did not start (exit ${child.exitCode}): ${fs.readFileSync(c.logFile, 'utf8').slice(-2000)}`);
  }

  private exitCode: number | undefined;

  private constructor(
    public readonly spec: ContainerProcess,
    private readonly child: ChildProcess,
    /** The container's PID 1, as this machine sees it. */
    public readonly pid: number,
    private readonly exited: Promise<number>,
  ) {
    void exited.then((code) => {
      this.exitCode = code;
    });
  }

  /** The exit code once it ended, undefined while it runs. */
  public get exit(): number | undefined {
    return this.exitCode;
  }

  /**
   * Runs `argv` in the container, as `kubectl exec` and exec probes do: in its
   * namespaces (mount, pid, UTS, IPC, network), with its env, uid, gid and groups.
   */
  public async exec(argv: string[], timeoutMs: number, input?: string): Promise<RunResult> {
    const c = this.spec;
    const env = Object.entries(c.env).map(([k, v]) => `${k}=${v}`);
    const args = ['--target', String(this.pid), '--mount', '--pid', '--uts', '--ipc', '--net', '--wd', '--', 'env', '-i', ...env, ...privileges(c), ...argv];
    return run('nsenter', args, { timeoutMs, allowFailure: true, input });
  }

  /** The image's stop signal (SIGTERM unless it says otherwise) to its PID 1, SIGKILL after `graceMs`; resolves with the exit code. */
  public async stop(graceMs: number): Promise<number> {
    if (this.exitCode !== undefined) return this.exitCode;
    try {
      process.kill(this.pid, this.spec.stopSignal ?? 'SIGTERM');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => this.kill(), graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /**
   * Kills it at once, as a lost node or the OOM killer does (and as cleanup after a
   * failure): SIGKILL to its PID 1 ends every process of its pid namespace, and bwrap,
   * their parent, reaps them and exits. Killing only bwrap would leave them running:
   * `--die-with-parent` is cleared when setpriv changes the uid.
   */
  public kill(): void {
    if (this.exitCode !== undefined) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      this.child.kill('SIGKILL');
    }
  }
}

function depth(p: string): number {
  return p === '/' ? 0 : p.split('/').length - 1;
}
