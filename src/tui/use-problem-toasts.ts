// Problems the app learns of without asking, said as toasts and kept in the errors panel: the
// settings' problems once (warnings, never fatal), a refresh that fails (once per new error; the
// table keeps the last good rows), the project file that cannot be read, AWS that cannot be
// reached.
import { useEffect, useRef } from 'react';
import type { LambdashError } from '../core/internal.js';
import type { SettingsStore } from './settings.js';
import type { ToastApi } from './toasts.js';
import type { OperationsApi } from './use-operations.js';

export interface Problems {
  readonly settings: SettingsStore;
  /** Why the lineage's last refresh failed, if it did. */
  readonly refreshError: LambdashError | undefined;
  readonly projectError: LambdashError | undefined;
  readonly targetError: LambdashError | undefined;
  readonly show: ToastApi['show'];
  readonly keepError: OperationsApi['keepError'];
}

export function useProblemToasts(problems: Problems): void {
  const { settings, refreshError, projectError, targetError, show, keepError } = problems;
  useEffect(() => {
    for (const problem of settings.problems()) show('warning', `Settings: ${problem}`);
  }, [settings, show]);
  const reported = useRef(refreshError);
  useEffect(() => {
    if (refreshError && refreshError !== reported.current) {
      show('warning', `Refresh failed: ${refreshError.message}`, refreshError.hint, {
        kept: true,
      });
      keepError('refresh', refreshError);
    }
    reported.current = refreshError;
  }, [refreshError, show, keepError]);
  useEffect(() => {
    if (projectError) {
      show('error', projectError.message.split('\n')[0]!, projectError.hint, { kept: true });
      keepError('read the project file', projectError);
    }
  }, [projectError, show, keepError]);
  useEffect(() => {
    if (targetError) {
      show('error', targetError.message, targetError.hint, { kept: true });
      keepError('connect to AWS', targetError);
    }
  }, [targetError, show, keepError]);
}
