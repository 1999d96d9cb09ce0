// Which Host names the emulator's Invoke API answers. DNS rebinding points a name an attacker
// owns (rebind.evil.example) at 127.0.0.1, so a web page can send same-origin requests to the
// emulator and read the answers; the Host header still carries the attacker's name. Names an
// attacker cannot own pass: IP literals, `localhost` and `*.localhost`, single-label names
// (a Compose service or container name), and `*.internal` (host.docker.internal). Others may be
// allowed with LAMBDASH_ALLOWED_HOSTS (comma-separated).

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Whether `host` (a Host header: name or address, with an optional port) may be answered. */
export function isTrustedHost(
  host: string | undefined,
  allowed: string | undefined = process.env.LAMBDASH_ALLOWED_HOSTS,
): boolean {
  if (!host) return false;
  const name = hostName(host.toLowerCase());
  if (name === undefined) return false;
  if (name.startsWith('[') || IPV4.test(name)) return true;
  if (!name.includes('.')) return true;
  if (name.endsWith('.localhost') || name.endsWith('.internal')) return true;
  const extra = (allowed ?? '').split(',').map((entry) => entry.trim().toLowerCase());
  return extra.includes(name);
}

/** `name:port` → `name`; `[::1]:8080` → `[::1]`; undefined when malformed. */
function hostName(host: string): string | undefined {
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? undefined : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}
