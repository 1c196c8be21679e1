import { k8s } from './_k8s';
import { Problems } from './_errors';
import { PORT_PROBE_OPTIONS, PROBE_OPTIONS } from './_keys';
import { checkProps } from './_props';
import { checkInteger, checkPortName, isAbsolutePath, isObject, isString, probeHandler } from './_rules';
import { merged } from './_merge';

/**
 * Timings shared by every probe.
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes
 */
export interface ProbeOptions {
  /** Seconds after the container starts before the first probe. @default 0 */
  readonly initialDelaySeconds?: number;
  /** Seconds between probes. @default 10 */
  readonly periodSeconds?: number;
  /** Seconds after which one probe times out. @default 2 */
  readonly timeoutSeconds?: number;
  /** Failures in a row before the probe gives up. @default 3 */
  readonly failureThreshold?: number;
  /** Successes in a row before the probe counts as passed again (must be 1 for liveness and startup). @default 1 */
  readonly successThreshold?: number;
}

/** Options of a probe that connects to a container port. */
export interface PortProbeOptions extends ProbeOptions {
  /** Name of the container port to probe. @default - the container's main port */
  readonly portName?: string;
}

enum ProbeKind {
  HTTP = 'httpGet',
  TCP = 'tcpSocket',
  EXEC = 'exec',
}

/**
 * A readiness, liveness or startup check of a container.
 *
 * `Probe.httpGet('/healthz')`, `Probe.tcpSocket()`, `Probe.exec(['pg_isready'])`.
 */
export class Probe {
  /** An HTTP GET on `path` that succeeds with a status from 200 to 399. */
  public static httpGet(path: string, options: PortProbeOptions = {}): Probe {
    return new Probe(ProbeKind.HTTP, options, path);
  }

  /** A TCP connection to a container port. */
  public static tcpSocket(options: PortProbeOptions = {}): Probe {
    return new Probe(ProbeKind.TCP, options);
  }

  /** A command run inside the container that succeeds with exit status 0. Never put a password in it. */
  public static exec(command: string[], options: ProbeOptions = {}): Probe {
    return new Probe(ProbeKind.EXEC, options, undefined, command);
  }

  private constructor(
    private readonly kind: ProbeKind,
    /** The timings and port of this probe. */
    public readonly options: PortProbeOptions,
    private readonly path?: string,
    private readonly command?: string[],
  ) {}

  /** Checks the probe; `prop` names it in messages. @internal */
  public _check(problems: Problems, prop: string, needsSingleSuccess: boolean): void {
    const o: PortProbeOptions = checkProps(problems, prop, this.options, this.kind === ProbeKind.EXEC ? PROBE_OPTIONS : PORT_PROBE_OPTIONS) ?? {};
    if (o.initialDelaySeconds !== undefined) checkInteger(problems, `${prop}.initialDelaySeconds`, o.initialDelaySeconds, 0);
    if (o.periodSeconds !== undefined) checkInteger(problems, `${prop}.periodSeconds`, o.periodSeconds, 1);
    if (o.timeoutSeconds !== undefined) checkInteger(problems, `${prop}.timeoutSeconds`, o.timeoutSeconds, 1);
    if (o.failureThreshold !== undefined) checkInteger(problems, `${prop}.failureThreshold`, o.failureThreshold, 1);
    if (o.successThreshold !== undefined) {
      if (needsSingleSuccess) {
        if (o.successThreshold !== 1)
          problems.add({
            prop: `${prop}.successThreshold`,
            value: o.successThreshold,
            rule: 'must be 1 for liveness and startup probes (API server rule)',
            fix: 'leave successThreshold out of liveness and startup probes',
          });
      } else {
        checkInteger(problems, `${prop}.successThreshold`, o.successThreshold, 1);
      }
    }
    if (o.portName !== undefined) checkPortName(problems, `${prop}.portName`, o.portName);
    if (this.kind === ProbeKind.HTTP) {
      if (!(this.path === '/' || isAbsolutePath(this.path)))
        problems.add({
          prop: `${prop} path`,
          value: this.path,
          rule: 'must be an absolute URL path',
          fix: 'start the path with "/", e.g. "/healthz"',
        });
    }
    if (this.kind === ProbeKind.EXEC) {
      if (!(Array.isArray(this.command) && this.command.length > 0 && this.command.every((c) => typeof c === 'string')))
        problems.add({
          prop: `${prop} command`,
          value: this.command,
          rule: 'must be a non-empty list of strings',
          fix: 'give the command and its arguments, e.g. ["pg_isready", "-q"]',
        });
    }
  }

  /** The port name this probe connects to, or undefined for exec probes. @internal */
  public _portName(defaultPortName: string | undefined): string | undefined {
    return this.kind === ProbeKind.EXEC ? undefined : ((isObject(this.options) ? (this.options as PortProbeOptions).portName : undefined) ?? defaultPortName);
  }

  /**
   * Whether this probe and `other` have one handler, as `_handler` renders them (a port left out is `defaultPortName`).
   * @internal
   */
  public _sameHandler(other: Probe, defaultPortName: string | undefined): boolean {
    // (probes of two kinds have two handlers: only probes of one kind are compared)
    if (this.kind !== other.kind) return false;
    const port = this._portName(defaultPortName) ?? '';
    const otherPort = other._portName(defaultPortName) ?? '';
    // (probes of text values are compared in place, as their rendered JSON would be: this runs for every container)
    if (this.kind === ProbeKind.EXEC) {
      if (isTextList(this.command) && isTextList(other.command)) return sameList(this.command, other.command);
    } else if (isString(port) && isString(otherPort) && isTextOrUnset(this.path) && isTextOrUnset(other.path)) {
      return port === otherPort && this.path === other.path;
    }
    return probeHandler(this._handler(defaultPortName)) === probeHandler(other._handler(defaultPortName));
  }

  /** The handler of the probe (`{ httpGet }`, `{ tcpSocket }` or `{ exec }`), as `_render` gives it, without the timings. @internal */
  public _handler(defaultPortName: string | undefined): k8s.Probe {
    if (this.kind === ProbeKind.EXEC) return { exec: { command: this.command } };
    const port = k8s.IntOrString.fromString(this._portName(defaultPortName) ?? '');
    return this.kind === ProbeKind.HTTP ? { httpGet: { path: this.path, port } } : { tcpSocket: { port } };
  }

  /** Renders the probe for a container. @internal */
  public _render(defaultPortName: string | undefined): k8s.Probe {
    const o: PortProbeOptions = isObject(this.options) ? (this.options as PortProbeOptions) : {};
    return merged<k8s.Probe>(this._handler(defaultPortName), {
      initialDelaySeconds: o.initialDelaySeconds ?? 0,
      periodSeconds: o.periodSeconds ?? 10,
      timeoutSeconds: o.timeoutSeconds ?? 2,
      failureThreshold: o.failureThreshold ?? 3,
      successThreshold: o.successThreshold ?? 1,
    });
  }
}

/** Whether `v` is a string or not set. */
function isTextOrUnset(v: unknown): v is string | undefined {
  return v === undefined || isString(v);
}

/** Whether `v` is a list of strings, every place set. */
function isTextList(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!isString(v[i])) return false;
  return true;
}

/** Whether the lists `a` and `b` have the same items in the same order. */
function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
