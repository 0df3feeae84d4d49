import path from "node:path";
import { removeDir, tempDir } from "../support/process";
import { jobSuite } from "./jobs-suite";

jobSuite("SQLite", async () => {
  const dir = tempDir("jobs");
  return { url: `file:${path.join(dir, "cb.db")}`, stop: async () => removeDir(dir) };
});
