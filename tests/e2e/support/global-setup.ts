import { execFileSync } from "node:child_process";
import path from "node:path";

/** Generates the Prisma clients and builds the app once (skipped when the build is newer than the sources). */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, "../../..");
  execFileSync(
    process.execPath,
    ["--input-type=module", "-e", "const s = await import('./scripts/lib/setup.mjs'); s.ensureDependencies(); s.ensureBuild();"],
    { cwd: root, stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } },
  );
}
