// Toasts: one line each for info, success, warning and error, above the footer. They fade
// (dimmed for their last second, then gone); errors stay longest. An error the app kept (its
// message, hint, code and cause, for the errors panel) says that `e` opens its details; one it
// did not keep (a mistyped command) does not, since `e` would have nothing to show.
import { Box, Text } from 'ink';
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { escapeControlCharacters, type LambdashError } from '../core/internal.js';
import { color, useTheme } from './theme.js';

export type ToastLevel = 'info' | 'success' | 'warning' | 'error';

export interface Toast {
  readonly id: number;
  readonly level: ToastLevel;
  readonly text: string;
  readonly hint?: string | undefined;
  /** The error is kept in the errors panel, so the toast offers `e`. */
  readonly kept: boolean;
  readonly fading: boolean;
}

export interface ToastOptions {
  /** The error was kept for the errors panel (`keepError`): the toast says `e` shows it. */
  readonly kept?: boolean;
}

/** How long each level stays, in ms. */
export const TOAST_LIFETIMES: Readonly<Record<ToastLevel, number>> = {
  info: 4000,
  success: 4000,
  warning: 7000,
  error: 12_000,
};
const FADE_MS = 1000;
const MAX_TOASTS = 4;

export interface ToastApi {
  readonly toasts: readonly Toast[];
  show(level: ToastLevel, text: string, hint?: string, options?: ToastOptions): void;
  dismiss(): void;
}

export function useToasts(
  lifetimes: Readonly<Record<ToastLevel, number>> = TOAST_LIFETIMES,
): ToastApi {
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const next = useRef(1);
  const timers = useRef(new Set<NodeJS.Timeout>());

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending) clearTimeout(timer);
    };
  }, []);

  const later = useCallback((ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.current.delete(timer);
      run();
    }, ms);
    timers.current.add(timer);
  }, []);

  const show = useCallback(
    (level: ToastLevel, raw: string, rawHint?: string, options: ToastOptions = {}) => {
      const id = next.current++;
      // A toast is one line, and messages quote user input: its controls are shown, not obeyed.
      const text = escapeControlCharacters(raw);
      const hint = rawHint === undefined ? undefined : escapeControlCharacters(rawHint);
      setToasts((current) =>
        [...current, { id, level, text, hint, kept: options.kept ?? false, fading: false }].slice(
          -MAX_TOASTS,
        ),
      );
      const lifetime = lifetimes[level];
      later(Math.max(0, lifetime - FADE_MS), () =>
        setToasts((current) =>
          current.map((toast) => (toast.id === id ? { ...toast, fading: true } : toast)),
        ),
      );
      later(lifetime, () => setToasts((current) => current.filter((toast) => toast.id !== id)));
    },
    [lifetimes, later],
  );

  const dismiss = useCallback(() => setToasts([]), []);
  return { toasts, show, dismiss };
}

const MARKS: Readonly<Record<ToastLevel, string>> = {
  info: 'ℹ',
  success: '✔',
  warning: '⚠',
  error: '✖',
};

/** An error as a toast's text: its message, and its hint after a dash. */
export function errorToast(error: LambdashError | Error): { text: string; hint?: string } {
  const hint = (error as LambdashError).hint;
  return { text: error.message, ...(hint ? { hint } : {}) };
}

export function Toasts({
  toasts,
  width,
  max,
}: {
  readonly toasts: readonly Toast[];
  readonly width: number;
  readonly max: number;
}): ReactNode {
  const theme = useTheme();
  const shown = toasts.slice(-max);
  return (
    <Box flexDirection="column" width={width}>
      {shown.map((toast) => (
        <Text key={toast.id} wrap="truncate-end" dimColor={toast.fading}>
          <Text color={color(theme.status[toast.level])} bold={!toast.fading}>
            {MARKS[toast.level]} {toast.text}
          </Text>
          {toast.hint ? <Text color={color(theme.ui.dim)}> — {toast.hint}</Text> : null}
          {toast.kept ? <Text color={color(theme.ui.dim)}> (e: details)</Text> : null}
        </Text>
      ))}
    </Box>
  );
}
