import { describe, expect, it } from 'vitest';
import { forceTerminalColours } from '../../../src/cli/open-app.js';

describe('the colours the app asks for', () => {
  it('asks for the terminal colours when CI is set on a terminal', () => {
    const env: NodeJS.ProcessEnv = { CI: 'true', TERM: 'xterm-256color' };
    expect(forceTerminalColours(env, true)).toBe(true);
    expect(env.FORCE_COLOR).toBe('2');
    const basic: NodeJS.ProcessEnv = { CI: '1', TERM: 'xterm' };
    expect(forceTerminalColours(basic, true)).toBe(true);
    expect(basic.FORCE_COLOR).toBe('1');
  });

  it("leaves the user's choice, a dumb terminal, no terminal and no CI as they are", () => {
    for (const [env, terminal] of [
      [{ CI: 'true', TERM: 'xterm', FORCE_COLOR: '0' }, true],
      [{ CI: 'true', TERM: 'dumb' }, true],
      [{ CI: 'true', TERM: 'xterm' }, false],
      [{ TERM: 'xterm' }, true],
    ] as const) {
      const copy: NodeJS.ProcessEnv = { ...env };
      expect(forceTerminalColours(copy, terminal)).toBe(false);
      expect(copy).toEqual(env);
    }
  });
});
