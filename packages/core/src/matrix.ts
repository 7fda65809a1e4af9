/**
 * The matrix form: `each: [red, blue]` makes one asset per value (`${each}`), and
 * `each: { color: [red, blue], size: [s, l] }` one per combination (`${color}`, `${size}`).
 */
export type MatrixSpec = Array<string | number> | Record<string, Array<string | number>>;

export function matrixCombinations(spec: MatrixSpec): Array<Record<string, string>> {
  const axes: Array<[string, string[]]> = Array.isArray(spec)
    ? [['each', spec.map(String)]]
    : Object.entries(spec).map(([name, values]) => [name, values.map(String)]);
  let combos: Array<Record<string, string>> = [{}];
  for (const [name, values] of axes) {
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
  }
  return combos;
}

/** How many assets a matrix makes, without making them. */
export function matrixSize(spec: MatrixSpec): number {
  const axes = Array.isArray(spec) ? [spec] : Object.values(spec);
  return axes.reduce((n, values) => n * (Array.isArray(values) ? values.length : 1), 1);
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Names used as `${name}` in a string. */
function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Substitute `${name}` in every string of a value; unknown names are left for validation. */
export function substitute<T>(value: T, vars: Record<string, string>): T {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(vars, name) ? vars[name]! : whole)) as T;
  }
  if (Array.isArray(value)) return (value as unknown[]).map((v) => substitute(v, vars)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, vars)])) as T;
  }
  return value;
}

/** Every `${name}` left in a value, for "unknown matrix variable" errors. */
export function unresolved(value: unknown): string[] {
  if (typeof value === 'string') return placeholders(value);
  if (Array.isArray(value)) return value.flatMap(unresolved);
  if (value && typeof value === 'object') return Object.values(value).flatMap(unresolved);
  return [];
}
