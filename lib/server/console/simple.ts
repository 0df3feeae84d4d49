import "server-only";
import type { CommandDoc } from "../../wire/console";
import type { CommandClass, Dialect, Plan } from "./types";

/**
 * The memcached and uWSGI dialects: small fixed command sets, each command's class from a table, and their
 * documentation written here (these servers cannot describe their own commands).
 */

interface Entry {
  class: CommandClass;
  syntax: string;
  summary: string;
}

function dialect(table: Record<string, Entry>, classOf?: (name: string, args: Buffer[]) => CommandClass | null): Dialect {
  const docs: CommandDoc[] = Object.entries(table).map(([name, e]) => ({ name, syntax: e.syntax, summary: e.summary }));
  return {
    docs: async () => docs,
    async plan(_connection, args): Promise<Plan> {
      const name = args[0].toString("latin1").toLowerCase();
      const entry = table[name];
      if (!entry) {
        return {
          name,
          class: "read",
          key: null,
          deny: null,
          refusal: { code: "UNSUPPORTED", message: `The console runs ${Object.keys(table).join(", ")} here; "${name}" is not one of them.` },
        };
      }
      const keyless = name === "stats" || name === "version";
      return { name, class: classOf?.(name, args) ?? entry.class, key: keyless ? null : (args[1] ?? null), deny: null };
    },
    secrets: () => [],
  };
}

/** mg flags that change the item: N (create on miss), T (new TTL), E (set CAS), I (invalidate). */
const MG_WRITES = /^[NTEI]/;

export const memcachedDialect = dialect(
  {
    get: { class: "read", syntax: "key [key ...]", summary: "Value and flags of each key that exists." },
    gets: { class: "read", syntax: "key [key ...]", summary: "Like get, with each value's CAS token." },
    mg: { class: "read", syntax: "key [flag ...]", summary: "Meta get: v value, t TTL left, f flags, c CAS, s size, k key, h hit before, l last access." },
    ms: { class: "write", syntax: "key value [flag ...]", summary: "Meta set (the value's length is counted for you): T<ttl>, F<flags>, C<cas>, MA append, MP prepend, ME add, MR replace, I invalidate." },
    md: { class: "write", syntax: "key [flag ...]", summary: "Meta delete: C<cas>, I invalidate, T<ttl> with I." },
    ma: { class: "write", syntax: "key [flag ...]", summary: "Meta arithmetic: D<delta>, MI / MD increment or decrement, N<ttl> create, J<initial>, v value." },
    touch: { class: "write", syntax: "key exptime", summary: "Sets a new expiry (seconds; 0 never) without reading the value." },
    incr: { class: "write", syntax: "key delta", summary: "Adds to an unsigned decimal counter." },
    decr: { class: "write", syntax: "key delta", summary: "Subtracts from an unsigned decimal counter (stops at 0)." },
    stats: { class: "read", syntax: "[slabs | items | settings | sizes | conns]", summary: "Server statistics, from every server of the pool." },
    version: { class: "read", syntax: "", summary: "Each server's memcached version." },
  },
  (name, args) => (name === "mg" && args.slice(2).some((a) => MG_WRITES.test(a.toString("latin1"))) ? "write" : null),
);

export const uwsgiDialect = dialect({
  get: { class: "read", syntax: "cache:key", summary: "The value, or nil." },
  exists: { class: "read", syntax: "cache:key", summary: "1 when the key exists." },
  set: { class: "write", syntax: "cache:key value [expires]", summary: "Stores the value only when the key does not exist (cache_set); expires in seconds, 0 never." },
  update: { class: "write", syntax: "cache:key value [expires]", summary: "Stores the value, replacing one that exists (cache_update)." },
  del: { class: "write", syntax: "cache:key", summary: "Deletes the key." },
  stats: { class: "read", syntax: "", summary: "Each cache's geometry and counters, from the stats server." },
});
