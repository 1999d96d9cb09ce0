import { describe, expect, it } from 'vitest';
import { isLambdashError } from '../../../src/core/errors.js';
import {
  getUserLabels,
  LABEL_PREFIX,
  LABELS,
  validateUserLabels,
} from '../../../src/core/labels.js';

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
    [{ 'dev.lambdash.hash': 'x' }, /lambdash's own prefix/],
    [{ 'Bad Key': 'x' }, /not a valid label key/],
    [{ team: 'line\nbreak' }, /single-line/],
    [{ team: 'x'.repeat(5000) }, /at most 4096/],
  ])('refuses %j', (labels, message) => {
    try {
      validateUserLabels(labels);
      expect.unreachable();
    } catch (error) {
      expect(isLambdashError(error, 'INVALID_LABEL')).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('tells user labels apart from lambdash’s', () => {
    expect(
      getUserLabels({ labels: { team: 'a', [LABELS.hash]: 'h', [LABELS.generated]: 'true' } }),
    ).toEqual({ team: 'a' });
  });
});
