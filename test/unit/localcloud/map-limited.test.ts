// The local cloud's limited map: every item once, in order, never more than `limit` at a time,
// and no new item after a failure.
import { describe, expect, it } from 'vitest';
import { mapLimited } from '../../../src/localcloud/map-limited.js';

describe('mapLimited', () => {
  it('keeps the items’ order and at most `limit` calls in flight', async () => {
    let running = 0;
    let most = 0;
    const results = await mapLimited([5, 1, 4, 2, 3, 0], 2, async (item, index) => {
      running++;
      most = Math.max(most, running);
      // Later items finish first: the order of results must not follow the order of finishing.
      for (let turn = 0; turn < item; turn++) await Promise.resolve();
      running--;
      return `${index}:${item}`;
    });
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0']);
    expect(most).toBe(2);
  });

  it('throws the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      mapLimited([1, 2, 3, 4, 5], 1, async (item) => {
        started.push(item);
        if (item === 2) throw new Error('registry down');
        return item;
      }),
    ).rejects.toThrow('registry down');
    expect(started).toEqual([1, 2]);
  });

  it('answers an empty list without calling', async () => {
    expect(await mapLimited([], 4, async () => 1)).toEqual([]);
  });
});
