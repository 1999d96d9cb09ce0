import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The built runtime entry, as it ships in images. */
export const bootstrapPath = `${repoRoot}dist/runtime/bootstrap.cjs`;
export const handlersDir = `${repoRoot}test/fixtures/handlers`;
/** Real AWS sample events, shared beside the clone (never copied into the project). */
export const awsEventsDir = fileURLToPath(
  new URL('../../../shared/fixtures/aws-events/', import.meta.url),
);
