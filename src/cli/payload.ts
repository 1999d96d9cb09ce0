// An invocation's payload from where a shell user has it: the argument itself, a file
// (`--file x.json` or `@x.json`, as curl writes it), or stdin (`-`, or piped in). It must be
// JSON; a mistake is reported with its line and column before anything is invoked.
import { readFile } from 'node:fs/promises';
import { LambdashError, parseJsonTree } from '../core/internal.js';

export interface PayloadSource {
  /** The command's argument: JSON text, `@file`, or `-` for stdin. */
  readonly argument?: string | undefined;
  readonly file?: string | undefined;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
}

/** The payload, parsed; `{}` when none is given and stdin is a terminal (or empty). */
export async function readPayload(source: PayloadSource): Promise<unknown> {
  if (source.argument !== undefined && source.file !== undefined) {
    throw new LambdashError(
      'INVALID_PAYLOAD',
      'Both a payload argument and --file were given.',
      'Give the payload one way: as an argument, with --file, or on stdin.',
    );
  }
  const file =
    source.file ?? (source.argument?.startsWith('@') ? source.argument.slice(1) : undefined);
  if (file !== undefined) return parsePayload(await readPayloadFile(file), `the file ${file}`);
  if (source.argument === '-' || (source.argument === undefined && !source.stdin.isTTY)) {
    const text = await readStream(source.stdin);
    if (source.argument === undefined && text.trim() === '') return {};
    return parsePayload(text, 'stdin');
  }
  if (source.argument === undefined) return {};
  return parsePayload(source.argument, 'the argument');
}

/** Parses JSON text, or says where it is wrong. */
export function parsePayload(text: string, where: string): unknown {
  const parsed = parseJsonTree(text);
  if (parsed.error) {
    const { line, column, message } = parsed.error;
    throw new LambdashError(
      'INVALID_PAYLOAD',
      `The payload in ${where} is not JSON: line ${line}, column ${column}: ${message}.`,
      `Fix it and try again. In a shell, quote it: '{"name": "Ada"}'; a string payload needs its own quotes: '"text"'.`,
    );
  }
  return JSON.parse(text) as unknown;
}

async function readPayloadFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LambdashError(
      'INVALID_PAYLOAD',
      code === 'ENOENT'
        ? `There is no payload file at ${file}.`
        : `The payload file ${file} cannot be read (${code ?? (error as Error).message}).`,
      code === 'ENOENT' ? 'Check the path.' : 'Check that it is a file you may read.',
      { cause: error },
    );
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
