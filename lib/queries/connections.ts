import "server-only";
import { db } from "../db";
import { toPublicProfile, type PublicProfile } from "../connections/load";

export const ENVIRONMENTS = ["production", "staging", "development"] as const;

export async function listConnections(): Promise<PublicProfile[]> {
  const rows = await db().connectionProfile.findMany({ orderBy: { name: "asc" } });
  return rows.map(toPublicProfile);
}
