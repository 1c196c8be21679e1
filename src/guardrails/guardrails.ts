/**
 * The guardrails as a public API: for users' own tests, for charts without
 * any library construct, and for the GitOps writer.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { TiersError } from '../_errors';
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
    return findingLine(finding);
  }

  /** Checks the chart of `scope` at every synth, like the library's own constructs do. */
  public static enable(scope: IConstruct): void {
    registerGuardrails(scope);
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

  /** Checks manifest objects as synthesized or read from YAML (no construct paths unless they came from {@link Guardrails.manifestsOf}). */
  public static checkManifests(objects: { [key: string]: unknown }[]): GuardrailsReport {
    return runChecks(objects);
  }

  /**
   * The findings of `objects` as problem lines `[construct/path] check-id: ...`:
   * the hook of a writer, `(objects) => Guardrails.problemsOf(objects)`.
   * Objects from {@link Guardrails.manifestsOf} in the same synth are answered
   * from the synth's check run, without checking them again.
   */
  public static problemsOf(objects: { [key: string]: unknown }[]): string[] {
    return problemsOf(objects);
  }

  /**
   * The manifests of `chart`, in the order of `chart.toJson()`, rendered once
   * per synth and shared with the guardrails: a writer that uses these does
   * not render every object twice. Treat them as read-only.
   */
  public static manifestsOf(chart: Chart): { [key: string]: unknown }[] {
    return manifestsOf(chart);
  }

  /**
   * The JSON of one ApiObject as rendered for the guardrails in this synth
   * (read-only), else `apiObject.toJson()`: a writer that renders object by
   * object uses this instead of `toJson()` to render each object once.
   */
  public static manifestOf(apiObject: ApiObject): { [key: string]: unknown } {
    return manifestOf(apiObject);
  }

  private constructor() {}
}
