import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Linked, LinkedList } from './linked-list.js';

interface Item extends Linked<Item> {
  n: number;
}

describe('LinkedList', () => {
  it('holds what was pushed and not removed, oldest first, whatever the order of removals', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(-1), fc.nat()), { maxLength: 100 }), (steps) => {
        const list = new LinkedList<Item>();
        const model: Item[] = [];
        let n = 0;
        for (const step of steps) {
          if (step === -1 || model.length === 0) {
            const item: Item = { n: n++, prev: undefined, next: undefined };
            list.push(item);
            model.push(item);
          } else {
            const [item] = model.splice(step % model.length, 1);
            list.remove(item as Item);
          }
          expect(list.toArray()).toEqual(model);
          expect(list.size).toBe(model.length);
          expect(list.first).toBe(model[0]);
        }
      }),
    );
  });
});
