/**
 * A bounded heap of the `limit` best entries seen so far: its root is the worst kept entry, so a newcomer
 * costs one comparison when it does not qualify and O(log limit) when it does. Memory stays at `limit`
 * entries whatever the namespace holds.
 */
export class TopHeap<T> {
  private readonly items: T[] = [];

  constructor(
    private readonly limit: number,
    /** True when `a` ranks before `b` in the requested order. */
    private readonly before: (a: T, b: T) => boolean,
  ) {}

  /** True when the entry was kept (it may be pushed out again later). */
  offer(entry: T): boolean {
    const { items } = this;
    if (items.length < this.limit) {
      items.push(entry);
      this.up(items.length - 1);
      return true;
    }
    if (!this.before(entry, items[0])) return false;
    items[0] = entry;
    this.down(0);
    return true;
  }

  sorted(): T[] {
    return [...this.items].sort((a, b) => (this.before(a, b) ? -1 : this.before(b, a) ? 1 : 0));
  }

  // The heap keeps the worst entry on top: a parent never ranks before its children.
  private up(i: number): void {
    const { items } = this;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(items[parent], items[i])) break;
      [items[parent], items[i]] = [items[i], items[parent]];
      i = parent;
    }
  }

  private down(i: number): void {
    const { items } = this;
    for (;;) {
      let worst = i;
      for (const child of [2 * i + 1, 2 * i + 2]) if (child < items.length && this.before(items[worst], items[child])) worst = child;
      if (worst === i) return;
      [items[worst], items[i]] = [items[i], items[worst]];
      i = worst;
    }
  }
}
