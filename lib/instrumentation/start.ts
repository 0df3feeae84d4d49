import "server-only";
import { schedulePrune } from "../audit/prune";
import { recordRequestOrigins } from "../auth/request-origin";
import { announceSetupToken } from "../auth/setup-token";
import { applyManagedConnections } from "../connections/managed";
import { ensureSecretKey, SecretKeyMissingError } from "../secrets";
import { pruneJobs } from "../server/keys/jobs";
import { prestartTreeThread } from "../server/keys/tree-walker";
import { getSettings } from "../settings";

export async function startServerTasks(): Promise<void> {
  recordRequestOrigins();
  try {
    await ensureSecretKey();
  } catch (error) {
    if (!(error instanceof SecretKeyMissingError)) throw error;
    // Serving without the key would answer 500 wherever a secret is needed; say what is wrong and stop.
    console.error(`Cacheboard cannot start: ${error.message}`);
    process.exit(1);
  }
  await getSettings();
  const applied = await applyManagedConnections();
  if (applied) {
    const changes = [
      applied.created.length && `${applied.created.length} created`,
      applied.updated.length && `${applied.updated.length} updated`,
      applied.released.length && `${applied.released.length} no longer managed`,
      applied.unchanged.length && `${applied.unchanged.length} unchanged`,
    ].filter(Boolean);
    console.log(`Declared connections from ${applied.source}: ${changes.join(", ") || "none"}.`);
  }
  schedulePrune();
  // Jobs a stopped instance left "running" read as interrupted from now on; old finished ones go.
  await pruneJobs().catch((error: unknown) => console.error("Job prune failed:", error));
  await announceSetupToken();
  // The first tree asked for need not wait for the thread its walks run in (lib/server/keys/tree-walker.ts).
  prestartTreeThread();
}
