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
import { AppGuardrails, checkChart, manifestsOf, problemsOf } from './synth';
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
 * Every chart of an app that holds a construct of this library (and every
 * chart of a GitOpsApp) is checked at synth already; use
 * {@link Guardrails.enable} for other apps and {@link Guardrails.check} /
 * {@link Guardrails.assert} in tests. Nothing is cached: every call renders
 * and checks the tree as it is.
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
      throwProblem('Guardrails.formatFinding', {
        prop: 'finding',
        value: finding,
        rule: 'must be a GuardrailFinding',
        fix: 'pass a finding of a GuardrailsReport',
      });
    }
    return findingLine(finding);
  }

  /**
   * Checks every chart of the app of `scope` at every synth, like the library's
   * own constructs do: `app.synth()` then throws one TiersError with every
   * problem of the app. (A GitOpsApp checks everything it writes already.)
   */
  public static enable(scope: IConstruct): void {
    AppGuardrails.enable(constructArg('Guardrails.enable', scope));
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

  /** Checks manifest objects as synthesized or read from YAML (findings name the object: there are no construct paths). */
  public static checkManifests(objects: { [key: string]: unknown }[]): GuardrailsReport {
    return runChecks(manifestsArg('Guardrails.checkManifests', objects)).report;
  }

  /**
   * The findings of `objects`, checked now, as problem lines
   * `[Kind namespace/name] check-id: ...`; prints the waivers. The hook of a
   * writer: `(objects) => Guardrails.problemsOf(objects)`.
   */
  public static problemsOf(objects: { [key: string]: unknown }[]): string[] {
    return problemsOf(manifestsArg('Guardrails.problemsOf', objects));
  }

  /**
   * The manifests of `chart`, rendered now, in the order of `chart.toJson()`
   * (without validating the app). Each call renders again: later changes of
   * the tree are always in the result.
   */
  public static manifestsOf(chart: Chart): { [key: string]: unknown }[] {
    return manifestsOf(chartArg('Guardrails.manifestsOf', chart));
  }

  /** The JSON of one ApiObject, rendered now (`apiObject.toJson()`). */
  public static manifestOf(apiObject: ApiObject): { [key: string]: unknown } {
    if (!ApiObject.isApiObject(apiObject))
      throwProblem('Guardrails.manifestOf', { prop: 'apiObject', value: apiObject, rule: 'must be an ApiObject', fix: 'pass an ApiObject of the tree' });
    return apiObject.toJson();
  }

  private constructor() {}
}

/** The argument `scope` of `method`, when it is a construct; else the library's error. */
function constructArg(method: string, scope: IConstruct): IConstruct {
  const s: unknown = scope;
  if (!isInChart(s)) {
    throwProblem(method, {
      prop: 'scope',
      value: isConstruct(s) ? s.node.path : s,
      rule: 'must be a Chart or a construct inside one',
      fix: 'pass a chart or a construct inside one',
    });
  }
  return scope;
}

/** The argument `chart` of `method`, when it is a chart; else the library's error. */
function chartArg(method: string, chart: Chart): Chart {
  const c: unknown = chart;
  if (!isConstruct(c) || !Chart.isChart(c))
    throwProblem(method, {
      prop: 'chart',
      value: isConstruct(c) ? c.node.path : c,
      rule: 'must be a Chart',
      fix: 'pass the chart to check (Chart.of(construct) finds it)',
    });
  return chart;
}

/** The argument `objects` of `method`, when it is a list of manifest objects; else the library's error naming each bad entry. */
function manifestsArg(method: string, objects: { [key: string]: unknown }[]): { [key: string]: unknown }[] {
  if (!Array.isArray(objects))
    throwProblem(method, {
      prop: 'objects',
      value: objects,
      rule: 'must be a list of manifest objects',
      fix: 'pass the objects as synthesized or read from YAML, e.g. Testing.synth(chart)',
    });
  const bad = objects.map((o, i) => [o, i] as const).filter(([o]) => !isObject(o));
  if (bad.length) {
    throw new TiersError(
      bad.map(([o, i]) =>
        toProblem(method, {
          prop: `objects[${i}]`,
          value: o,
          rule: 'must be a manifest object (with apiVersion, kind and metadata)',
          fix: 'remove it from the list; a YAML document that is empty reads as null',
        }),
      ),
    );
  }
  return objects;
}
