/** An item of a {@link LinkedList}: it carries its own links. */
export interface Linked<T> {
  prev: T | undefined;
  next: T | undefined;
}

/**
 * A list of items that carry their own links, oldest first: adding and removing an item allocates
 * nothing. For what comes and goes once per delivery: a Map or Set that gains and loses an entry
 * each time allocates a new table every few deliveries, and one that lives as long as a trigger
 * allocates it with the long-lived objects, which only full collections free.
 *
 * @internal
 */
export class LinkedList<T extends Linked<T>> {
  #first: T | undefined;
  #last: T | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  get first(): T | undefined {
    return this.#first;
  }

  /** Adds `item` last; it must not be in a list. */
  push(item: T): void {
    item.prev = this.#last;
    item.next = undefined;
    if (this.#last) this.#last.next = item;
    else this.#first = item;
    this.#last = item;
    this.#size++;
  }

  /** Takes `item` out; it must be in this list. */
  remove(item: T): void {
    if (item.prev) item.prev.next = item.next;
    else this.#first = item.next;
    if (item.next) item.next.prev = item.prev;
    else this.#last = item.prev;
    item.prev = item.next = undefined;
    this.#size--;
  }

  /** The items, oldest first, as an array of their own (removing some while walking it is safe). */
  toArray(): T[] {
    const out: T[] = [];
    for (let item = this.#first; item; item = item.next) out.push(item);
    return out;
  }
}
