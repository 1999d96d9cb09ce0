// A BuildKit session with the Docker engine that hands a build its secrets. The engine reaches
// the client back over the same connection (POST /session, upgraded to HTTP/2) and asks for
// each secret a `RUN --mount=type=secret` step mounts; values live in this process's memory and
// travel only over the engine's socket, never into the build context, a layer or the history.
//
// dockerode's own session (buildImage with version "2") serves registry credentials only, so
// lambdash serves its own: BuildKit's Secrets service, and the health check BuildKit uses to
// keep a session alive, with the gRPC and protobuf packages dockerode brings.
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { loadGrpc, loadProtobuf, type ProtobufType } from './grpc-packages.js';

interface GrpcCall {
  readonly request: Record<string, unknown>;
}
type GrpcCallback = (error: { code: number; details: string } | null, response?: object) => void;

// The messages of BuildKit's session/secrets/secrets.proto and gRPC's health.proto that the
// engine sends and expects (fields the engine may add are skipped by the decoder).
const PROTO = `
syntax = "proto3";
package lambdash.session;
message GetSecretRequest { string ID = 1; map<string, string> annotations = 2; }
message GetSecretResponse { bytes data = 1; }
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse { int32 status = 1; }
`;
const GET_SECRET = '/moby.buildkit.secrets.v1.Secrets/GetSecret';
const HEALTH_CHECK = '/grpc.health.v1.Health/Check';
/** grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING */
const SERVING = 1;

let types: ((name: string) => ProtobufType) | undefined;

function messageType(name: string): ProtobufType {
  if (!types) {
    const { root } = loadProtobuf().parse(PROTO);
    types = (type) => root.lookupType(`lambdash.session.${type}`);
  }
  return types(name);
}

/** A unary gRPC method as grpc-js takes it, its messages (de)serialized with protobufjs. */
function method(path: string, request: string, response: string) {
  const requestType = messageType(request);
  const responseType = messageType(response);
  return {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: (message: object) => Buffer.from(requestType.encode(message).finish()),
    requestDeserialize: (bytes: Buffer) =>
      requestType.toObject(requestType.decode(bytes), { defaults: true }),
    responseSerialize: (message: object) =>
      Buffer.from(responseType.encode(responseType.fromObject(message)).finish()),
    responseDeserialize: (bytes: Buffer) => responseType.toObject(responseType.decode(bytes)),
  };
}

export interface BuildSession {
  /** For the build request's `session` parameter. */
  readonly id: string;
  /** Ends the session (the engine forgets it); the build that used it must be over. */
  close(): void;
}

/**
 * Opens a session that answers the engine's requests for these secrets (by id). Fails as the
 * engine answers when it has no sessions (an older engine, or one that only looks like Docker):
 * the error carries the engine's status code.
 */
export async function openBuildSession(
  docker: Docker,
  secrets: Readonly<Record<string, Uint8Array>>,
): Promise<BuildSession> {
  const grpc = loadGrpc();
  const id = randomUUID();
  const socket = await new Promise<Duplex>((resolve, reject) => {
    docker.modem.dial(
      {
        method: 'POST',
        path: '/session',
        hijack: true,
        headers: {
          Upgrade: 'h2c',
          'X-Docker-Expose-Session-Uuid': id,
          'X-Docker-Expose-Session-Name': 'lambdash',
          // BuildKit calls only the methods a session says it serves.
          'X-Docker-Expose-Session-Grpc-Method': [GET_SECRET, HEALTH_CHECK],
        },
        statusCodes: { 101: true, 200: true, 500: 'server error' },
      },
      (error, result) => (error ? reject(error) : resolve(result as Duplex)),
    );
  });
  const server = new grpc.Server();
  server.addService(
    { GetSecret: method(GET_SECRET, 'GetSecretRequest', 'GetSecretResponse') },
    {
      GetSecret(call: GrpcCall, callback: GrpcCallback) {
        const secretId = String(call.request.ID ?? '');
        const value = Object.hasOwn(secrets, secretId) ? secrets[secretId] : undefined;
        if (value === undefined) {
          callback({ code: grpc.status.NOT_FOUND, details: `no secret ${secretId}` });
        } else callback(null, { data: value });
      },
    },
  );
  server.addService(
    { Check: method(HEALTH_CHECK, 'HealthCheckRequest', 'HealthCheckResponse') },
    {
      Check(_call: GrpcCall, callback: GrpcCallback) {
        callback(null, { status: SERVING });
      },
    },
  );
  socket.on('error', () => undefined); // the engine hanging up ends the session, nothing more
  server.createConnectionInjector(grpc.ServerCredentials.createInsecure()).injectConnection(socket);
  // Node's HTTP/2 session reads what the engine sent already on the next tick, and fails the
  // process if it was closed by then: a session is handed out only after that.
  await new Promise((resolve) => setImmediate(resolve));
  let open = true;
  return {
    id,
    close() {
      if (!open) return;
      open = false;
      server.forceShutdown();
      socket.destroy();
    },
  };
}
