/**
 * Runs once per server start, before the first request: applies the deployment's declared connections and
 * starts the periodic audit prune. Node.js only: both need the database and the file system.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startServerTasks } = await import("./lib/instrumentation/start");
  await startServerTasks();
}
