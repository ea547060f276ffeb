// A deep copy with every object's keys in sorted order (undefined values dropped, as JSON drops them): the layout
// of canonical JSON for hashing, and of Python's json.dump(sort_keys=True).
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .filter((k) => obj[k] !== undefined)
        .map((k) => [k, sortKeysDeep(obj[k])]),
    );
  }
  return value;
}
