import type { DriverKind } from "../drivers/types";
import { kindOf } from "../kinds";
import { asBytes, indexOf, utf8OrUndefined } from "./bytes";

/**
 * Recognisers for the key shapes Python cache libraries write (see docs/formats.md). They split a key into the
 * library's prefix, version and namespace and the app's own key, by byte offsets, so non-UTF-8 app keys
 * pass through untouched.
 */
type SchemeId =
  | "django"
  | "async-caches"
  | "aiocache-lock"
  | "aiocache-cached"
  | "litestar"
  | "privex"
  /** A backend whose key names are the app's own (no library scheme): the first level is the backend's (a uWSGI cache). */
  | "cache"
  | "plain";

interface KeyScheme {
  readonly scheme: SchemeId;
  /** For people: `Django v1 · session`, `Litestar sessions`, `aiocache lock`… */
  readonly label: string;
  /** KEY_PREFIX (Django/async-caches). */
  readonly prefix?: string;
  readonly version?: number;
  /** Namespace path, outermost first (`["LITESTAR", "sessions"]`). */
  readonly namespace?: readonly string[];
  /** Bytes before the app's key: everything a namespace operation must match exactly. */
  readonly prefixLength: number;
  /** The app's own key, as bytes. */
  readonly key: Uint8Array;
  /** Extra facts worth showing, e.g. the client of a rate limit or the function of a `@cached` key. */
  readonly detail?: string;
}

interface KeyContext {
  /**
   * The backend the key lives in: where its descriptor says key names carry no library scheme (uWSGI), the
   * key is the app's own and its namespace is the cache it lives in.
   */
  readonly kind?: DriverKind;
  /** That cache's name. */
  readonly cache?: string;
}

const LITESTAR_CHILDREN: Record<string, string> = {
  sessions: "Litestar sessions",
  response_cache: "Litestar response cache",
  rate_limit: "Litestar rate limits",
};

const DJANGO_KINDS: [RegExp, string][] = [
  [/^django\.contrib\.sessions\.cache/, "session"],
  [/^django\.contrib\.sessions\.cached_db/, "session"],
  [/^views\.decorators\.cache\.cache_page\./, "cache_page"],
  [/^views\.decorators\.cache\.cache_header\./, "cache_page headers"],
  [/^template\.cache\./, "template fragment"],
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `prefix:version:` is written by Django (and django-redis) and by async-caches alike. */
export function djangoOrAsyncCaches(version: string): string {
  return `Django / async-caches, version ${version}`;
}

/** Litestar's namespace part (`LITESTAR`, `LITESTAR_sessions`) and what it is. */
export function litestarNamespace(ns: string): { path: string[]; label: string } | undefined {
  const m = /^(LITESTAR)(?:_(\w+))?$/.exec(ns);
  if (!m) return undefined;
  if (!m[2]) return { path: ["LITESTAR"], label: "Litestar store" };
  return { path: ["LITESTAR", m[2]], label: LITESTAR_CHILDREN[m[2]] ?? `Litestar ${m[2]}` };
}

/**
 * Whether `childPrefix` (`LITESTAR_sessions:`) is a Litestar child store of the store at `storePrefix`
 * (`LITESTAR:`): the namespaces Litestar nests with `_`, which its own `delete_all()` also deletes.
 */
export function isLitestarChildStore(storePrefix: string, childPrefix: string): boolean {
  const store = /^(\w+):$/.exec(storePrefix);
  if (!store || litestarNamespace(store[1])?.path.length !== 1) return false;
  const child = /^(\w+):$/.exec(childPrefix);
  return child !== null && child[1].startsWith(`${store[1]}_`) && child[1].length > store[1].length + 1;
}

/** Recognises the scheme of one key. `plain` when no library shape fits. */
export function recognizeKey(keyInput: Uint8Array | string, context: KeyContext = {}): KeyScheme {
  const key = asBytes(keyInput);
  const descriptor = context.kind === undefined ? undefined : kindOf(context.kind);
  if (descriptor && !descriptor.keySchemes) {
    const cache = context.cache ?? "default cache";
    return { scheme: "cache", label: `${descriptor.firstLevelScheme ?? descriptor.label} ${cache}`, namespace: [cache], prefixLength: 0, key };
  }
  // Only the first 512 bytes are decoded: prefixes are short, and app keys may be long or binary.
  const head = key.subarray(0, 512);
  const firstColon = head.indexOf(0x3a);
  const text = utf8OrUndefined(head.subarray(0, firstColon >= 0 ? firstColon : head.length));

  const rl = rateLimit(key);
  if (rl) return { scheme: "litestar", label: "Litestar rate limit", prefixLength: 0, key, detail: rl };

  if (firstColon >= 0 && text !== undefined) {
    if (text === "pvx_cmgr") {
      const rest = key.subarray(firstColon + 1);
      const isKeySet = utf8OrUndefined(rest) === "all_cache_keys";
      return {
        scheme: "privex",
        label: isKeySet ? "privex cache manager key set" : "privex cache manager",
        namespace: ["pvx_cmgr"],
        prefixLength: firstColon + 1,
        key: rest,
      };
    }
    const lit = litestarNamespace(text);
    if (lit) {
      const rest = key.subarray(firstColon + 1);
      const limited = rateLimit(rest);
      return {
        scheme: "litestar",
        label: limited ? "Litestar rate limit" : lit.label,
        namespace: lit.path,
        prefixLength: firstColon + 1,
        key: rest,
        detail: limited ?? (lit.path[1] === "sessions" && /^[0-9a-f]{64}$/.test(utf8OrUndefined(rest) ?? "") ? "session id" : undefined),
      };
    }
    const secondColon = indexOf(key, asBytes(":"), firstColon + 1);
    if (secondColon >= 0) {
      const version = utf8OrUndefined(key.subarray(firstColon + 1, secondColon)) ?? "x";
      if (/^\d*$/.test(version)) {
        const rest = key.subarray(secondColon + 1);
        const restText = utf8OrUndefined(rest.subarray(0, 200)) ?? "";
        if (version === "") {
          return {
            scheme: "async-caches",
            label: text === "" ? "async-caches (no prefix)" : `async-caches ${text}`,
            prefix: text,
            prefixLength: secondColon + 1,
            key: rest,
          };
        }
        const kind = DJANGO_KINDS.find(([re]) => re.test(restText))?.[1];
        const prefixPart = text === "" ? "" : ` ${text}`;
        // async-caches with a prefix and a version writes this same shape; only Django's own keys tell them apart.
        return {
          scheme: "django",
          label: kind ? `Django${prefixPart} v${version} · ${kind}` : djangoOrAsyncCaches(version),
          prefix: text,
          version: Number(version),
          prefixLength: secondColon + 1,
          key: rest,
          detail: kind,
        };
      }
    }
  }

  const whole = utf8OrUndefined(key);
  if (whole !== undefined) {
    if (whole.endsWith("-lock")) {
      return { scheme: "aiocache-lock", label: "aiocache lock", prefixLength: 0, key, detail: `lock for ${whole.slice(0, -5)}` };
    }
    // `module + funcname + str(args) + str(sorted(kwargs.items()))`: module and function run together.
    const cached = /^([\w.]+)(\(.*\))(\[.*\])$/s.exec(whole);
    if (cached) {
      return { scheme: "aiocache-cached", label: "aiocache @cached", prefixLength: 0, key, detail: `${cached[1]}${cached[2]} ${cached[3]}` };
    }
  }
  return { scheme: "plain", label: "", prefixLength: 0, key };
}

function rateLimit(rest: Uint8Array): string | undefined {
  const text = utf8OrUndefined(rest.subarray(0, 300));
  const m = text === undefined ? null : /^RateLimitMiddleware::(.*)$/s.exec(text);
  return m ? `client ${m[1]}` : undefined;
}

/** aiocache stores a UUID string in `-lock` keys; a value check confirms what the key name suggests. */
export function isAiocacheLockValue(value: Uint8Array): boolean {
  return UUID.test(utf8OrUndefined(value) ?? "");
}
