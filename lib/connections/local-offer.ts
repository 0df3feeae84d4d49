import "server-only";
import { db } from "../db";

/**
 * `npm start` probes 127.0.0.1:6379 and, when a Redis answers there, passes CACHEBOARD_LOCAL_REDIS to the
 * server. It is offered only while no connection exists.
 */
export async function localRedisOffer(): Promise<string | null> {
  const offer = process.env.CACHEBOARD_LOCAL_REDIS;
  if (!offer || !/^[\w.-]+:\d+$/.test(offer)) return null;
  return (await db().connectionProfile.count()) === 0 ? offer : null;
}
