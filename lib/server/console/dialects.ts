import "server-only";
import type { LoadedConnection } from "../../connections/load";
import { kindOf } from "../../kinds";
import { Refusal } from "../refusal";
import { redisDialect } from "./redis";
import { memcachedDialect, uwsgiDialect } from "./simple";
import type { Dialect } from "./types";

const DIALECTS = { redis: redisDialect, memcached: memcachedDialect, uwsgi: uwsgiDialect } satisfies Record<string, Dialect>;

/** The connection's command language, as its kind descriptor names it, and the driver's raw access. */
export function consoleOf(connection: LoadedConnection) {
  const runner = connection.driver().console;
  if (!runner) throw new Refusal("UNSUPPORTED", "This connection has no command console.");
  return { dialect: DIALECTS[kindOf(connection.profile.kind).console.dialect], runner };
}
