// gRPC and protobuf, for the BuildKit session that hands builds their secrets (the same
// packages dockerode uses for its own sessions, so npm installs them once). Loaded on first
// use: only builds with secrets need them, and the command line should not pay for them.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export type Grpc = typeof import('@grpc/grpc-js');
export type Protobuf = typeof import('protobufjs');
export type ProtobufType = import('protobufjs').Type;

export function loadGrpc(): Grpc {
  return load('@grpc/grpc-js') as Grpc;
}

export function loadProtobuf(): Protobuf {
  return load('protobufjs') as Protobuf;
}
