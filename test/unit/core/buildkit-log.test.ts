// BuildKit's progress messages made lines: a step when it starts, its output line by line
// (whatever the chunks), CACHED and ERROR when it ends.
import { describe, expect, it } from 'vitest';
import { BuildkitLog } from '../../../src/core/images/buildkit-log.js';
import { loadProtobuf } from '../../../src/core/images/grpc-packages.js';

// BuildKit's own field numbers (api/services/control/control.proto).
const StatusResponse = loadProtobuf()
  .parse(`syntax = "proto3";
message StatusResponse { repeated Vertex vertexes = 1; repeated VertexLog logs = 3; }
message Vertex { string digest = 1; repeated string inputs = 2; string name = 3; bool cached = 4;
  Timestamp started = 5; Timestamp completed = 6; string error = 7; }
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message VertexLog { string vertex = 1; Timestamp timestamp = 2; int64 stream = 3; bytes msg = 4; }`)
  .root.lookupType('StatusResponse');

const at = { seconds: 1, nanos: 0 };
function trace(status: object): string {
  return Buffer.from(StatusResponse.encode(StatusResponse.fromObject(status)).finish()).toString(
    'base64',
  );
}

describe('BuildkitLog', () => {
  it('says each step once when it starts, and its output in whole lines', () => {
    const log = new BuildkitLog();
    const run = { digest: 'sha256:r', name: '[7/7] RUN ["node", "x"]', started: at };
    expect(log.lines(trace({ vertexes: [run] }))).toEqual(['[7/7] RUN ["node", "x"]']);
    expect(
      log.lines(
        trace({
          vertexes: [run],
          logs: [{ vertex: 'sha256:r', msg: Buffer.from('first line\nsecond ') }],
        }),
      ),
    ).toEqual(['first line']);
    expect(
      log.lines(
        trace({
          vertexes: [{ ...run, completed: at }],
          logs: [{ vertex: 'sha256:r', msg: Buffer.from('half\nlast words') }],
        }),
      ),
    ).toEqual(['second half', 'last words']);
  });

  it('says when a step came from the cache, and what failed', () => {
    const log = new BuildkitLog();
    expect(
      log.lines(
        trace({
          vertexes: [
            {
              digest: 'a',
              name: '[2/7] COPY runtime/ /var/runtime/',
              started: at,
              completed: at,
              cached: true,
            },
            { digest: 'b', name: '[7/7] RUN x', started: at, completed: at, error: 'exit code: 3' },
          ],
        }),
      ),
    ).toEqual([
      '[2/7] COPY runtime/ /var/runtime/',
      '[7/7] RUN x',
      'CACHED [2/7] COPY runtime/ /var/runtime/',
      'ERROR [7/7] RUN x: exit code: 3',
    ]);
  });
});
