/** The image platforms Lambda runs: x86_64 and arm64. */
export type Platform = 'linux/amd64' | 'linux/arm64';
