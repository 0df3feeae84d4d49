/**
 * "Slowed down: the server is busy.": shown under a walk's progress (the tree's scan, a job) while it asks
 * for a quarter of its keys per SCAN call because the server's command thread is busy
 * (lib/connections/server-load.ts). The walk goes at the connection's full pace again once the server calms.
 */
export function ServerBusyNote({ testId, walk }: { testId: string; walk: string }) {
  return (
    <p
      data-testid={testId}
      title={`The server's command thread is busy: the ${walk} asks for a quarter of its keys per SCAN call, to spare the cache's own clients, and goes at the full pace again once the server is less busy.`}
      className="text-[11px] text-amber-800 dark:text-amber-300"
    >
      Slowed down: the server is busy.
    </p>
  );
}
