/**
 * Runs once per server start, before the first request: applies the deployment's declared connections,
 * starts the periodic audit prune and registers the direct lane for scripts/serve.mjs (see
 * lib/server/direct-lane.ts). Node.js only: all need the database, the file system or Node's HTTP server.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerTasks } = await import("./lib/instrumentation/start");
  await startServerTasks();
  const { serveDirect } = await import("./app/api/direct-lane");
  const lane = globalThis as { cacheboardDirectLane?: typeof serveDirect.request; cacheboardLaneSocket?: typeof serveDirect.openSocket };
  lane.cacheboardDirectLane = serveDirect.request;
  lane.cacheboardLaneSocket = serveDirect.openSocket;
}
