// `--secret`, written as docker build takes it: `id=npm_token,env=NPM_TOKEN` (a variable of this
// shell) or `id=ca,src=./ca.pem` (a file; `source=` too, and `type=env|file` may say which).

import {
  type BuildSecretSource,
  escapeControlCharacters,
  LambdashError,
  validateSecretId,
} from '../core/internal.js';

const KEYS = new Set(['id', 'env', 'src', 'source', 'type']);

/** One `--secret` value: the id and where its value comes from. */
export function parseSecretOption(text: string): [string, BuildSecretSource] {
  const wrong = (why: string) =>
    new LambdashError(
      'INVALID_OPTION',
      `--secret ${escapeControlCharacters(text)}: ${why}.`,
      'Give --secret id=<id>,env=<VARIABLE> or --secret id=<id>,src=<file>, as docker build takes it.',
    );
  const fields = new Map<string, string>();
  for (const part of text.split(',')) {
    const equals = part.indexOf('=');
    const key = equals > 0 ? part.slice(0, equals).trim() : '';
    if (!KEYS.has(key))
      throw wrong(`"${escapeControlCharacters(part)}" is not id=, env=, src= or type=`);
    if (fields.has(key)) throw wrong(`${key}= is given twice`);
    fields.set(key, part.slice(equals + 1));
  }
  const id = fields.get('id');
  if (id === undefined) throw wrong('it has no id=');
  validateSecretId(id);
  const env = fields.get('env');
  const file = fields.get('src') ?? fields.get('source');
  const type = fields.get('type');
  if (type !== undefined && type !== 'env' && type !== 'file') throw wrong('type= is env or file');
  if (fields.has('src') && fields.has('source')) throw wrong('src= and source= are the same');
  if ((env === undefined) === (file === undefined)) throw wrong('give one of env= and src=');
  if (env !== undefined) {
    if (type === 'file' || env === '') throw wrong('env= names a variable');
    return [id, { env }];
  }
  if (type === 'env' || !file) throw wrong('src= names a file');
  return [id, { file: file }];
}
