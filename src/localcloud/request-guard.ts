// What a web page can send to 127.0.0.1 and the local cloud must not act on. Loopback is no wall:
// any page the user opens can send requests there, and a DNS name an attacker controls can be
// pointed at 127.0.0.1 (DNS rebinding). Browsers always name the page in `Origin` on the
// requests that matter, mark every request with `Sec-Fetch-Site`, and always send the name
// they resolved in `Host`; AWS's SDKs and CLIs send neither header and the endpoint's own host.
// So: no Origin, no Sec-Fetch-Site, no CORS preflight, and a Host the cloud serves.

/** Why a request is refused before its signature is even read; undefined when it may go on. */
export function browserRefusal(
  method: string | undefined,
  headers: { readonly origin?: string; readonly host?: string; readonly [name: string]: unknown },
  port: number,
): string | undefined {
  if (method === 'OPTIONS' && headers['access-control-request-method'] !== undefined) {
    return 'The local cloud answers no CORS preflight: web pages may not call it. Call it from an AWS SDK, the AWS CLI or lambdash.';
  }
  // A page's no-cors GET carries no Origin, but browsers mark every request with Sec-Fetch-Site.
  if (headers.origin !== undefined || headers['sec-fetch-site'] !== undefined) {
    return `The local cloud refuses requests from web pages (Origin: ${headers.origin ?? 'none'}). Call it from an AWS SDK, the AWS CLI or lambdash.`;
  }
  const host = (headers.host ?? '').toLowerCase();
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    return `The local cloud serves http://127.0.0.1:${port} (or localhost:${port}); a request for Host "${headers.host ?? ''}" is refused, since only DNS rebinding sends one. Set the endpoint to http://127.0.0.1:${port}.`;
  }
  return undefined;
}
