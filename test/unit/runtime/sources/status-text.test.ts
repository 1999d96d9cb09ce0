import { STATUS_CODES } from 'node:http';
import { describe, expect, it } from 'vitest';
import { statusText } from '../../../../runtime/sources/status-text.js';

describe('statusText', () => {
  it('has the reason phrase Node.js has for every status code', () => {
    for (const [code, reason] of Object.entries(STATUS_CODES)) {
      expect(statusText(Number(code)), `status ${code}`).toBe(reason);
    }
  });

  it('knows nothing of codes that are not statuses', () => {
    expect(statusText(299)).toBeUndefined();
    expect(statusText(0)).toBeUndefined();
  });
});
