import { execFileSync } from "node:child_process";

/** Makes sure the Prisma clients exist before any test imports them. */
export default function setup(): void {
  execFileSync(process.execPath, ["scripts/prisma-generate.mjs"], { stdio: "inherit" });
}
