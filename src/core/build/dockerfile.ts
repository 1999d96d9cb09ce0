// The Dockerfile of a responder's image, rendered from templates/Dockerfile. It is the very
// file the build uses, and nothing from the user reaches it unchecked: the base image, build-arg
// names and secret ids are validated, the handler is JSON-quoted, and label, build-arg and
// secret values travel through the Docker API, never through the Dockerfile's text.
//
// Build args are declared after the last RUN step of ours: the engine writes the values of the
// args in scope into the history of every RUN step (`|1 NAME=value`), which `docker history`
// shows and the image config pushed to ECR keeps. A value a RUN step needs is a secret.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { escapeControlCharacters } from '../common/control-characters.js';
import { LambdashError } from '../common/errors.js';
import { validateImageReference, validateSecretId } from '../common/names.js';
import { lambdashVersion, templatesDir } from '../common/paths.js';
import type { Responder } from '../responder/responder.js';

export interface DockerfileOptions {
  /**
   * The image to build on. Without it, `defaultBaseImage()`: the Node image `ensureBaseImage()`
   * prefers, which a build replaces by the one it found (the offline base, when nothing can be
   * pulled) before calling this.
   */
  readonly baseImage?: string;
  /** Names of build args the Dockerfile declares (values go to the build, not into the text). */
  readonly buildArgs?: Readonly<Record<string, string>>;
  /**
   * Ids of build secrets: the warm-up step mounts each at /run/secrets/<id> (this needs
   * BuildKit, which createLocalImage uses when there are secrets).
   */
  readonly secrets?: readonly string[];
  /** Adds a warm-up step that writes a V8 code cache from a sample event. */
  readonly warmup?: boolean;
  /** Last word on the text, as in Jot: string in, string out. */
  readonly dockerfileUpdate?: (dockerfile: string) => string;
}

/**
 * Where the warm-up event sits in the build context and in the image. It has a layer of its
 * own, after the code: a new payload rebuilds only that layer and the warm-up, and the payload
 * never joins the runtime's layer. In the image it lies under /tmp, which Lambda (and
 * runImageLocally) mount over at run time, so the function never sees it.
 */
export const WARMUP_EVENT = 'warmup/event.json';
const WARMUP_EVENT_IN_IMAGE = '/tmp/lambdash-warmup/event.json';

const BUILD_ARG_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HANDLER = /^[A-Za-z0-9_$][A-Za-z0-9_$./-]*$/;

/** The handler string (`index.<export>`) the image's CMD names. */
export function imageHandler(responder: Responder): string {
  return `index.${responder.handler}`;
}

/**
 * Checks build arg names (each becomes an `ARG` line); returns them. Values are not checked:
 * they go to the engine with the build request and never into the Dockerfile's text.
 */
export function validateBuildArgs(buildArgs: Readonly<Record<string, string>> = {}): string[] {
  const names = Object.keys(buildArgs);
  for (const name of names) {
    if (!BUILD_ARG_NAME.test(name)) {
      throw new LambdashError(
        'INVALID_BUILD_ARG',
        `"${escapeControlCharacters(name)}" is not a valid build arg name.`,
        'Use letters, digits and underscores, not starting with a digit (for example "APP_MODE").',
      );
    }
    if (typeof buildArgs[name] !== 'string') {
      throw new LambdashError(
        'INVALID_BUILD_ARG',
        `The build arg "${escapeControlCharacters(name)}" must have a string value.`,
        'Give every build arg a string value, such as "1" rather than 1.',
      );
    }
  }
  return names;
}

/** The official Node image of the host's major version, as Jot names julia's by its version. */
export function defaultBaseImage(): string {
  return `node:${process.versions.node.split('.')[0]}-slim`;
}

export function getDockerfile(responder: Responder, options: DockerfileOptions = {}): string {
  const baseImage = options.baseImage ?? defaultBaseImage();
  validateImageReference(baseImage);
  const handler = imageHandler(responder);
  if (!HANDLER.test(handler) || handler.includes('..')) {
    throw new LambdashError(
      'INVALID_NAME',
      `"${escapeControlCharacters(responder.handler)}" is not a handler export name lambdash can use.`,
      'Export the handler under a plain JavaScript name, such as "handler".',
    );
  }
  const buildArgs = validateBuildArgs(options.buildArgs);
  const mounts = (options.secrets ?? []).map(
    (id) => `--mount=type=secret,id=${validateSecretId(id)} `,
  );
  const values: Record<string, string> = {
    lambdashVersion,
    name: responder.name,
    baseImage,
    buildArgs: buildArgs.map((name) => `ARG ${name}`).join('\n'),
    warmup: options.warmup
      ? [
          "# Warm-up: run a sample event once and keep V8's compiled code beside the bundle.",
          `COPY ${WARMUP_EVENT} ${WARMUP_EVENT_IN_IMAGE}`,
          `RUN ${mounts.join('')}["node", "/var/runtime/bootstrap.cjs", ${JSON.stringify(handler)}, "--warmup", "${WARMUP_EVENT_IN_IMAGE}", "--task-root", "/var/task"]`,
        ].join('\n')
      : '',
    handler: JSON.stringify(handler),
  };
  const template = readFileSync(path.join(templatesDir, 'Dockerfile'), 'utf8');
  const rendered = template
    .replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '')
    .replace(/\n{3,}/g, '\n\n');
  return options.dockerfileUpdate ? options.dockerfileUpdate(rendered) : rendered;
}
