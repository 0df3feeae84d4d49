import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyFromUrlParam, keyToUrlParam, searchString } from "@/components/browser/key-url";
import { keyToParam } from "@/lib/wire/keys";

const urlParamOf = (key: Uint8Array) => keyToUrlParam(keyToParam(key));
const roundTrip = (value: string) => {
  // Through a real URL, as a pasted link would travel.
  const params = new URLSearchParams();
  params.set("key", value);
  const parsed = new URL(`http://host/c/1?${searchString(params)}`).searchParams.get("key");
  return keyFromUrlParam(parsed, true);
};

describe("key URL parameter", () => {
  it("is readable text for a printable key", () => {
    expect(urlParamOf(Buffer.from("myapp:user:42"))).toBe("text:myapp:user:42");
    const params = new URLSearchParams({ q: "user:*", key: "text:myapp:user:42" });
    expect(searchString(params)).toBe("q=user:*&key=text:myapp:user:42");
  });

  it("does not misread a text key that looks like base64, and still opens old base64 links", () => {
    expect(urlParamOf(Buffer.from("dXNlcjox"))).toBe("text:dXNlcjox");
    expect(roundTrip("text:dXNlcjox")).toEqual({ param: keyToParam(Buffer.from("dXNlcjox")) });
    expect(roundTrip("dXNlcjox")).toEqual({ param: keyToParam(Buffer.from("user:1")) });
  });

  it("keeps base64 for binary keys and keys with invisible characters", () => {
    expect(urlParamOf(Buffer.from([0xff, 0x00, 0x61]))).toBe(keyToParam(Buffer.from([0xff, 0x00, 0x61])));
    expect(urlParamOf(Buffer.from("ad\u200bmin"))).toBe(keyToParam(Buffer.from("ad\u200bmin")));
    expect(urlParamOf(Buffer.from("line\nbreak"))).toBe(keyToParam(Buffer.from("line\nbreak")));
  });

  it("opens the same bytes it was given, whatever the key", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.string({ maxLength: 40 }).map((s) => new TextEncoder().encode(s))), (key) => {
        const opened = roundTrip(urlParamOf(key));
        expect(opened).toEqual({ param: keyToParam(key) });
      }),
    );
  });
});
