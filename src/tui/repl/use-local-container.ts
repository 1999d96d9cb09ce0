// The container the REPL invokes locally: started on the first local send and reused while it
// answers, as Lambda reuses a warm environment; started afresh after the target changes or the
// container failed.
import { useRef } from 'react';
import type { Container, LocalImage } from '../../core/internal.js';
import type { ReplServices } from './repl-services.js';

export interface LocalContainer {
  /** Whether a container from an earlier send is there to reuse. */
  has(): boolean;
  /** That container, else one of the image (started, or found running). */
  get(image: LocalImage, signal: AbortSignal): Promise<Container>;
  /** The next send starts afresh. */
  forget(): void;
}

export function useLocalContainer(services: ReplServices): LocalContainer {
  const container = useRef<Container | undefined>(undefined);
  return {
    has: () => container.current !== undefined,
    get: async (image, signal) => {
      container.current ??= await services.localContainer(image, { signal });
      return container.current;
    },
    forget: () => {
      container.current = undefined;
    },
  };
}
