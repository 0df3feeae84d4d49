import { describe, expect, it } from "vitest";
import { initialProfileDraft, profileDraftReducer, profileFromDraft, setting, type ProfileDraft, type ProfileDraftAction } from "@/lib/connections/form-draft";
import { parseAddress } from "@/lib/connections/parse-address";
import { DEFAULT_TIMEOUT_MS } from "@/lib/drivers/limits";
import { parseSettings } from "@/lib/kinds";

const stored = {
  id: "p1",
  name: "sessions",
  kind: "memcached" as const,
  settings: { servers: ["m1:11211", "m2:11211"], username: "sasl", maxItemBytes: 2097152 },
  secretsSet: ["password"],
  secretsUnreadable: false,
  readOnly: true,
  environment: "production",
  color: "#123456",
  keyDelimiter: "/",
  defaultFormat: "pickle",
  formatOverrides: [{ prefix: "views:", format: "json" }],
  timeoutMs: 1500,
  consoleAllow: ["FLUSHDB"],
  scanCount: null,
  scanPauseMs: null,
};

function run(draft: ProfileDraft, ...actions: ProfileDraftAction[]): ProfileDraft {
  return actions.reduce(profileDraftReducer, draft);
}

describe("the connection form's draft", () => {
  it("starts from a stored profile and gives it back unchanged when nothing is edited", () => {
    const draft = initialProfileDraft(stored, null);
    expect(draft.kind).toBe("memcached");
    expect(draft.settings.addresses).toBe("m1:11211\nm2:11211");
    const profile = profileFromDraft(draft);
    expect(profile).toEqual({
      name: "sessions",
      kind: "memcached",
      settings: stored.settings,
      secrets: {},
      readOnly: true,
      environment: "production",
      color: "#123456",
      keyDelimiter: "/",
      defaultFormat: "pickle",
      formatOverrides: [{ prefix: "views:", format: "json" }],
      timeoutMs: 1500,
      consoleAllow: ["FLUSHDB"],
      scanCount: null,
      scanPauseMs: null,
    });
  });

  it("starts a new profile as Redis on localhost with the default timeout, or as a pasted address says", () => {
    const fresh = initialProfileDraft(undefined, null);
    expect(profileFromDraft(fresh)).toMatchObject({ name: "unnamed", kind: "redis", settings: { host: "127.0.0.1", port: 6379, db: 0 }, timeoutMs: DEFAULT_TIMEOUT_MS });
    const pasted = parseAddress("redis+sentinel://s1:26379,s2/mymaster/2");
    if (!pasted.ok) throw new Error(pasted.message);
    const draft = initialProfileDraft(undefined, pasted.value);
    expect(draft.kind).toBe("redis-sentinel");
    expect(parseSettings(draft.kind, profileFromDraft(draft).settings).success).toBe(true);
  });

  it("keeps what was typed across kind switches, and sends only the secrets the chosen kind reads", () => {
    const draft = run(
      initialProfileDraft(undefined, null),
      setting("host", "cache.internal"),
      { type: "secret", name: "password", value: "pw" },
      { type: "secret", name: "sentinelPassword", value: "spw" },
      { type: "kind", kind: "uwsgi" },
      setting("uwsgiAddress", "127.0.0.1:3031"),
      { type: "kind", kind: "redis" },
    );
    expect(draft.settings.host).toBe("cache.internal");
    expect(draft.settings.uwsgiAddress).toBe("127.0.0.1:3031");
    expect(profileFromDraft(draft).secrets).toEqual({ password: "pw" });
    expect(profileFromDraft({ ...draft, kind: "redis-sentinel" }).secrets).toEqual({ password: "pw", sentinelPassword: "spw" });
    expect(profileFromDraft({ ...draft, kind: "uwsgi" }).secrets).toEqual({});
  });

  it("takes a pasted URL's kind and settings, and adds its password to the secrets typed so far", () => {
    const pasted = parseAddress("redis://app:s3cret@cache.example:6380/4");
    if (!pasted.ok) throw new Error(pasted.message);
    const draft = run(initialProfileDraft(undefined, null), { type: "secret", name: "tlsKey", value: "KEY" }, { type: "pasted", parsed: pasted.value });
    expect(profileFromDraft(draft)).toMatchObject({ kind: "redis", settings: { host: "cache.example", port: 6380, db: 4, username: "app" } });
    expect(draft.secrets).toEqual({ tlsKey: "KEY", password: "s3cret" });
  });

  it("edits the per-namespace formats in place and drops rows without a prefix", () => {
    const draft = run(
      initialProfileDraft(stored, null),
      { type: "addOverride" },
      { type: "override", index: 1, prefix: "counters:" },
      { type: "override", index: 1, format: "counter" },
      { type: "addOverride" },
      { type: "removeOverride", index: 0 },
      { type: "field", field: "timeoutMs", value: "not a number" },
    );
    expect(draft.formatOverrides).toEqual([
      { prefix: "counters:", format: "counter" },
      { prefix: "", format: "json" },
    ]);
    expect(profileFromDraft(draft).formatOverrides).toEqual([{ prefix: "counters:", format: "counter" }]);
    expect(profileFromDraft(draft).timeoutMs).toBe(0);
  });
});
