/**
 * Stable slots for virtualized rows: a row that stays in view keeps its slot, a row that enters
 * takes the slot a leaving row freed. Used as React keys, the slots let scrolling re-fill the
 * row elements that scrolled out instead of removing and creating elements, and never reorder
 * the ones that stay (keys by index modulo the window size would shift whenever the window's
 * size changes by one row).
 */
export class RowSlots {
  private slotByIndex = new Map<number, number>();
  private free: number[] = [];
  private next = 0;

  /** Slot of each index, in the order given. */
  assign(indices: readonly number[]): number[] {
    const visible = new Set(indices);
    for (const [index, slot] of this.slotByIndex) {
      if (!visible.has(index)) {
        this.slotByIndex.delete(index);
        this.free.push(slot);
      }
    }
    // Lowest free slot first, so the slot range stays as small as the window.
    this.free.sort((a, b) => b - a);
    return indices.map((index) => {
      let slot = this.slotByIndex.get(index);
      if (slot === undefined) {
        slot = this.free.pop() ?? this.next++;
        this.slotByIndex.set(index, slot);
      }
      return slot;
    });
  }

  /** Forget everything (the list was replaced). */
  reset(): void {
    this.slotByIndex.clear();
    this.free = [];
    this.next = 0;
  }
}
