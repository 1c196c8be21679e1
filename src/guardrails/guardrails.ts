/**
 * The guardrails as a public API: for users' own tests, for charts without
 * any library construct, and for the GitOps writer.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { throwProblem, TiersError, toProblem } from '../_errors';
import { isConstruct, isInChart, isObject } from '../_rules';
import { ALL_CHECKS, runChecks } from './engine';
import { findingLine, GuardrailArea, GuardrailFinding, GuardrailsReport } from './findings';
import { checkChart, manifestOf, manifestsOf, problemsOf, registerGuardrails } from './synth';
import { WAIVER_ANNOTATION } from './waivers';

/** What one check asks for. */
export interface GuardrailCheckInfo {
  /** Id, e.g. `policy/read-only-root-filesystem` (the key of a waiver). */
  readonly id: string;
  /** Area of the check: only policy checks can be waived. */
  readonly area: GuardrailArea;
  /** The rule, in one sentence. */
  readonly title: string;
  /** How to fix a finding. */
  readonly fix: string;
}

/**
 * Strict Kubernetes 1.28 schema, API-server rules and the security and
 * production policy, over synthesized manifests.
 *
 * Every chart that holds a construct of this library is checked at synth
 * already; use {@link Guardrails.enable} for other charts and
 * {@link Guardrails.check} / {@link Guardrails.assert} in tests.
 */
export class Guardrails {
  /** The annotation that waives policy findings of its object: `"<check-id>=<reason>; ..."`. */
  public static readonly WAIVER_ANNOTATION = WAIVER_ANNOTATION;

  /** Every check, in the order they run. */
  public static checks(): GuardrailCheckInfo[] {
    return ALL_CHECKS.map((c) => ({ id: c.id, area: c.area, title: c.title, fix: c.fix }));
  }

  /** A finding as one problem line: `[construct/path] check-id: Kind namespace/name: message. Fix: ...`. */
  public static formatFinding(finding: GuardrailFinding): string {
    if (!isObject(finding) || !isObject(finding.object)) {
      throwProblem('Guardrails.formatFinding', { prop: 'finding', value: finding, rule: 'must be a GuardrailFinding', fix: 'pass a finding of a GuardrailsReport' });
    }
    return findingLine(finding);
  }

  /** Checks the chart of `scope` at every synth, like the library's own constructs do. */
  public static enable(scope: IConstruct): void {
    registerGuardrails(constructArg('Guardrails.enable', scope));
  }

  /** Checks every object of `chart` now (the rest of its app is context: references, node port clashes). Prints nothing. */
  public static check(chart: Chart): GuardrailsReport {
    return checkChart(chartArg('Guardrails.check', chart));
  }

  /**
   * Throws the library's error (`TiersError`; its problems: {@link TiersProblems.fromError}) listing
   * every finding of `chart`, each with its construct path. Python calls it `assert_`, Java `doAssert`.
   */
  public static assert(chart: Chart): void {
    const { findings } = checkChart(chartArg('Guardrails.assert', chart));
    if (findings.length) throw new TiersError(findings.map(findingLine));
  }

  /** Checks manifest objects as synthesized or read from YAML (no construct paths unless they came from {@link Guardrails.manifestsOf}). */
  public static checkManifests(objects: { [key: string]: unknown }[]): GuardrailsReport {
    return runChecks(manifestsArg('Guardrails.checkManifests', objects));
  }

  /**
   * The findings of `objects` as problem lines `[construct/path] check-id: ...`:
   * the hook of a writer, `(objects) => Guardrails.problemsOf(objects)`.
   * Objects from {@link Guardrails.manifestsOf} in the same synth are answered
   * from the synth's check run, without checking them again.
   */
  public static problemsOf(objects: { [key: string]: unknown }[]): string[] {
    return problemsOf(manifestsArg('Guardrails.problemsOf', objects));
  }

  /**
   * The manifests of `chart`, in the order of `chart.toJson()`, rendered once
   * per synth and shared with the guardrails: a writer that uses these does
   * not render every object twice. Treat them as read-only.
   */
  public static manifestsOf(chart: Chart): { [key: string]: unknown }[] {
    return manifestsOf(chartArg('Guardrails.manifestsOf', chart));
  }

  /**
   * The JSON of one ApiObject as rendered for the guardrails in this synth
   * (read-only), else `apiObject.toJson()`: a writer that renders object by
   * object uses this instead of `toJson()` to render each object once.
   */
  public static manifestOf(apiObject: ApiObject): { [key: string]: unknown } {
    if (!ApiObject.isApiObject(apiObject)) throwProblem('Guardrails.manifestOf', { prop: 'apiObject', value: apiObject, rule: 'must be an ApiObject', fix: 'pass an ApiObject of the tree' });
    return manifestOf(apiObject);
  }

  private constructor() {}
}

/** The argument `scope` of `method`, when it is a construct; else the library's error. */
function constructArg(method: string, scope: IConstruct): IConstruct {
  const s: unknown = scope;
  if (!isInChart(s)) {
    throwProblem(method, { prop: 'scope', value: isConstruct(s) ? s.node.path : s, rule: 'must be a Chart or a construct inside one', fix: 'pass a chart or a construct inside one' });
  }
  return scope;
}

/** The argument `chart` of `method`, when it is a chart; else the library's error. */
function chartArg(method: string, chart: Chart): Chart {
  const c: unknown = chart;
  if (!isConstruct(c) || !Chart.isChart(c)) throwProblem(method, { prop: 'chart', value: isConstruct(c) ? c.node.path : c, rule: 'must be a Chart', fix: 'pass the chart to check (Chart.of(construct) finds it)' });
  return chart;
}

/** The argument `objects` of `method`, when it is a list of manifest objects; else the library's error naming each bad entry. */
function manifestsArg(method: string, objects: { [key: string]: unknown }[]): { [key: string]: unknown }[] {
  if (!Array.isArray(objects)) throwProblem(method, { prop: 'objects', value: objects, rule: 'must be a list of manifest objects', fix: 'pass the objects as synthesized or read from YAML, e.g. Testing.synth(chart)' });
  const bad = objects.map((o, i) => [o, i] as const).filter(([o]) => !isObject(o));
  if (bad.length) {
    throw new TiersError(bad.map(([o, i]) => toProblem(method, {
      prop: `objects[${i}]`, value: o, rule: 'must be a manifest object (with apiVersion, kind and metadata)', fix: 'remove it from the list; a YAML document that is empty reads as null',
    })));
  }
  return objects;
}
