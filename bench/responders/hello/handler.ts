// The benchmark's hello world.
export const handler = async (event: { name?: string }) => ({
  message: `Hello, ${event.name ?? 'world'}!`,
});
