// A minimal ustar writer, for build contexts lambdash streams itself. dockerode's own context
// packing applies the process umask to modes, which would turn /tmp's 1777 into 1755; streaming
// also spares copying files (the node binary) into a temporary folder.
import { createReadStream } from 'node:fs';

export interface TarEntry {
  readonly path: string; // inside the build context
  readonly mode: number;
  readonly mtime: number; // seconds
  readonly dir?: boolean;
  readonly file?: string; // host file to stream
  readonly size?: number;
  readonly content?: Buffer;
  /** A symbolic link to this target (multi-call binaries such as busybox answer to its name). */
  readonly symlink?: string;
}

export async function* tarStream(entries: readonly TarEntry[]): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    const size = entry.dir || entry.symlink ? 0 : (entry.content?.length ?? entry.size ?? 0);
    const type = entry.dir ? '5' : entry.symlink ? '2' : '0';
    yield tarHeader(entry.path, size, entry.mode, type, entry.mtime, entry.symlink);
    if (entry.content) {
      yield entry.content;
    } else if (entry.file) {
      let sent = 0;
      for await (const chunk of createReadStream(entry.file)) {
        sent += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      if (sent !== size) throw new Error(`${entry.file} changed while it was being read`);
    }
    if (size % 512) yield Buffer.alloc(512 - (size % 512));
  }
  yield Buffer.alloc(1024);
}

function tarHeader(
  path: string,
  size: number,
  mode: number,
  type: '0' | '2' | '5',
  mtime: number,
  linkTarget = '',
): Buffer {
  if (Buffer.byteLength(linkTarget) > 100) throw new Error(`link target too long: ${linkTarget}`);
  const header = Buffer.alloc(512);
  const name = type === '5' ? `${path}/` : path;
  let prefix = '';
  let rest = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    rest = name.slice(cut + 1);
    if (cut < 0 || Buffer.byteLength(rest) > 100)
      throw new Error(`path too long for a tar header: ${name}`);
  }
  const octal = (value: number, offset: number, length: number) =>
    header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'ascii');
  header.write(rest, 0, 100, 'utf8');
  octal(mode, 100, 8);
  octal(0, 108, 8); // uid
  octal(0, 116, 8); // gid
  octal(size, 124, 12);
  octal(mtime, 136, 12);
  header.fill(' ', 148, 156); // the checksum counts itself as spaces
  header.write(type, 156, 1, 'ascii');
  header.write(linkTarget, 157, 100, 'utf8');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write('root', 265, 32, 'ascii');
  header.write('root', 297, 32, 'ascii');
  header.write(prefix, 345, 155, 'utf8');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return header;
}
