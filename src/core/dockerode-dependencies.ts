// Packages dockerode brings with it for BuildKit (@grpc/grpc-js, protobufjs), resolved through
// dockerode, so they are always there in the versions dockerode was made with. Typed here only
// as far as lambdash uses them, and loaded on first use: only builds with secrets need them.
import { createRequire } from 'node:module';
import type { Duplex } from 'node:stream';

const fromDockerode = createRequire(createRequire(import.meta.url).resolve('dockerode'));

export interface ProtobufType {
  encode(message: object): { finish(): Uint8Array };
  decode(bytes: Uint8Array): object;
  fromObject(object: object): object;
  toObject(message: object, options?: object): Record<string, unknown>;
}

export interface GrpcServer {
  addService(service: object, implementation: object): void;
  createConnectionInjector(credentials: unknown): { injectConnection(connection: Duplex): void };
  forceShutdown(): void;
}

export interface Grpc {
  readonly Server: new () => GrpcServer;
  readonly ServerCredentials: { createInsecure(): unknown };
  readonly status: { readonly NOT_FOUND: number };
}

export interface Protobuf {
  parse(source: string): { root: { lookupType(name: string): ProtobufType } };
}

export function loadGrpc(): Grpc {
  return fromDockerode('@grpc/grpc-js') as Grpc;
}

export function loadProtobuf(): Protobuf {
  return fromDockerode('protobufjs') as Protobuf;
}
