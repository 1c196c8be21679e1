import { IConstruct } from 'constructs';
import { collectProblemDetails, TiersError, TiersProblem, toProblem } from './_errors';
import { isConstruct } from './_rules';

export { TiersProblem } from './_errors';

/**
 * The library's errors, in a form every jsii language can use.
 *
 * What the library throws (from `app.synth()`, `cdk8s synth`, `GitOpsApp`,
 * `Guardrails.assert`, ...) is an `Error` named `TiersError` whose message
 * lists every problem, one a line: `[construct/path] prop: got value; rule. Fix: ...`.
 * Its class is not part of the public API (jsii cannot export a class that
 * extends `Error`); read the structured problems of a caught error with
 * {@link TiersProblems.fromError}, or check a tree without synthesizing it
 * with {@link TiersProblems.collect}.
 */
export class TiersProblems {
  /** Whether `caught` is the library's error (`TiersError`). */
  public static isTiersError(caught: unknown): boolean {
    return TiersError.is(caught);
  }

  /** The problems of a caught error: each problem of the library's error, or none for any other value. */
  public static fromError(caught: unknown): TiersProblem[] {
    return TiersError.is(caught) ? [...caught.details] : [];
  }

  /**
   * Every problem below `scope` that a synth would report (the library's own,
   * the guardrails' and any other validation's), without synthesizing or
   * writing anything.
   */
  public static collect(scope: IConstruct): TiersProblem[] {
    if (!isConstruct(scope)) {
      return [
        toProblem('TiersProblems.collect', {
          prop: 'scope',
          value: scope,
          rule: 'must be a construct',
          fix: 'pass the app, a chart or a construct of the tree',
        }),
      ];
    }
    return collectProblemDetails(scope);
  }

  /** A problem as the one line the library prints: `[path] prop: got value; rule. Fix: fix`. */
  public static format(problem: TiersProblem): string {
    return problem?.message ?? String(problem);
  }

  private constructor() {}
}
