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

/** Renders a value for a message: never `undefined` or `NaN` without quotes. */
export function show(value: unknown): string {
  if (value === undefined) return '(not set)';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The one message format: prop, value, rule, fix (the path is prefixed by the reporter). */
export function formatProblem(d: ProblemDetails): string {
  return `${d.prop}: got ${show(d.value)}; ${d.rule}. Fix: ${d.fix}`;
}

/** The one error type of the library: every problem of one synth, each with its construct path. */
export class TiersError extends Error {
  /** Each problem as `[construct/path] prop: got value; rule. Fix: ...`. */
  public readonly problems: string[];

  constructor(problems: string[]) {
    super(`cdk8s-tiers found ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${problems.join('\n  ')}`);
    this.name = 'TiersError';
    this.problems = problems;
    // not enumerable: Node prints an uncaught error's own enumerable fields after the stack
    Object.defineProperty(this, 'problems', { enumerable: false });
  }
}

/**
 * Collects the problems of one construct and reports them at synth, together
 * with every other construct's problems (through `node.addValidation`).
 */
export class Problems {
  private readonly found: string[] = [];

  constructor(scope: IConstruct) {
    scope.node.addValidation({ validate: () => this.found });
  }

  /** Records a problem. */
  public add(d: ProblemDetails): void {
    this.found.push(formatProblem(d));
  }

  /** Records a problem when `ok` is false; returns `ok`. */
  public expect(ok: boolean, d: ProblemDetails): boolean {
    if (!ok) this.add(d);
    return ok;
  }

  /** True when nothing was recorded (so far). */
  public get empty(): boolean {
    return this.found.length === 0;
  }
}

/**
 * Runs every validation in the tree below `root` and returns the problems,
 * each prefixed with its construct path (the same lines `cdk8s synth` prints).
 */
export function collectProblems(root: IConstruct): string[] {
  const problems: string[] = [];
  for (const c of root.node.findAll()) {
    for (const message of c.node.validate()) problems.push(`[${c.node.path}] ${message}`);
  }
  return problems;
}

/** Throws one {@link TiersError} listing every problem below `root`, if there is any. */
export function assertNoProblems(root: IConstruct): void {
  const problems = collectProblems(root);
  if (problems.length > 0) throw new TiersError(problems);
}
