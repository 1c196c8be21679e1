/**
 * The shape of one named check, and what a check sees while it runs: the
 * index of every object, the objects it must judge, and a way to report.
 */
import { GuardrailArea } from './findings';
import { JsonObject } from '../_json';
import { ManifestIndex, PodOwner } from './manifests';

/** What a check reports: the object at fault and what is wrong with it. */
export interface CheckContext {
  /** Every object of the run, for references between objects. */
  readonly index: ManifestIndex;
  /** The objects to judge (a subset of the index: those of the charts being checked). */
  readonly subjects: readonly JsonObject[];
  /** The subjects that run pods. */
  readonly podSubjects: readonly PodOwner[];
  /** The subjects of one kind. */
  subjectsOfKind(kind: string): readonly JsonObject[];
  /** Records that `object` breaks the check, with what is wrong. */
  report(object: JsonObject, message: string): void;
}

/** One named rule. */
export interface Check {
  /** Stable id, `<area>/<name>`: used in messages, waivers and the plugin report. */
  readonly id: string;
  readonly area: GuardrailArea;
  /** What the rule asks for, in one sentence. */
  readonly title: string;
  /** How to fix a finding. */
  readonly fix: string;
  /** Reports every finding among the subjects. */
  run(ctx: CheckContext): void;
}

/** Defines a check (a typed identity function: keeps the check lists readable). */
export function check(area: GuardrailArea, name: string, title: string, fix: string, run: (ctx: CheckContext) => void): Check {
  return { id: `${area}/${name}`, area, title, fix, run };
}

/** `fn` remembered (for strings) for the check run it is made in: the same names and values come back in every object. */
export function remembered<V, T>(fn: (value: V) => T): (value: V) => T {
  const known = new Map<string, T>();
  return (value) => {
    if (typeof value !== 'string') return fn(value);
    if (known.has(value)) return known.get(value) as T;
    const result = fn(value);
    known.set(value, result);
    return result;
  };
}
