/**
 * Orders addresses for connection attempts as Happy Eyeballs v2 does (RFC 8305 §4): keep the
 * resolver's order within each family (it already applied RFC 6724 destination selection),
 * start with the family of the first address, then interleave the families, taking "First
 * Address Family Count" addresses of the preferred family first.
 */
export function happyEyeballsOrder<T extends { family: 4 | 6 }>(
  addresses: readonly T[],
  firstFamilyCount = 1,
): T[] {
  if (addresses.length === 0) return [];
  const preferred = addresses[0]!.family;
  const first = addresses.filter((a) => a.family === preferred);
  const other = addresses.filter((a) => a.family !== preferred);
  const ordered: T[] = first.splice(0, Math.max(1, firstFamilyCount));
  while (first.length > 0 || other.length > 0) {
    const o = other.shift();
    if (o) ordered.push(o);
    const f = first.shift();
    if (f) ordered.push(f);
  }
  return ordered;
}
