/**
 * Which parts of a document command's input and output are (un)marshalled: each lib-dynamodb command
 * carries its own table of them (`inputKeyNodes`, `outputKeyNodes`), which the lean client reads from
 * the command itself. This walks such a table as lib-dynamodb's `processKeysInObj` does (it is not
 * exported): `null` converts the value itself, `{}` or `[]` each member, `{"*": n}` each member by
 * `n`, and named keys only those keys, the rest copied as they are.
 */
export type KeyNodes = { [key: string]: KeyNodes } | KeyNodes[] | null;

const convert = (value: unknown, f: (v: any) => unknown, nodes: KeyNodes): unknown => {
  if (value === undefined) return undefined;
  if (nodes === null) return f(value);
  const keys = Object.keys(nodes);
  if (keys.length === 0) return eachMember(value, f);
  if (keys.length === 1 && keys[0] === "*") {
    const inner = (nodes as Record<string, KeyNodes>)["*"] as KeyNodes;
    if (Array.isArray(value)) return value.map((v) => convert(v, f, inner));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as object)) out[k] = convert(v, f, inner);
    return out;
  }
  return convertKeys(value as Record<string, unknown>, f, nodes as Record<string, KeyNodes>);
};

/** Each member converted; an undefined member is left out, never converted (as lib-dynamodb). */
const eachMember = (value: unknown, f: (v: any) => unknown) => {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? undefined : f(v)));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as object)) {
    if (v === undefined) continue;
    const c = f(v);
    if (c !== undefined) out[k] = c;
  }
  return out;
};

/** `obj` with the keys named by `nodes` converted by `f`, and the rest as they are. */
export const convertKeys = <T extends Record<string, unknown>>(obj: T, f: (v: any) => unknown, nodes: Record<string, KeyNodes>): T => {
  if (Array.isArray(obj)) return [...obj] as unknown as T; // as lib-dynamodb: named nodes do not apply to an array
  const out: Record<string, unknown> = { ...obj };
  for (const [k, n] of Object.entries(nodes)) {
    const c = convert(obj[k], f, n);
    if (c !== undefined) out[k] = c;
  }
  return out as T;
};
