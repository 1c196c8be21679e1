/**
 * Waivers: a policy finding is accepted for one object when the object says so,
 * with a reason, in one annotation:
 *
 *   guardrails.cdk8s-tiers.io/waive: "policy/read-only-root-filesystem=the vendor image writes to /app/cache; policy/image-pull-policy=air-gapped mirror"
 *
 * Entries are separated by ";", each `<check-id>=<reason>`. Schema and API
 * findings cannot be waived (the cluster would reject the object anyway); a
 * waiver without a reason, for an unknown check or for a schema/API check is
 * itself a finding.
 */
import { show } from '../_errors';
import { check, Check } from './check';
import { GuardrailArea } from './findings';
import { obj } from '../_json';

/** The annotation that waives policy findings of its object. */
export const WAIVER_ANNOTATION = 'guardrails.cdk8s-tiers.io/waive';

/** The check that reports malformed waivers (it cannot itself be waived). */
export const WAIVER_CHECK: Check = check(
  GuardrailArea.POLICY,
  'waiver',
  `every entry of the ${WAIVER_ANNOTATION} annotation is "<policy-check-id>=<reason>"`,
  'write entries like "policy/read-only-root-filesystem=<why it is acceptable>", separated by ";" (schema and api findings must be fixed, not waived)',
  () => undefined,
);

/** The waivers of one object: check id to reason, and what is wrong with the annotation. */
export interface ParsedWaivers {
  readonly reasons: ReadonlyMap<string, string>;
  readonly problems: readonly string[];
}

const NONE: ParsedWaivers = { reasons: new Map(), problems: [] };

/** Reads the waiver annotation of an object; `checks` are the known checks by id. */
export function parseWaivers(object: unknown, checks: ReadonlyMap<string, Check>): ParsedWaivers {
  const value = obj(obj(obj(object).metadata).annotations)[WAIVER_ANNOTATION];
  if (value === undefined) return NONE;
  if (typeof value !== 'string') return { reasons: new Map(), problems: [`${WAIVER_ANNOTATION} must be a string, got ${show(value)}`] };
  const reasons = new Map<string, string>();
  const problems: string[] = [];
  for (const entry of value
    .split(';')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const eq = entry.indexOf('=');
    const id = (eq >= 0 ? entry.slice(0, eq) : entry).trim();
    const reason = eq >= 0 ? entry.slice(eq + 1).trim() : '';
    const known = checks.get(id);
    if (!known) problems.push(`waiver ${show(id)} names no check`);
    else if (known.area !== GuardrailArea.POLICY || known === WAIVER_CHECK)
      problems.push(`waiver ${show(id)}: ${known.area} findings cannot be waived, they must be fixed`);
    else if (reason === '') problems.push(`waiver ${show(id)} has no reason (write "${id}=<why it is acceptable>")`);
    else if (reasons.has(id)) problems.push(`waiver ${show(id)} is given twice`);
    else reasons.set(id, reason);
  }
  return { reasons, problems };
}
