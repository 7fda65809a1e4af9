import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { closest } from 'fastest-levenshtein';
import { similar } from './did-you-mean.js';
import type { Diagnostic } from './errors.js';
import { locate, type NodePosition } from './yaml-positions.js';

let compiled: ValidateFunction | undefined;

/** The published JSON Schema of `assets.yaml` (also what editors use for autocompletion). */
export function manifestSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('../schema/assets.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
}

/** Compiled at build time by `scripts/gen-schema.mjs` (ajv standalone code, same options). */
function validator(): ValidateFunction {
  compiled ??= createRequire(import.meta.url)('../schema/assets.validator.cjs') as ValidateFunction;
  return compiled;
}

/** Schema findings as diagnostics at the right line:col, one per real problem. */
export function checkSchema(value: unknown, positions: Map<string, NodePosition>, file: string): Diagnostic[] {
  const validate = validator();
  if (validate(value)) return [];
  return toDiagnostics(validate.errors ?? [], positions, file);
}

function toDiagnostics(errors: ErrorObject[], positions: Map<string, NodePosition>, file: string): Diagnostic[] {
  const kept = pruneOneOf(errors);
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const e of kept) {
    const d = withHint(describe(e, positions, file), e);
    const key = `${d.location.line}:${d.location.col}:${d.code}:${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

/**
 * ajv reports a failed `oneOf` together with every branch's own failures. Keep the branch the
 * user evidently meant (the one whose type matched), else one message for the whole `oneOf`.
 */
function pruneOneOf(errors: ErrorObject[]): ErrorObject[] {
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  if (oneOfs.length === 0) return errors;
  const drop = new Set<ErrorObject>();
  for (const o of oneOfs) {
    const prefix = `${o.schemaPath}/`;
    const branchErrors = errors.filter((e) => e !== o && e.schemaPath.startsWith(prefix));
    const byBranch = new Map<string, ErrorObject[]>();
    for (const e of branchErrors) {
      const branch = e.schemaPath.slice(prefix.length).split('/')[0]!;
      byBranch.set(branch, [...(byBranch.get(branch) ?? []), e]);
    }
    const typeMatched = [...byBranch.values()].filter(
      (errs) => !errs.some((e) => e.instancePath === o.instancePath && (e.keyword === 'type' || e.keyword === 'enum' || e.keyword === 'const' || e.keyword === 'pattern')),
    );
    if (typeMatched.length === 1) {
      drop.add(o);
      for (const errs of byBranch.values()) if (errs !== typeMatched[0]) errs.forEach((e) => drop.add(e));
    } else {
      branchErrors.forEach((e) => drop.add(e));
    }
  }
  const pruned = errors.filter((e) => !drop.has(e));
  return pruned.length === errors.length ? pruned : pruneOneOf(pruned);
}

function fieldName(pointer: string): string {
  const last = pointer.slice(pointer.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
  return /^\d+$/.test(last) ? `item ${last}` : last || 'the manifest';
}

function describe(e: ErrorObject, positions: Map<string, NodePosition>, file: string): Diagnostic {
  const at = (pointer: string, preferKey = false) => locate(positions, pointer, file, preferKey);
  const name = fieldName(e.instancePath);
  const schema = (e.parentSchema ?? {}) as { description?: string };
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys((schema as { properties?: object }).properties ?? {});
      const guess = allowed.length ? closest(key, allowed) : undefined;
      const d: Diagnostic = {
        severity: 'error',
        code: 'E_UNKNOWN_KEY',
        message: `unknown key "${key}" in ${name}`,
        location: at(`${e.instancePath}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, true),
      };
      d.hint = guess && similar(key, guess) ? `did you mean "${guess}"?` : allowed.length ? `known keys: ${allowed.join(', ')}` : 'remove it';
      if (e.instancePath.endsWith('/params')) d.hint = 'put API fields the catalog does not know under `params:`';
      return d;
    }
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { severity: 'error', code: 'E_REQUIRED', message: `${name} needs "${missing}"`, location: at(e.instancePath, true) };
    }
    case 'type':
      return {
        severity: 'error',
        code: 'E_TYPE',
        message: `${name} must be ${article((e.params as { type: string | string[] }).type)}`,
        location: at(e.instancePath),
        ...(schema.description ? { hint: schema.description } : {}),
      };
    case 'enum': {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      const d: Diagnostic = {
        severity: 'error',
        code: 'E_VALUE',
        message: `${name} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
        location: at(e.instancePath),
      };
      const words = allowed.filter((v): v is string => typeof v === 'string');
      const guess = typeof e.data === 'string' && words.length ? closest(e.data, words) : undefined;
      if (guess && similar(e.data as string, guess)) d.hint = `did you mean "${guess}"?`;
      else if (schema.description) d.hint = schema.description;
      return d;
    }
    case 'uniqueItems': {
      const { i } = e.params as { i: number; j: number };
      const item = (e.data as unknown[])[i];
      return {
        severity: 'error',
        code: 'E_DUPLICATE',
        message: `${name} lists ${JSON.stringify(item)} twice`,
        location: at(`${e.instancePath}/${i}`),
        hint: 'list each value once',
      };
    }
    case 'const':
      return {
        severity: 'error',
        code: 'E_VALUE',
        message: `${name} must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`,
        location: at(e.instancePath),
      };
    case 'minimum':
    case 'maximum':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'minProperties':
    case 'maxProperties':
      return {
        severity: 'error',
        code: 'E_RANGE',
        message: `${name} ${e.message ?? 'is out of range'}`,
        location: at(e.instancePath),
        ...(schema.description ? { hint: schema.description } : {}),
      };
    case 'pattern':
      return {
        severity: 'error',
        code: 'E_VALUE',
        message: `${name} ${JSON.stringify(e.data)} is not ${schema.description ?? `in the form ${(e.params as { pattern: string }).pattern}`}`,
        location: at(e.instancePath),
      };
    case 'oneOf':
      return {
        severity: 'error',
        code: 'E_TYPE',
        message: `${name} has the wrong form`,
        location: at(e.instancePath),
        ...(schema.description ? { hint: schema.description } : {}),
      };
    default:
      return { severity: 'error', code: 'E_SCHEMA', message: `${name} ${e.message ?? 'is invalid'}`, location: at(e.instancePath) };
  }
}

/**
 * Every finding has a hint: where the schema gives no description, the value as read says what
 * was taken for what (`got 1.5`, `got ""`); a missing key says to add it.
 */
function withHint(d: Diagnostic, e: ErrorObject): Diagnostic {
  if (d.hint) return d;
  if (e.keyword === 'required') return { ...d, hint: `add "${(e.params as { missingProperty: string }).missingProperty}:"` };
  // String(), not JSON, for numbers: JSON writes NaN and Infinity (from `.nan`, `.inf`) as null.
  const shown = typeof e.data === 'number' ? String(e.data) : e.data === undefined ? undefined : JSON.stringify(e.data);
  return shown === undefined || shown.length > 60 ? d : { ...d, hint: `got ${shown}` };
}

/**
 * ajv names a field of several types (`['integer', 'null']`) by the list; `null` there means
 * "leave it unset", which is not worth saying when the value given is of another type.
 */
function article(type: string | string[]): string {
  const types = (Array.isArray(type) ? type : type.split(',')).filter((t) => t !== 'null');
  const t = types.join(' or ');
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}
