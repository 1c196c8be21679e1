/**
 * Kubernetes resource quantities ("250m", "128Mi", "1.5G", "1e3"): syntax and value.
 */
import { Problems } from './_errors';

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))([KMGTPE]i|[mkMGTPE]|[eE][+-]?\d+)?$/;
const MULTIPLIER: Record<string, number> = {
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The numeric value of a quantity (cores or bytes), or undefined when it is not one. */
export function quantityValue(q: unknown): number | undefined {
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q);
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2];
  if (!suffix) return n;
  if (/^[eE]/.test(suffix)) return Number(m[1] + suffix);
  return n * MULTIPLIER[suffix];
}

/** Checks that `value` is a positive quantity; returns whether it passed. */
export function checkQuantity(problems: Problems, prop: string, value: unknown, example: string): value is string {
  const n = quantityValue(value);
  if (n !== undefined && n > 0 && Number.isFinite(n)) return true; // (the message is made only when it is reported)
  return problems.fail({
    prop,
    value,
    rule: 'must be a positive Kubernetes quantity such as "250m", "128Mi" or "1Gi"',
    fix: `write ${prop} like "${example}"`,
  });
}

/** Checks that a request does not exceed its limit (both already valid quantities). */
export function checkRequestWithinLimit(problems: Problems, requestProp: string, request: string, limitProp: string, limit: string): void {
  const r = quantityValue(request);
  const l = quantityValue(limit);
  if (r === undefined || l === undefined || r <= l) return;
  problems.add({
    prop: requestProp,
    value: request,
    rule: `must not exceed ${limitProp} (${limit}); the API server rejects a request above its limit`,
    fix: `lower ${requestProp} or raise ${limitProp}`,
  });
}
