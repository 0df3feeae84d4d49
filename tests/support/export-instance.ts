/**
 * A second Cacheboard process for the export job tests: it exports the whole database of connection profile
 * `profileId` as `userId` on DATABASE_URL (lib/server/transfer/export.ts, which makes the export a job row),
 * reads the stream until `hold` key lines have arrived, prints `{"jobId": …}` on one line and stops reading
 * (the export waits, as it does for a slow browser) until the file `gate` exists; then it reads to the end
 * and prints `{"last": <the last line>, "keyLines": …}` and exits. Run with `node --conditions=react-server
 * --import tsx`, as the app's server code expects.
 */
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { loadConnection } from "../../lib/connections/load";
import { openExport } from "../../lib/server/transfer/export";

const [profileId = "", userId = "u", gate = "", hold = "1000"] = process.argv.slice(2);

const connection = await loadConnection(profileId);
if (!connection) throw new Error(`no connection ${profileId}`);
const { jobId, stream } = await openExport(connection, { kind: "database" }, false, userId);
const reader = stream.getReader();
const decoder = new TextDecoder();
let text = "";
const keyLines = () => Math.max(0, text.split("\n").length - 2);
async function readMore(): Promise<boolean> {
  const { done, value } = await reader.read();
  if (!done) text += decoder.decode(value, { stream: true });
  return !done;
}

while (keyLines() < Number(hold)) if (!(await readMore())) break;
console.log(JSON.stringify({ jobId }));
while (!existsSync(gate)) await sleep(20);
while (await readMore());
const lines = text.trimEnd().split("\n");
console.log(JSON.stringify({ last: lines.at(-1), keyLines: lines.filter((line) => line.startsWith('{"key"')).length }));
process.exit(0);
