/**
 * The guardrails as a public API: for users' own tests, for charts without
 * any library construct, and for the GitOps writer.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { TiersError } from '../_errors';
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
    return findingLine(finding);
  }

  /**
   * Checks every chart of the app of `scope` at every synth, like the library's
   * own constructs do: `app.synth()` then throws one TiersError with every
   * problem of the app. (A GitOpsApp checks everything it writes already.)
   */
  public static enable(scope: IConstruct): void {
    AppGuardrails.enable(scope);
  }

  /** Checks every object of `chart` now (the rest of its app is context: references, node port clashes). Prints nothing. */
  public static check(chart: Chart): GuardrailsReport {
    return checkChart(chart);
  }

  /** Throws one {@link TiersError} listing every finding of `chart`, each with its construct path. */
  public static assert(chart: Chart): void {
    const { findings } = checkChart(chart);
    if (findings.length) throw new TiersError(findings.map(findingLine));
  }

  /** Checks manifest objects as synthesized or read from YAML (findings name the object: there are no construct paths). */
  public static checkManifests(objects: { [key: string]: unknown }[]): GuardrailsReport {
    return runChecks(objects).report;
  }

  /**
   * The findings of `objects`, checked now, as problem lines
   * `[Kind namespace/name] check-id: ...`; prints the waivers. The hook of a
   * writer: `(objects) => Guardrails.problemsOf(objects)`.
   */
  public static problemsOf(objects: { [key: string]: unknown }[]): string[] {
    return problemsOf(objects);
  }

  /**
   * The manifests of `chart`, rendered now, in the order of `chart.toJson()`
   * (without validating the app). Each call renders again: later changes of
   * the tree are always in the result.
   */
  public static manifestsOf(chart: Chart): { [key: string]: unknown }[] {
    return manifestsOf(chart);
  }

  /** The JSON of one ApiObject, rendered now (`apiObject.toJson()`). */
  public static manifestOf(apiObject: ApiObject): { [key: string]: unknown } {
    return apiObject.toJson();
  }

  private constructor() {}
}
