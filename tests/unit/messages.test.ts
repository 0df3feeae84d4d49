import { describe, expect, it } from "vitest";
import { withoutSecrets } from "@/lib/connections/parse-address";
import { explainFailure } from "@/lib/error-text";
import { plural } from "@/lib/plural";

describe("plural", () => {
  it("agrees the noun with the count", () => {
    expect(plural(1, "key")).toBe("1 key");
    expect(plural(0, "key")).toBe("0 keys");
    expect(plural(12_345, "key")).toBe("12,345 keys");
    expect(plural(1, "old entry", "old entries")).toBe("1 old entry");
    expect(plural(3, "old entry", "old entries")).toBe("3 old entries");
  });
});

describe("failures in plain words", () => {
  it("says what happened and what to do, keeping the code and the raw text for the detail", () => {
    const refused = explainFailure({ code: "CONNECTION_REFUSED", message: "connect: connect ECONNREFUSED 127.0.0.1:1" });
    expect(refused.summary).toMatch(/^Could not reach the server.*Check that it is running/);
    expect(refused.summary).not.toContain("CONNECTION_REFUSED");
    expect(refused).toMatchObject({ code: "CONNECTION_REFUSED", raw: "connect: connect ECONNREFUSED 127.0.0.1:1" });
  });

  it("names the format a value failed to parse as", () => {
    const json = explainFailure({ code: "INVALID_ARGUMENT", message: "json: unexpected character at byte 11" });
    expect(json.summary).toBe("This is not valid JSON (unexpected character at byte 11). Correct it and try again.");
    expect(json.raw).toBe("json: unexpected character at byte 11");
  });

  it("shows messages written for people as they are, keeping a name's small first letter", () => {
    expect(explainFailure({ code: "PLUGIN_MISSING", message: "uWSGI answered, but its cache plugin is not loaded." }).summary).toBe(
      "uWSGI answered, but its cache plugin is not loaded.",
    );
    expect(explainFailure({ code: "LAST_ADMIN", message: "this is the last active admin" }).summary).toBe("This is the last active admin.");
    // A refusal with no summary of its own and no message.
    expect(explainFailure({ code: "NOT_UNDOABLE", message: "" }).summary).toBe("The operation failed.");
  });
});

describe("a pasted URL without its secrets", () => {
  it("drops the password and keeps everything else", () => {
    expect(withoutSecrets("redis://ops:s3cret@cache.internal:6380/2")).toBe("redis://ops@cache.internal:6380/2");
    expect(withoutSecrets("rediss://:s3cret@cache.internal")).toBe("rediss://cache.internal");
    // redis-py's spelling of a password without a user.
    expect(withoutSecrets("redis://s3cret@cache.internal:6379/0")).toBe("redis://cache.internal:6379/0");
    expect(withoutSecrets("redis+sentinel://:pw@s1:26379,s2:26379/mymaster?sentinel_password=spw&db=1")).toBe("redis+sentinel://s1:26379,s2:26379/mymaster?db=1");
    expect(withoutSecrets("cache-1:11211,cache-2:11211")).toBe("cache-1:11211,cache-2:11211");
  });
});
