import "server-only";
import { db } from "../db";
import { toPublicProfile, type PublicProfile } from "../connections/load";

export async function listConnections(): Promise<PublicProfile[]> {
  const rows = await db().connectionProfile.findMany({ orderBy: { name: "asc" } });
  return rows.map(toPublicProfile);
}
