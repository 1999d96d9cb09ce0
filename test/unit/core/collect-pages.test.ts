import { describe, expect, it } from 'vitest';
import { collectPages } from '../../../src/core/aws/aws-call.js';
import { LambdashError } from '../../../src/core/common/errors.js';

type Page = { items?: number[]; next?: string };

/** A paged list whose pages are given in order, keyed by the token that asks for them. */
function pages(byToken: Record<string, Page>) {
  const asked: (string | undefined)[] = [];
  const page = async (token: string | undefined) => {
    asked.push(token);
    const found = byToken[token ?? ''];
    if (!found) throw new Error(`no page for ${token}`);
    return found;
  };
  return { page, asked };
}

const read = (p: Page) => ({ items: p.items, next: p.next });

describe('collectPages', () => {
  it('follows the tokens to the last page, keeping every item in order', async () => {
    const { page, asked } = pages({
      '': { items: [1, 2], next: 'a' },
      a: { items: [], next: 'b' },
      b: { items: [3] },
    });
    expect(await collectPages(page, read)).toEqual([1, 2, 3]);
    expect(asked).toEqual([undefined, 'a', 'b']);
  });

  it('a page without items counts as empty', async () => {
    const { page } = pages({ '': { next: 'a' }, a: { items: [7] } });
    expect(await collectPages(page, read)).toEqual([7]);
  });

  it('a service handing back the token it was given ends in an error, not a loop', async () => {
    const { page, asked } = pages({ '': { items: [1], next: 'a' }, a: { items: [2], next: 'a' } });
    const error = await collectPages(page, read).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LambdashError);
    expect(error).toMatchObject({ code: 'AWS_FAILED' });
    expect((error as LambdashError).message).toMatch(/page token it had returned before/);
    expect(asked).toEqual([undefined, 'a']);
  });

  it('so does a cycle of tokens', async () => {
    const { page, asked } = pages({
      '': { items: [1], next: 'a' },
      a: { items: [2], next: 'b' },
      b: { items: [3], next: 'a' },
    });
    const error = await collectPages(page, read).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AWS_FAILED' });
    expect(asked).toEqual([undefined, 'a', 'b']);
  });
});
