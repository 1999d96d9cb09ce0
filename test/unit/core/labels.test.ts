import { describe, expect, it } from 'vitest';
import { isLambdashError } from '../../../src/core/common/errors.js';
import {
  getUserLabels,
  LABEL_PREFIX,
  LABELS,
  validateUserLabels,
} from '../../../src/core/common/labels.js';

describe('labels', () => {
  it('puts all of lambdash’s labels under one prefix', () => {
    for (const key of Object.values(LABELS)) expect(key.startsWith(LABEL_PREFIX)).toBe(true);
    expect(LABEL_PREFIX).toBe('dev.lambdash.');
  });

  it('accepts ordinary user labels', () => {
    expect(validateUserLabels({ team: 'payments', 'com.example/owner': 'ada' })).toEqual({
      team: 'payments',
      'com.example/owner': 'ada',
    });
  });

  it.each([
    { what: 'our prefix', labels: { 'dev.lambdash.hash': 'x' }, message: /lambdash's own prefix/ },
    { what: 'a bad key', labels: { 'Bad Key': 'x' }, message: /not a valid label key/ },
    { what: 'a newline', labels: { team: 'line\nbreak' }, message: /single-line/ },
    { what: 'a tab', labels: { team: 'tab\there' }, message: /single-line/ },
    { what: 'a DEL', labels: { team: 'del\u007f' }, message: /single-line/ },
    { what: '5000 characters', labels: { team: 'x'.repeat(5000) }, message: /at most 4096/ },
  ] as { what: string; labels: Record<string, string>; message: RegExp }[])(
    'refuses a label with $what, with a hint',
    ({ labels, message }) => {
      try {
        validateUserLabels(labels);
        expect.unreachable();
      } catch (error) {
        expect(isLambdashError(error, 'INVALID_LABEL')).toBe(true);
        expect((error as Error).message).toMatch(message);
        expect((error as { hint?: string }).hint).toEqual(expect.stringMatching(/\S/));
      }
    },
  );

  it('tells user labels apart from lambdash’s', () => {
    expect(
      getUserLabels({ labels: { team: 'a', [LABELS.hash]: 'h', [LABELS.generated]: 'true' } }),
    ).toEqual({ team: 'a' });
  });

  it('reads a repository’s or function’s tags as its labels', () => {
    expect(getUserLabels({ tags: { team: 'a', [LABELS.generated]: 'true' } })).toEqual({
      team: 'a',
    });
    // A remote image has both: its labels, and `tags` naming it in the repository.
    const remoteImage = { labels: { team: 'b' }, tags: ['latest'] };
    expect(getUserLabels(remoteImage)).toEqual({ team: 'b' });
  });
});
