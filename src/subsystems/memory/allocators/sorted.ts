/** Binary search, insertion and removal on an ascending array of distinct numbers. */

/** Index of the first element ≥ value (the array's length when there is none). */
export function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function includesSorted(sorted: readonly number[], value: number): boolean {
  return sorted[lowerBound(sorted, value)] === value;
}

export function insertSorted(sorted: number[], value: number): void {
  sorted.splice(lowerBound(sorted, value), 0, value);
}

/** Removes `value`; whether it was there. */
export function removeSorted(sorted: number[], value: number): boolean {
  const i = lowerBound(sorted, value);
  if (sorted[i] !== value) return false;
  sorted.splice(i, 1);
  return true;
}
