/**
 * A second Cacheboard process for the job tests: it starts one job through lib/server/keys/jobs.ts on
 * DATABASE_URL (a count whose work walks until it is cancelled), prints `{"jobId": …}` on one line, and
 * prints `{"status": …}` and exits when the job has ended. Run with `node --conditions=react-server
 * --import tsx`, as the app's server code expects.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { readJob, startJob } from "../../lib/server/keys/jobs";

const [connectionId = "c", userId = "u"] = process.argv.slice(2);

const jobId = await startJob<{ steps: number }>({
  kind: "count",
  connectionId,
  userId,
  total: null,
  work: async (control) => {
    let steps = 0;
    while (!control.signal.aborted) {
      steps++;
      control.progress({ scanned: steps, matched: steps });
      if (steps % 10 === 0) control.publish({ steps });
      await sleep(10);
    }
    return { steps };
  },
});
console.log(JSON.stringify({ jobId }));

for (;;) {
  const job = await readJob(connectionId, jobId, userId);
  if (job && job.status !== "running") {
    console.log(JSON.stringify({ status: job.status, scanned: job.progress.scanned }));
    process.exit(0);
  }
  await sleep(50);
}
