// The benchmark's handler as CommonJS (how lambdash bundles user code): same work, other loader.
exports.handler = async () => ({ ok: true });
