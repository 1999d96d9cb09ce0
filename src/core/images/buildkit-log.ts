// A BuildKit build's progress as lines, like the classic builder's: BuildKit reports through the
// engine's build stream as `moby.buildkit.trace` messages (base64 protobuf StatusResponse),
// each holding steps (vertexes) that started, finished or failed and the output of their
// commands in chunks that may split lines anywhere.
import { loadProtobuf, type ProtobufType } from './grpc-packages.js';

// The parts of BuildKit's control.proto StatusResponse read here; the decoder skips the rest.
const PROTO = `
syntax = "proto3";
package lambdash.buildkit;
message StatusResponse { repeated Vertex vertexes = 1; repeated VertexLog logs = 3; }
message Vertex {
  string digest = 1; string name = 3; bool cached = 4;
  Timestamp started = 5; Timestamp completed = 6; string error = 7;
}
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message VertexLog { string vertex = 1; bytes msg = 4; }
`;

interface Vertex {
  readonly digest: string;
  readonly name: string;
  readonly cached: boolean;
  readonly started?: object;
  readonly completed?: object;
  readonly error: string;
}

interface StatusResponse {
  readonly vertexes: readonly Vertex[];
  readonly logs: readonly { readonly vertex: string; readonly msg: Uint8Array }[];
}

/** The engine's stream message id of BuildKit's progress. */
export const BUILDKIT_TRACE = 'moby.buildkit.trace';

let statusType: ProtobufType | undefined;

function decodeStatus(aux: string): StatusResponse {
  statusType ??= loadProtobuf().parse(PROTO).root.lookupType('lambdash.buildkit.StatusResponse');
  return statusType.toObject(statusType.decode(Buffer.from(aux, 'base64')), {
    arrays: true,
    defaults: true,
  }) as unknown as StatusResponse;
}

/**
 * Turns trace messages into lines: a step's name when it starts (`[5/6] RUN ...`), `CACHED`
 * when the engine took it from its cache, its output line by line, and `ERROR` with its error.
 */
export class BuildkitLog {
  readonly #announced = new Set<string>();
  readonly #finished = new Set<string>();
  /** Output of a step that has not ended its line yet. */
  readonly #partial = new Map<string, string>();

  lines(aux: string): string[] {
    const status = decodeStatus(aux);
    const lines: string[] = [];
    for (const vertex of status.vertexes) {
      if (vertex.started && vertex.name && !this.#announced.has(vertex.digest)) {
        this.#announced.add(vertex.digest);
        lines.push(vertex.name);
      }
    }
    for (const log of status.logs) {
      const text = (this.#partial.get(log.vertex) ?? '') + Buffer.from(log.msg).toString('utf8');
      const parts = text.split('\n');
      this.#partial.set(log.vertex, parts.pop() ?? '');
      lines.push(...parts.map((part) => part.trimEnd()));
    }
    for (const vertex of status.vertexes) {
      if (!vertex.completed || this.#finished.has(vertex.digest)) continue;
      this.#finished.add(vertex.digest);
      const rest = this.#partial.get(vertex.digest);
      if (rest) lines.push(rest.trimEnd());
      this.#partial.delete(vertex.digest);
      if (vertex.cached && vertex.name) lines.push(`CACHED ${vertex.name}`);
      if (vertex.error) lines.push(`ERROR ${vertex.name}: ${vertex.error}`);
    }
    return lines.filter((line) => line !== '');
  }
}
