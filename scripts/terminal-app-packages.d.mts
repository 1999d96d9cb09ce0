// Types for bench/tui.ts, which imports the plugin from TypeScript.
export const terminalAppPackages: import('esbuild').Plugin;
