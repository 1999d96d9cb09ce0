// The app's services for component tests: the real lineage watch over plain rows, settings in
// a temporary folder, and actions that record what they were asked and finish when the test
// says so (emitting the events it gives them).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import { LambdashError } from '../../../src/core/common/errors.js';
import type { LambdashEvent, OperationOptions } from '../../../src/core/common/events.js';
import type { LineageRow } from '../../../src/core/lineage/lineage.js';
import { watchLineage } from '../../../src/core/lineage/watch.js';
import {
  type Actions,
  type AppServices,
  createStore,
  type DeletePart,
  type SessionState,
} from '../../../src/tui/services.js';
import { openSettings } from '../../../src/tui/settings.js';
import { withKeyboard } from './timeline/terminal.js';

export interface ActionCall {
  readonly action: keyof Actions;
  readonly row: string | undefined;
  readonly parts?: readonly DeletePart[];
  readonly args?: readonly string[];
  readonly options: OperationOptions;
  finish(message: string): void;
  fail(error: Error): void;
  emit(event: LambdashEvent): void;
}

export interface TestServices {
  readonly services: AppServices;
  readonly calls: ActionCall[];
  readonly configDir: string;
  setRows(rows: LineageRow[]): Promise<void>;
  reconnects: number;
  cleanup(): void;
}

export const CONNECTED: SessionState = {
  target: {
    status: 'connected',
    target: undefined,
    description: 'local cloud http://127.0.0.1:4566',
    error: undefined,
  },
  engine: { version: '28.1.1', error: undefined },
  projectFile: undefined,
  projectError: undefined,
};

export function testServices(
  initialRows: LineageRow[],
  options: { session?: SessionState; settings?: Record<string, unknown> } = {},
): TestServices {
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'lambdash-tui-'));
  if (options.settings) {
    writeFileSync(path.join(configDir, 'settings.json'), JSON.stringify(options.settings));
  }
  let rows = initialRows;
  const watch = watchLineage({
    load: async () => rows,
    dockerEvents: false,
    intervalMs: 3_600_000,
  });
  const calls: ActionCall[] = [];
  const record =
    (action: keyof Actions) =>
    (row: LineageRow | undefined, options: OperationOptions, extra: Partial<ActionCall> = {}) =>
      new Promise<string>((resolve, reject) => {
        calls.push({
          action,
          row: row?.key,
          options,
          finish: resolve,
          fail: reject,
          emit: (event) => options.onEvent?.(event),
          ...extra,
        });
        options.signal?.addEventListener('abort', () =>
          reject(new LambdashError('ABORTED', `${action} was cancelled`)),
        );
      });
  const actions: Actions = {
    build: (row, o) => record('build')(row, o),
    test: (row, o) => record('test')(row, o),
    push: (row, o) => record('push')(row, o),
    deploy: (row, o) => record('deploy')(row, o),
    remove: (row, parts, o) => record('remove')(row, o, { parts }),
    addResponder: (source, handler, o) =>
      record('addResponder')(undefined, o, { args: [source, handler] }),
  };
  const result: TestServices = {
    services: {
      watch,
      actions,
      session: createStore(options.session ?? CONNECTED),
      settings: openSettings({ cwd: configDir }),
      reconnect: () => {
        result.reconnects++;
      },
    },
    calls,
    configDir,
    reconnects: 0,
    async setRows(next) {
      rows = next;
      await watch.refresh();
    },
    cleanup() {
      watch.close();
      rmSync(configDir, { recursive: true, force: true });
    },
  };
  return result;
}

export function stripAnsi(text: string): string {
  return stripVTControlCharacters(text);
}

/** Lets ink, React and the watch settle (a few turns of the event loop). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits until no new frame came for a few turns of the event loop (keys are taken one per render). */
async function quiet(instance: { frames: string[] }): Promise<void> {
  let seen = instance.frames.length;
  let still = 0;
  for (let turn = 0; turn < 2000 && still < 8; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (instance.frames.length === seen) still++;
    else {
      seen = instance.frames.length;
      still = 0;
    }
  }
}

/** Renders, lets the first read land, and gives keys-in / frame-out helpers. */
export async function renderApp(element: ReactElement) {
  const instance = render(withKeyboard(element));
  await settle();
  await quiet(instance);
  return {
    ...instance,
    rerender: (next: ReactElement) => instance.rerender(withKeyboard(next)),
    /** The frame without colours and attributes. */
    frame: () => stripAnsi(instance.lastFrame() ?? ''),
    lines: () => stripAnsi(instance.lastFrame() ?? '').split('\n'),
    /** The frame's lines with their escape codes (to see which row is inverted). */
    rawLines: () => (instance.lastFrame() ?? '').split('\n'),
    /** Presses each key in turn, letting the app settle after each (none: just settle). */
    async press(...keys: string[]) {
      for (const key of keys) {
        instance.stdin.write(key);
        await quiet(instance);
      }
      await quiet(instance);
    },
    /** Waits (up to 5 s) for the frame to show `text`: views load their code when opened. */
    async waitFor(text: string) {
      // Without it, the frame is returned as it is, for the caller's assertion to show.
      await vi
        .waitFor(
          () => {
            if (!stripAnsi(instance.lastFrame() ?? '').includes(text)) throw new Error(text);
          },
          { timeout: 5000, interval: 10 },
        )
        .catch(() => undefined);
      await quiet(instance);
      return stripAnsi(instance.lastFrame() ?? '');
    },
    async type(text: string) {
      instance.stdin.write(text);
      await quiet(instance);
    },
  };
}

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  backspace: '\u007F',
  space: ' ',
  ctrlC: '\u0003',
  pageDown: '\u001B[6~',
};
