/** A value written for the filter language: quoted when it holds spaces or quotes (which it cannot hold). */
export function filterValue(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/"/g, '')}"` : value;
}
