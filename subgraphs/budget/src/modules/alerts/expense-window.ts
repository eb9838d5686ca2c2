/**
 * A multiset of amounts that grows and shrinks as a window slides over days, and answers its
 * median in O(log n): a Fenwick tree of counts over the amounts it may ever hold (given up
 * front, compressed to ranks). UNUSUAL_SPENDING asks, for each expense of a batch, the median
 * of the 90 days before it; with a sorted copy per expense an import of 100,000 rows cost
 * minutes of CPU in the budget worker, with this a few milliseconds per batch.
 */
export class ExpenseWindow {
  private readonly values: bigint[];
  private readonly rank = new Map<bigint, number>();
  private readonly tree: Int32Array;
  private readonly step: number;
  private total = 0;

  constructor(amounts: Iterable<bigint>) {
    this.values = [...new Set(amounts)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.values.forEach((v, i) => this.rank.set(v, i + 1));
    this.tree = new Int32Array(this.values.length + 1);
    let step = 1;
    while (step * 2 <= this.values.length) step *= 2;
    this.step = step;
  }

  get size(): number {
    return this.total;
  }

  add(amount: bigint, count = 1): void {
    const rank = this.rank.get(amount);
    if (rank === undefined) throw new Error(`amount ${amount} was not declared to the window`);
    for (let i = rank; i < this.tree.length; i += i & -i) this.tree[i]! += count;
    this.total += count;
  }

  remove(amount: bigint): void {
    this.add(amount, -1);
  }

  /** The k-th smallest amount held (0-based). */
  nth(k: number): bigint {
    if (k < 0 || k >= this.total) throw new RangeError(`no amount ${k} in a window of ${this.total}`);
    let position = 0;
    let left = k;
    for (let step = this.step; step > 0; step >>= 1) {
      const next = position + step;
      if (next < this.tree.length && this.tree[next]! <= left) {
        position = next;
        left -= this.tree[next]!;
      }
    }
    return this.values[position]!;
  }

  /** Twice the median (exact in integers: the two middle amounts added for an even count). */
  doubleMedian(): bigint {
    const mid = Math.floor(this.total / 2);
    return this.total % 2 === 1 ? 2n * this.nth(mid) : this.nth(mid - 1) + this.nth(mid);
  }
}
