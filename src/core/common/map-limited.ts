// Runs one call per item with at most `limit` in flight: enough to make many reads fast, few
// enough not to be throttled by AWS. One copy for the whole house: the local cloud may not
// import the core, while the core may import the local cloud, so the code lives there.
export { mapLimited } from '../../localcloud/map-limited.js';
