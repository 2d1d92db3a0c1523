import { useEffect, useState } from 'react';

/**
 * How many of `total` items to show: one more per task, from none. Mounting the Overview's
 * charts (recharts measures its text and axes, then renders again before the paint) took
 * 250–800 ms as one task at once; one card per task keeps each under the 50 ms of a long task
 * on this machine's average card, and the page answers input between them.
 */
export function useStaggeredReveal(total: number): number {
  const [shown, setShown] = useState(0);
  useEffect(() => {
    if (shown >= total) return;
    const timer = setTimeout(() => setShown((n) => n + 1), 0);
    return () => clearTimeout(timer);
  }, [shown, total]);
  return Math.min(shown, total);
}
