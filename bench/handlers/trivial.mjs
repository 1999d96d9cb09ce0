// The benchmark's handler: as little work as a handler can do, so the runtimes are measured.
export const handler = async () => ({ ok: true });
