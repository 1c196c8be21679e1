/**
 * Guardrails at synth: one explicit check pass over exactly the objects that
 * are written. Nothing is kept between passes: every pass renders the tree as
 * it is at that moment, so objects added or changed after an earlier synth,
 * `Guardrails.check` or `Guardrails.manifestsOf` are always judged as written.
 *
 * Who runs the pass is recorded in the construct tree itself, by one
 * {@link AppGuardrails} construct at the root of the app (id
 * `cdk8s-tiers-guardrails`):
 *
 * - Plain cdk8s `App` (and `Testing.app()`): the first construct of the
 *   library, or `Guardrails.enable(app)`, adds it. Its one validation runs
 *   every other validation of the app, then the checks over every ApiObject of
 *   every chart (what `app.synth()` writes), and throws all problems together
 *   as one TiersError: that is what `app.synth()`, `Testing.synth()` and
 *   `cdk8s synth` report. cdk8s validates the whole app once when `app.synth()`
 *   starts and once more for each chart it writes (`Chart.toJson()`
 *   validates). Inside one `app.synth()` or `app.synthYaml()` the tree does
 *   not change between those validations, so only the first renders the
 *   objects and runs the pass; the others give its result (with C charts, a
 *   pass per chart rendered every object C + 1 times). Outside a synth
 *   (`Testing.synth()`, `chart.toJson()`) every validation renders the tree
 *   as it is then, and runs the checks again unless the input is exactly
 *   that of the last pass.
 * - A writer (the GitOpsApp) adds it with `writer: true` before any other
 *   construct exists: validations then run no pass, and the writer calls
 *   {@link checkWritten} once per synth over the canonical objects it is about
 *   to write.
 */
import { createHash } from 'node:crypto';
import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { collectProblems, TiersError } from '../_errors';
import { runChecks } from './engine';
import { findingLine, GuardrailFinding, GuardrailsReport, GuardrailWaiver, waiverLine } from './findings';
import { JsonObject } from '../_json';
import { RENDER_CHECK, renderFix } from './schema';
import { startSecretScanner, stopSecretScanner } from './secret-scan';

const ID = 'cdk8s-tiers-guardrails';
const MARK = Symbol.for('cdk8s-tiers.AppGuardrails');

/** One object as a writer writes it: the construct path of its ApiObject and its JSON. */
export interface WrittenObject {
  readonly path: string;
  readonly object: JsonObject;
}

/**
 * How the objects of one app are checked: at every validation (a plain App),
 * or by the app's writer. One per app, at its root.
 */
export class AppGuardrails extends Construct {
  /** The guardrails of the app of `scope`, if it has them (also those of another copy of the library). */
  public static of(scope: IConstruct): AppGuardrails | undefined {
    const c = scope.node.root.node.tryFindChild(ID);
    return typeof c === 'object' && c !== null && MARK in c ? (c as unknown as AppGuardrails) : undefined;
  }

  /** Checks the app of `scope` at every validation (once per app, however often it is called); a writer's app stays with its writer. */
  public static enable(scope: IConstruct): void {
    if (!AppGuardrails.of(scope)) new AppGuardrails(scope.node.root, false);
  }

  /** Marks `app` as checked by its writer, which calls {@link checkWritten} over what it writes. Call it before creating any construct in the app. */
  public static forWriter(app: IConstruct): void {
    const existing = AppGuardrails.of(app);
    if (existing && !existing.writer)
      throw new Error(`[${app.node.path}] the app already checks its objects at validation: mark it for its writer before creating constructs in it`);
    if (!existing) new AppGuardrails(app, true);
  }

  /** Whether the app's writer runs the pass (else every validation of the app does). */
  public readonly writer: boolean;
  /**
   * The last pass: a SHA-256 of everything it judged (the constructs' problems
   * and every object's path and JSON) and what it found. cdk8s validates the
   * app again for every chart it writes; a pass over exactly the same input
   * gives exactly the same result, so those validations reuse it (and print
   * the waivers once). Any change of the tree changes the input.
   */
  private last?: { readonly input: string; readonly problems: readonly string[] };
  /** How many `synth()`/`synthYaml()` calls of the app are running (a subclass's may call the App's), and the result of the first pass inside them. */
  private synthesizing = 0;
  private synthPass?: readonly string[];
  /** The outermost of those calls, where a user's stack trace starts. */
  private synthCall?: (...args: unknown[]) => unknown;

  private constructor(root: IConstruct, writer: boolean) {
    super(root as Construct, ID);
    Object.defineProperty(this, MARK, { value: true });
    this.writer = writer;
    if (!writer) {
      this.node.addValidation({ validate: () => this.validateApp() });
      this.passOncePerSynth(root);
    }
    // the secret scanner's worker loads while the app is built
    startSecretScanner();
  }

  /**
   * Marks the calls of the app's `synth()` and `synthYaml()` (its own methods, a subclass's included), so that the
   * validations cdk8s runs inside one call share one pass.
   */
  private passOncePerSynth(root: IConstruct): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const guard = this;
    for (const name of ['synth', 'synthYaml'] as const) {
      const method = (root as Partial<Record<typeof name, unknown>>)[name];
      if (typeof method !== 'function') continue;
      const wrapper = function synthesizing(...args: unknown[]): unknown {
        if (guard.synthesizing++ === 0) [guard.synthPass, guard.synthCall] = [undefined, wrapper];
        try {
          return method.apply(root, args);
        } finally {
          if (--guard.synthesizing === 0) [guard.synthPass, guard.synthCall] = [undefined, undefined];
        }
      };
      Object.defineProperty(root, name, { configurable: true, writable: true, value: wrapper });
    }
  }

  /** Every problem of the app (its constructs' own and the findings of one pass), thrown as one TiersError. */
  private validateApp(): string[] {
    const problems = this.synthesizing > 0 ? (this.synthPass ??= this.pass()) : this.pass();
    if (!problems.length) return [];
    const error = new TiersError([...problems]);
    // a user's stack trace starts where the app is synthesized (none of the library's, constructs' or cdk8s's frames)
    Error.captureStackTrace(error, this.synthCall ?? App.prototype.synth);
    throw error;
  }

  /** One pass over the tree as it is now: the constructs' own problems and the findings over every object (the checks reused when the input is that of the last pass). */
  private pass(): readonly string[] {
    const root = this.node.root;
    const own = [
      ...root.node.validate().map((m) => `[${root.node.path || 'app'}] ${m}`), // the root (an App) has the empty path
      ...root.node.children.filter((c) => c !== this).flatMap((c) => collectProblems(c)),
    ];
    const rendered = renderTree(root);
    const input = fingerprint([own, rendered.map((r) => [r.path, r.json ?? null, r.error ?? null])]);
    if (input === undefined || this.last?.input !== input) {
      const troubled = troubledPaths(root, own);
      const report = checkRendered(rendered, (r) => isJudged(r.path, troubled));
      printWaivers(report.waivers);
      this.last = { input: input ?? '', problems: [...own, ...report.findings.map(findingLine)] };
    }
    return this.last.problems;
  }
}

/** A SHA-256 of `input` as JSON; none when it has no JSON form (then nothing is reused). */
function fingerprint(input: unknown): string | undefined {
  try {
    return createHash('sha256').update(JSON.stringify(input)).digest('hex');
  } catch {
    return undefined;
  }
}

/**
 * The construct paths whose objects are not judged in this pass: constructs
 * (not charts or ApiObjects) that reported a problem of their own props. Their
 * output is judged once the props are right, so a mistake is not echoed as
 * findings. `problems` are lines `[construct/path] ...`.
 */
export function troubledPaths(root: IConstruct, problems: readonly string[]): ReadonlySet<string> {
  if (!problems.length) return new Set();
  const reported = new Set(problems.map((l) => l.slice(1, l.indexOf('] '))));
  return new Set(
    root.node
      .findAll()
      .filter((c) => c !== root && reported.has(c.node.path) && !ApiObject.isApiObject(c) && !Chart.isChart(c))
      .map((c) => c.node.path),
  );
}

/** Whether an object at `path` is judged: no construct above it is troubled (construct ids never contain "/"). */
function isJudged(path: string, troubled: ReadonlySet<string>): boolean {
  if (troubled.size === 0) return true;
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) if (troubled.has(parts.slice(0, i).join('/'))) return false;
  return true;
}

/** One ApiObject rendered: its JSON, or why it could not be rendered. */
interface Rendered {
  readonly object: ApiObject;
  readonly path: string;
  readonly json?: JsonObject;
  readonly error?: string;
}

/** Renders every ApiObject of the app of `root` once, now. */
function renderTree(root: IConstruct): Rendered[] {
  const out: Rendered[] = [];
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    try {
      out.push({ object: c, path: c.node.path, json: c.toJson() });
    } catch (e) {
      out.push({ object: c, path: c.node.path, error: renderError(e) });
    }
  }
  return out;
}

/** Checks the rendered objects that `subject` picks; the others are context (references, node port clashes). */
function checkRendered(rendered: readonly Rendered[], subject: (r: Rendered) => boolean): GuardrailsReport {
  const all: JsonObject[] = [];
  const subjects: JsonObject[] = [];
  const unrendered: GuardrailFinding[] = [];
  const paths = new Map<JsonObject, string>();
  for (const r of rendered) {
    if (r.json === undefined) {
      if (subject(r)) unrendered.push(renderFinding(r.object, r.error ?? ''));
      continue;
    }
    paths.set(r.json, r.path);
    all.push(r.json);
    if (subject(r)) subjects.push(r.json);
  }
  return runChecks(all, { subjects, pathOf: (j) => paths.get(j), extra: unrendered }).report;
}

/**
 * The one pass of a writer: checks `objects`, exactly as they will be written
 * (all of them are subjects and context), and prints the waivers. Objects of
 * constructs that reported problems (`problems`, lines `[path] ...`) are left
 * out. Returns the findings as problem lines.
 */
export function checkWritten(root: IConstruct, objects: readonly WrittenObject[], problems: readonly string[]): string[] {
  const troubled = troubledPaths(root, problems);
  const paths = new Map(objects.map((o) => [o.object, o.path]));
  const subjects = objects.filter((o) => isJudged(o.path, troubled)).map((o) => o.object);
  try {
    const { report } = runChecks(
      objects.map((o) => o.object),
      { subjects, pathOf: (j) => paths.get(j) },
    );
    printWaivers(report.waivers);
    return report.findings.map(findingLine);
  } finally {
    // the writer's one scan is done: the writes that follow need none of the worker's memory
    stopSecretScanner();
  }
}

/** Why toJson() threw, without cdk8s's prefix. */
function renderError(e: unknown): string {
  return (e instanceof Error ? e.message : String(e))
    .replace(/^Failed serializing construct at path '[^']*' with name '[^']*': /, '')
    .replace(/^[A-Za-z]*Error: /, '');
}

/** The finding of an ApiObject whose toJson() threw. */
function renderFinding(o: ApiObject, detail: string): GuardrailFinding {
  return {
    checkId: RENDER_CHECK.id,
    area: RENDER_CHECK.area,
    fix: renderFix(detail),
    constructPath: o.node.path,
    object: { apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata.namespace !== undefined ? { namespace: o.metadata.namespace } : {}), name: o.name },
    message: `cannot be rendered: ${detail}`,
  };
}

function printWaivers(waivers: readonly GuardrailWaiver[]): void {
  if (!waivers.length) return;
  console.warn(`cdk8s-tiers guardrails: ${waivers.length} waived finding${waivers.length === 1 ? '' : 's'}:\n  ${waivers.map(waiverLine).join('\n  ')}`);
}

/** The manifests of `chart`, rendered now, in the order `chart.toJson()` gives them (without validating the app). */
export function manifestsOf(chart: Chart): JsonObject[] {
  return new DependencyGraph(chart.node)
    .topology()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart)
    .map((o) => o.toJson());
}

/** The findings of `objects` (checked now, all of them subjects) as problem lines; prints the waivers. */
export function problemsOf(objects: readonly JsonObject[]): string[] {
  const { report } = runChecks(objects);
  printWaivers(report.waivers);
  return report.findings.map(findingLine);
}

/** A check of `chart` now (every other object of its app is context); prints nothing. */
export function checkChart(chart: Chart): GuardrailsReport {
  return checkRendered(renderTree(chart.node.root), (r) => r.object.chart === chart);
}
