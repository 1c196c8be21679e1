/**
 * Guardrails at synth: every chart that holds a construct of the library gets
 * one validation that checks all of its objects (also those users add by hand)
 * with the rest of the app as context, and reports each finding on the
 * ApiObject that rendered it, so cdk8s prints `[construct/path] check-id: ...`
 * next to every other problem of the synth.
 *
 * Cost: one check run per app per synth. cdk8s validates the whole app once
 * per chart during `app.synth()`, so the result of a run (with each object's
 * JSON) is cached until the current synchronous job ends (a microtask clears
 * it), and also dropped when a chart gains or loses a direct child. The same
 * JSON is handed out by `manifestsOf(chart)` so that a writer does not render
 * every object a second time, and `problemsOf(objects)` answers from the cache
 * for objects that came from it.
 */
import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';
import { runChecks, sourceOf } from './engine';
import { findingLine, findingText, GuardrailFinding, GuardrailsReport, GuardrailWaiver, waiverLine } from './findings';
import { JsonObject } from './manifests';
import { RENDER_CHECK, renderFix } from './schema';

/** One check run over a whole app. */
interface AppRun {
  /** The JSON of every ApiObject of the app that could be rendered. */
  readonly json: ReadonlyMap<ApiObject, JsonObject>;
  /** The findings of each checked ApiObject. */
  readonly findings: ReadonlyMap<ApiObject, GuardrailFinding[]>;
  /** The ApiObjects of each checked chart. */
  readonly objects: ReadonlyMap<Chart, ApiObject[]>;
  /** Direct children of each checked chart when the run was made (a cheap staleness test). */
  readonly sizes: ReadonlyMap<Chart, number>;
  /** JSON of the checked objects. */
  readonly subjects: ReadonlySet<JsonObject>;
  readonly report: GuardrailsReport;
  /** The root of the app. */
  readonly root: IConstruct;
}

const enabled = new WeakSet<Chart>();
const runs = new WeakMap<IConstruct, AppRun>();
/** The construct path of every JSON object rendered by a run. */
const paths = new WeakMap<JsonObject, string>();
/** The run each JSON object came from. */
const origin = new WeakMap<JsonObject, AppRun>();
const reporting = new WeakSet<ApiObject>();
/** Apps whose run is being made (a validation must not ask for it meanwhile). */
const making = new WeakSet<IConstruct>();

/** Checks the chart of `scope` at every synth (once per chart, however often it is called). */
export function registerGuardrails(scope: IConstruct): void {
  const chart = Chart.of(scope);
  if (enabled.has(chart)) return;
  enabled.add(chart);
  chart.node.addValidation({ validate: () => validateChart(chart) });
}

/**
 * Runs (or reuses) the app's check run and makes every ApiObject of the chart
 * report its own findings. A chart is validated before its descendants, so
 * the validations added here run in the same pass.
 */
function validateChart(chart: Chart): string[] {
  const run = currentRun(chart);
  for (const o of run.objects.get(chart) ?? []) {
    if (reporting.has(o)) continue;
    reporting.add(o);
    // the chart's validation (earlier in the same pass) has refreshed the run already
    o.node.addValidation({ validate: () => ((runs.get(o.node.root) ?? currentRun(o.chart)).findings.get(o) ?? []).map(findingText) });
  }
  return [];
}

/** The check run of the app of `chart`, made now unless a fresh one exists. */
function currentRun(chart: Chart): AppRun {
  const root = chart.node.root;
  const cached = runs.get(root);
  if (cached && (!enabled.has(chart) || cached.sizes.get(chart) === chart.node.children.length)) return cached;
  if (making.has(root)) throw new Error(`[${chart.node.path}] the guardrails were asked for while they were being computed (by a construct's validation?)`);
  making.add(root);
  let run: AppRun;
  try {
    run = makeRun(root);
  } finally {
    making.delete(root);
  }
  runs.set(root, run);
  queueMicrotask(() => {
    if (runs.get(root) === run) runs.delete(root);
  });
  printWaivers(run.report.waivers);
  return run;
}

/** Renders every ApiObject of the app (each once) and checks those of enabled charts. */
function makeRun(root: IConstruct): AppRun {
  const json = new Map<ApiObject, JsonObject>();
  const byJson = new Map<JsonObject, ApiObject>();
  const objects = new Map<Chart, ApiObject[]>();
  const subjects: JsonObject[] = [];
  const all = root.node.findAll();
  const unrendered = new Map<ApiObject, GuardrailFinding>();
  // Constructs whose props are wrong report that themselves; their output is judged once they are right.
  const troubled = new Set(all.filter((c) => !ApiObject.isApiObject(c) && !Chart.isChart(c) && c !== root && hasProblems(c)));
  const sizes = new Map<Chart, number>();
  for (const c of all) {
    if (Chart.isChart(c) && enabled.has(c)) {
      sizes.set(c, c.node.children.length);
      objects.set(c, []);
    }
    if (!ApiObject.isApiObject(c)) continue;
    const subject = enabled.has(c.chart) && !c.node.scopes.some((s) => troubled.has(s));
    if (subject) objects.get(c.chart)?.push(c);
    let j: JsonObject;
    try {
      j = c.toJson();
    } catch (e) {
      if (subject) unrendered.set(c, renderFinding(c, e));
      continue;
    }
    json.set(c, j);
    paths.set(j, c.node.path);
    if (!subject) continue;
    subjects.push(j);
    byJson.set(j, c);
  }
  const report = runChecks([...json.values()], { subjects, pathOf: (j) => paths.get(j), extra: [...unrendered.values()] });
  const findings = new Map<ApiObject, GuardrailFinding[]>([...unrendered].map(([o, f]) => [o, [f]]));
  for (const f of report.findings) {
    const source = sourceOf(f);
    const o = source && byJson.get(source);
    if (!o) continue;
    const l = findings.get(o);
    if (l) l.push(f);
    else findings.set(o, [f]);
  }
  const run: AppRun = { json, findings, objects, sizes, subjects: new Set(subjects), report, root };
  for (const j of json.values()) origin.set(j, run);
  return run;
}

/** Whether a construct's own validations report something (one that needs the guardrails itself counts as fine here). */
function hasProblems(c: IConstruct): boolean {
  try {
    return c.node.validate().length > 0;
  } catch {
    return false; // it runs again in the validation pass, when the run exists
  }
}

/** The finding of an ApiObject whose toJson() threw. */
function renderFinding(o: ApiObject, e: unknown): GuardrailFinding {
  const detail = (e instanceof Error ? e.message : String(e)).replace(/^Failed serializing construct at path '[^']*' with name '[^']*': /, '').replace(/^[A-Za-z]*Error: /, '');
  return {
    checkId: RENDER_CHECK.id, area: RENDER_CHECK.area, fix: renderFix(detail), constructPath: o.node.path,
    object: { apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata.namespace !== undefined ? { namespace: o.metadata.namespace } : {}), name: o.name },
    message: `cannot be rendered: ${detail}`,
  };
}

function printWaivers(waivers: readonly GuardrailWaiver[]): void {
  if (!waivers.length) return;
  console.warn(`cdk8s-tiers guardrails: ${waivers.length} waived finding${waivers.length === 1 ? '' : 's'}:\n  ${waivers.map(waiverLine).join('\n  ')}`);
}

/**
 * The manifests of `chart` in the order `chart.toJson()` gives them, rendered
 * once for this synth and shared with the guardrails (do not modify them).
 */
export function manifestsOf(chart: Chart): JsonObject[] {
  const run = currentRun(chart);
  return new DependencyGraph(chart.node).topology()
    .filter((c): c is ApiObject => ApiObject.isApiObject(c) && Chart.of(c) === chart)
    .map((o) => run.json.get(o) ?? o.toJson());
}

/**
 * The JSON of one ApiObject as rendered for the guardrails in this synth (read-only),
 * or `o.toJson()` when no current run has it (it throws like toJson() when the object cannot be rendered).
 */
export function manifestOf(o: ApiObject): JsonObject {
  return runs.get(o.node.root)?.json.get(o) ?? o.toJson();
}

/**
 * The findings of `objects` as problem lines (`[construct/path] check-id: ...`):
 * from the current run when they all came from it, else from a fresh run over
 * them (which prints its waivers).
 */
export function problemsOf(objects: readonly JsonObject[]): string[] {
  const run = objects.length ? origin.get(objects[0]) : undefined;
  if (run && runs.get(run.root) === run && objects.every((o) => run.subjects.has(o))) {
    const wanted = new Set<unknown>(objects);
    return run.report.findings.filter((f) => wanted.has(sourceOf(f))).map(findingLine);
  }
  const report = runChecks(objects, { pathOf: (j) => paths.get(j) });
  printWaivers(report.waivers);
  return report.findings.map(findingLine);
}

/** A fresh check of `chart` (the other objects of its app are context); prints nothing. */
export function checkChart(chart: Chart): GuardrailsReport {
  const all: JsonObject[] = [];
  const subjects: JsonObject[] = [];
  const unrendered: GuardrailFinding[] = [];
  for (const c of chart.node.root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    let j: JsonObject;
    try {
      j = c.toJson();
    } catch (e) {
      if (c.chart === chart) unrendered.push(renderFinding(c, e));
      continue;
    }
    paths.set(j, c.node.path);
    all.push(j);
    if (c.chart === chart) subjects.push(j);
  }
  return runChecks(all, { subjects, pathOf: (j) => paths.get(j), extra: unrendered });
}
