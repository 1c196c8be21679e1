/**
 * Runs every check over a set of manifest objects and applies the waivers:
 * the one function behind synth-time guardrails, the test helpers and the
 * cdk8s validation plugin, so all three report the same findings.
 */
import { API_CHECKS } from './api-rules';
import { Check, CheckContext } from './check';
import { compareFindings, GuardrailArea, GuardrailFinding, GuardrailsReport, GuardrailWaiver } from './findings';
import { JsonObject, text } from '../_json';
import { ManifestIndex, PodOwner, refOf } from './manifests';
import { POLICY_CHECKS } from './policy';
import { RBAC_CHECKS } from './rbac';
import { SCHEMA_CHECKS } from './schema';
import { SECRET_CHECKS } from './secrets';
import { parseWaivers, WAIVER_CHECK } from './waivers';

/** Every check, in the order they run. */
export const ALL_CHECKS: readonly Check[] = [...SCHEMA_CHECKS, ...API_CHECKS, ...POLICY_CHECKS, ...SECRET_CHECKS, ...RBAC_CHECKS, WAIVER_CHECK];

const CHECKS_BY_ID: ReadonlyMap<string, Check> = new Map(ALL_CHECKS.map((c) => [c.id, c]));

/** The check with this id, if there is one. */
export function checkById(id: string): Check | undefined {
  return CHECKS_BY_ID.get(id);
}

/** What one run of the checks found, and the object each finding is about. */
export interface CheckRun {
  readonly report: GuardrailsReport;
  /** The manifest object of each finding (waived ones included). */
  readonly sources: ReadonlyMap<GuardrailFinding, JsonObject>;
}

/** How to run the checks. */
export interface RunOptions {
  /** The objects to judge; the others are only context (references, clashes). @default - all of them */
  readonly subjects?: readonly JsonObject[];
  /** The construct path of an object, for findings. @default - none */
  readonly pathOf?: (o: JsonObject) => string | undefined;
  /** Findings found before the checks ran (e.g. objects that could not be rendered). @default - none */
  readonly extra?: readonly GuardrailFinding[];
}

/** Checks `all` (or the `subjects` among them) and applies waivers; findings and waivers come sorted. */
export function runChecks(all: readonly JsonObject[], options: RunOptions = {}): CheckRun {
  const index = new ManifestIndex(all);
  const subjects = options.subjects ?? all;
  const byKind = new Map<string, JsonObject[]>();
  for (const o of subjects) {
    const k = text(o.kind);
    const l = byKind.get(k);
    if (l) l.push(o);
    else byKind.set(k, [o]);
  }
  const found = new Map<JsonObject, GuardrailFinding[]>();
  const sources = new Map<GuardrailFinding, JsonObject>();
  let current: Check = ALL_CHECKS[0];
  const report = (check: Check, o: JsonObject, message: string) => {
    const path = options.pathOf?.(o);
    const f: GuardrailFinding = {
      checkId: check.id,
      area: check.area,
      object: refOf(o),
      ...(path !== undefined ? { constructPath: path } : {}),
      message,
      fix: check.fix,
    };
    sources.set(f, o);
    const l = found.get(o);
    if (l) l.push(f);
    else found.set(o, [f]);
  };
  const ctx: CheckContext = {
    index,
    subjects,
    podSubjects: subjects.map((o) => index.podOwner(o)).filter((w): w is PodOwner => w !== undefined),
    subjectsOfKind: (kind) => byKind.get(kind) ?? [],
    report: (o, message) => report(current, o, message),
  };
  for (const c of ALL_CHECKS) {
    current = c;
    c.run(ctx);
  }

  const findings: GuardrailFinding[] = [];
  const waivers: GuardrailWaiver[] = [];
  for (const o of subjects) {
    const waived = parseWaivers(o, CHECKS_BY_ID);
    for (const problem of waived.problems) report(WAIVER_CHECK, o, problem);
    const own = found.get(o);
    if (!own) continue;
    for (const f of own) {
      const reason = f.area === GuardrailArea.POLICY ? waived.reasons.get(f.checkId) : undefined;
      if (reason !== undefined) waivers.push({ finding: f, reason });
      else findings.push(f);
    }
  }
  findings.push(...(options.extra ?? []));
  findings.sort(compareFindings);
  waivers.sort((a, b) => compareFindings(a.finding, b.finding));
  return { report: { findings, waivers }, sources };
}
