import { describe, expect, it } from 'vitest';
import { readContainerLog } from '../../../src/core/images/container-log.js';
import { failure } from '../../support/images.js';

describe('readContainerLog', () => {
  it('stops with ABORTED when the signal has fired, before asking the engine', async () => {
    const error = await failure(
      readContainerLog('no-such-container', 'req-1', Date.now(), AbortSignal.abort()),
    );
    expect(error.code).toBe('ABORTED');
    expect(error.message).toBe('Reading the log of request req-1 was cancelled');
  });
});
