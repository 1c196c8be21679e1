/**
 * The one error of the library and its message format: every problem names
 * the construct path, the prop, the value received, the rule and the fix.
 *
 * jsii (Python, Java, C#, Go) cannot export a class that extends `Error`, so
 * the thrown class, {@link TiersError}, is internal; users reach its structured
 * problems through the exported `TiersProblems` (src/errors.ts) and the
 * {@link TiersProblem} struct.
 */
import { IConstruct } from 'constructs';

/**
 * What is wrong with one prop: the value received, the rule it breaks and how
 * to fix it. The construct path is added by whoever reports the problem.
 */
export interface ProblemDetails {
  /** Prop name as the user wrote it, e.g. `replicas` or `sidecars[1].port`. */
  readonly prop: string;
  /** The value received. */
  readonly value: unknown;
  /** The rule that the value breaks. */
  readonly rule: string;
  /** What the user should do instead. */
  readonly fix: string;
}

/**
 * One problem the library reports: where, which prop, the value it got, the
 * rule and the fix. A guardrail finding has the check id as `prop` and the
 * object (`Deployment shop/web`) as `value`.
 */
export interface TiersProblem {
  /** Construct path (or the API called, e.g. `Guardrails.check`), e.g. `prod/shop/web`. */
  readonly path: string;
  /** The prop, e.g. `replicas` or `sidecars[1].port`; for a guardrail finding the check id. Empty for a message of another library. */
  readonly prop: string;
  /** The value received, as shown in the message (`"web"`, `5`, `(not set)`). Empty when the message has none. */
  readonly value: string;
  /** The rule the value breaks. */
  readonly rule: string;
  /** What to do instead. Empty for a message of another library. */
  readonly fix: string;
  /** The whole line: `[path] prop: got value; rule. Fix: fix`. */
  readonly message: string;
}

/** Renders a value for a message: never `undefined` or `NaN` without quotes. */
export function show(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (typeof value === 'symbol' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The one message format: prop, value, rule, fix (the path is prefixed by the reporter). */
export function formatProblem(d: ProblemDetails): string {
  return `${d.prop}: got ${show(d.value)}; ${d.rule}. Fix: ${d.fix}`;
}

/** A problem of `path` as the structured problem users get. */
export function toProblem(path: string, d: ProblemDetails): TiersProblem {
  return { path, prop: d.prop, value: show(d.value), rule: d.rule, fix: d.fix, message: `[${path}] ${formatProblem(d)}` };
}

const SHOWN_WORDS = new Set(['(not set)', 'NaN', 'Infinity', '-Infinity']);
/** Whether `s` is what {@link show} prints for some value (JSON or one of its words). */
function isShown(s: string): boolean {
  if (SHOWN_WORDS.has(s)) return true;
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

const FINDING = /^([a-z]+\/[-a-z0-9]+): (.+?): (.*)$/s;

/**
 * The structured form of one line `text` reported at `path`: the inverse of
 * {@link formatProblem} (and of a guardrail finding's text); a line of another
 * format (a user's own validation) is kept whole as the rule.
 */
export function parseProblem(path: string, text: string): TiersProblem {
  const message = `[${path}] ${text}`;
  const fixAt = text.lastIndexOf('. Fix: ');
  const head = fixAt >= 0 ? text.slice(0, fixAt) : text;
  const fix = fixAt >= 0 ? text.slice(fixAt + 7) : '';
  const got = head.indexOf(': got ');
  if (got > 0) {
    const rest = head.slice(got + 6);
    // the value ends at the first "; " after which the rule starts and before which a shown value stands
    let cut = rest.indexOf('; ');
    for (let i = cut; i >= 0; i = rest.indexOf('; ', i + 1)) {
      if (isShown(rest.slice(0, i))) {
        cut = i;
        break;
      }
    }
    if (cut >= 0) return { path, prop: head.slice(0, got), value: rest.slice(0, cut), rule: rest.slice(cut + 2), fix, message };
  }
  const finding = FINDING.exec(head);
  if (finding) return { path, prop: finding[1], value: finding[2], rule: finding[3], fix, message };
  return { path, prop: '', value: '', rule: head, fix, message };
}

/** `[path] text` split into the problem it reports (a line without a path keeps `path` empty). */
function parseLine(line: string): TiersProblem {
  const m = /^\[([^\]]*)\] (.*)$/s.exec(line);
  if (!m) return { ...parseProblem('', line), message: line };
  return parseProblem(m[1], m[2]);
}

/**
 * The one error type of the library: every problem of one synth, each with its
 * construct path. Internal: jsii cannot export a class that extends `Error`;
 * users get its problems through `TiersProblems.fromError(e)`.
 */
export class TiersError extends Error {
  /** Each problem as one line `[construct/path] prop: got value; rule. Fix: ...`. */
  public readonly problems: string[];
  /** Each problem, structured. */
  public readonly details: TiersProblem[];

  /** From problem lines (as `collectProblems` returns them) or structured problems. */
  constructor(problems: ReadonlyArray<string | TiersProblem>) {
    const details = problems.map((p) => (typeof p === 'string' ? parseLine(p) : p));
    const lines = details.map((d) => d.message);
    super(`cdk8s-tiers found ${lines.length} problem${lines.length === 1 ? '' : 's'}:\n  ${lines.join('\n  ')}`);
    this.name = 'TiersError';
    this.problems = lines;
    this.details = details;
    // not enumerable: Node prints an uncaught error's own enumerable fields after the stack
    Object.defineProperty(this, 'problems', { enumerable: false });
    Object.defineProperty(this, 'details', { enumerable: false });
  }

  /** Whether `e` is the library's error (also one thrown by another copy of the library). */
  public static is(e: unknown): e is TiersError {
    return e instanceof TiersError || (e instanceof Error && e.name === 'TiersError' && Array.isArray((e as Partial<TiersError>).details));
  }
}

/** No problems (one list, read only, until the first). */
const NO_PROBLEMS: readonly ProblemDetails[] = Object.freeze([]);

/** Where a construct's {@link Problems} are kept, so that the structured problems can be read back. */
const PROBLEMS = Symbol.for('cdk8s-tiers.problems');

/**
 * Collects the problems of one construct and reports them at synth, together
 * with every other construct's problems (through `node.addValidation`).
 */
export class Problems {
  /** The problems recorded on `c` by the library, if it is one of the library's constructs. */
  public static of(c: IConstruct): Problems | undefined {
    const own = (c as { [PROBLEMS]?: unknown })[PROBLEMS];
    return own instanceof Problems ? own : undefined;
  }

  /** (made with the first problem: most constructs have none) */
  private found: readonly ProblemDetails[] = NO_PROBLEMS;
  private muted = false;
  /** Props the user wrote misspelt (reported as such): their being "not set" is not reported again. (Made with the first.) */
  private misspelt?: Set<string>;

  constructor(scope: IConstruct) {
    Object.defineProperty(scope, PROBLEMS, { value: this });
    // (this is the validation: one object per construct rather than a closure and its context besides)
    scope.node.addValidation(this);
  }

  /** The problems, each as one line (the construct's validation: cdk8s adds the path). */
  public validate(): string[] {
    return this.found.map(formatProblem);
  }

  /** Records a problem (unless muted). */
  public add(d: ProblemDetails): void {
    if (this.muted || (d.value === undefined && this.misspelt?.has(d.prop) === true)) return;
    if (this.found === NO_PROBLEMS) this.found = [d];
    else (this.found as ProblemDetails[]).push(d);
  }

  /** Records that `prop` was written misspelt (and reported so): a later "not set" problem of it follows from that. */
  public misspelling(prop: string): void {
    (this.misspelt ??= new Set()).add(prop);
  }

  /**
   * Records nothing more: after a problem that every later check would only
   * follow from (props that are not an object at all), so it is reported alone.
   */
  public mute(): void {
    this.muted = true;
  }

  /**
   * Records a problem (unless muted); returns false, so that a check reads
   * `ok || problems.fail({...})` and builds its message only when it fails.
   */
  public fail(d: ProblemDetails): false {
    this.add(d);
    return false;
  }

  /** How many problems were recorded (so far). */
  public get size(): number {
    return this.found.length;
  }

  /** True when nothing was recorded (so far). */
  public get empty(): boolean {
    return this.found.length === 0;
  }

  /** Whether a problem of `prop` (or of a prop inside it) was recorded. */
  public has(prop: string): boolean {
    return this.found.some((d) => d.prop === prop || d.prop.startsWith(`${prop}.`) || d.prop.startsWith(`${prop}[`));
  }

  /** The recorded problems, structured, at `path`. */
  public details(path: string): TiersProblem[] {
    return this.found.map((d) => toProblem(path, d));
  }
}

/**
 * Runs every validation in the tree below `root` and returns the problems,
 * structured; each problem the library recorded keeps its value as given.
 */
export function collectProblemDetails(root: IConstruct): TiersProblem[] {
  const problems: TiersProblem[] = [];
  for (const c of root.node.findAll()) {
    const path = c.node.path || 'app'; // the root (an App) has the empty path
    const own = new Map((Problems.of(c)?.details(path) ?? []).map((d) => [d.message, d]));
    for (const text of c.node.validate()) {
      const line = `[${path}] ${text}`;
      problems.push(own.get(line) ?? parseProblem(path, text));
    }
  }
  return problems;
}

/**
 * Runs every validation in the tree below `root` and returns the problems,
 * each prefixed with its construct path (the same lines `cdk8s synth` prints).
 */
export function collectProblems(root: IConstruct): string[] {
  return collectProblemDetails(root).map((p) => p.message);
}

/** Throws one {@link TiersError} listing every problem below `root`, if there is any. */
export function assertNoProblems(root: IConstruct): void {
  const problems = collectProblemDetails(root);
  if (problems.length > 0) throw new TiersError(problems);
}

/** Throws one {@link TiersError} for a bad argument of an API that does not belong to a construct (`Guardrails.check`). */
export function throwProblem(path: string, d: ProblemDetails): never {
  throw new TiersError([toProblem(path, d)]);
}
