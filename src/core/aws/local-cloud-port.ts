// Where the shared local cloud listens: 127.0.0.1:4566 (LocalStack's port, so SDK settings
// made for it work), or LAMBDASH_CLOUD_PORT when something else (LocalStack itself) has that
// port. The terminal app, every command, `lambdash cloud`, `npm run cloud` and doctor agree.
import { LambdashError } from '../common/errors.js';

const LOCAL_CLOUD_DEFAULT_PORT = 4566;

/** LAMBDASH_CLOUD_PORT when set (0: any free port, so nothing is shared), else 4566. */
export function localCloudPort(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.LAMBDASH_CLOUD_PORT?.trim();
  if (!text) return LOCAL_CLOUD_DEFAULT_PORT;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) {
    throw new LambdashError(
      'INVALID_OPTION',
      `LAMBDASH_CLOUD_PORT is "${text}", which is not a port.`,
      'Set it to a port from 1 to 65535 (0: any free one), or unset it for 4566.',
    );
  }
  return port;
}
