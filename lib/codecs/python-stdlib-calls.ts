import { CodecError } from "./codec-error";
import type { PlainPyObject, PlainValue } from "./plain";
import {
  checkDate,
  checkTime,
  decimalText,
  makeTimezone,
  timedeltaFromMicroseconds,
  US_PER_DAY,
  uuidFromText,
  type PyStdlibValue,
  type PyTimezone,
} from "./python-stdlib";

/**
 * The allow-listed standard-library constructors (`python-stdlib.ts`) as they are written in the editor's
 * Python literals: `datetime.date(2024, 1, 2)` becomes the value it would build, without calling anything.
 */

function fail(message: string): never {
  throw new CodecError("repr", message);
}

function pyObject(value: PyStdlibValue): PlainPyObject {
  return { kind: "pyobject", ...value } as PlainPyObject;
}

type Args = { positional: PlainValue[]; keywords: Map<string, PlainValue> };

const NAMES: Record<string, string> = {
  "datetime.datetime": "datetime",
  datetime: "datetime",
  "datetime.date": "date",
  date: "date",
  "datetime.time": "time",
  time: "time",
  "datetime.timedelta": "timedelta",
  timedelta: "timedelta",
  "datetime.timezone": "timezone",
  timezone: "timezone",
  "decimal.Decimal": "decimal",
  Decimal: "decimal",
  "uuid.UUID": "uuid",
  UUID: "uuid",
  "collections.OrderedDict": "ordereddict",
  OrderedDict: "ordereddict",
  set: "set",
  frozenset: "frozenset",
};

/** Whether `name(...)` is one of the allowed constructors. */
export function isAllowedCall(name: string): boolean {
  return Object.hasOwn(NAMES, name);
}

/** The allowed names that are values without a call: `datetime.timezone.utc`. */
export function allowedAttribute(name: string): PlainValue | undefined {
  if (name === "datetime.timezone.utc" || name === "timezone.utc") return pyObject(makeTimezone(timedeltaFromMicroseconds(0n), null));
  return undefined;
}

class ArgReader {
  private used = new Set<string>();
  private index = 0;
  constructor(
    private readonly fn: string,
    private readonly args: Args,
  ) {}

  /** The next positional argument, or the keyword of that name. */
  take(name: string): PlainValue | undefined {
    const kw = this.args.keywords.get(name);
    if (this.index < this.args.positional.length) {
      if (kw !== undefined) fail(`${this.fn}() got multiple values for argument '${name}'`);
      return this.args.positional[this.index++];
    }
    if (kw !== undefined) this.used.add(name);
    return kw;
  }

  int(name: string, fallback?: number): number {
    const v = this.take(name);
    if (v === undefined) {
      if (fallback === undefined) fail(`${this.fn}() is missing '${name}'`);
      return fallback;
    }
    if (typeof v !== "bigint") fail(`${this.fn}() needs an integer for '${name}'`);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) fail(`${name} is out of range`);
    return Number(v);
  }

  done(): void {
    if (this.index < this.args.positional.length) fail(`${this.fn}() got too many arguments`);
    for (const k of this.args.keywords.keys()) if (!this.used.has(k)) fail(`${this.fn}() got an unexpected keyword argument '${k}'`);
  }
}

function tzArg(v: PlainValue | undefined): PyTimezone | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "object" && !Array.isArray(v) && !(v instanceof Uint8Array) && v.kind === "pyobject" && v.type === "timezone") {
    return { type: "timezone", offset: v.offset, name: v.name };
  }
  fail("tzinfo must be datetime.timezone.utc or datetime.timezone(datetime.timedelta(...))");
}

function fold(v: number): 0 | 1 {
  if (v !== 0 && v !== 1) fail("fold must be 0 or 1");
  return v;
}

function iterableItems(fn: string, v: PlainValue | undefined): PlainValue[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v.slice();
  if (typeof v === "object" && v !== null && !(v instanceof Uint8Array)) {
    if (v.kind === "tuple" || v.kind === "set" || v.kind === "frozenset") return v.items.slice();
    if (v.kind === "dict") return v.entries.map(([k]) => k);
  }
  fail(`${fn}() needs a list, tuple or set`);
}

/**
 * The value of an allowed constructor call with already-parsed arguments. Throws `CodecError` when the
 * arguments are not what Python would accept (or are floats, whose rounding this does not reproduce).
 */
export function allowedCall(name: string, positional: PlainValue[], keywords: [string, PlainValue][]): PlainValue {
  const which = NAMES[name];
  if (!which) fail(`${name}() is not one of the objects that can be written`);
  const kw = new Map<string, PlainValue>();
  for (const [k, v] of keywords) {
    if (kw.has(k)) fail(`keyword argument repeated: ${k}`);
    kw.set(k, v);
  }
  const a = new ArgReader(name, { positional, keywords: kw });
  switch (which) {
    case "datetime": {
      const [year, month, day] = [a.int("year"), a.int("month"), a.int("day")];
      const [hour, minute, second, microsecond] = [a.int("hour", 0), a.int("minute", 0), a.int("second", 0), a.int("microsecond", 0)];
      const tzinfo = tzArg(a.take("tzinfo"));
      const f = fold(kw.has("fold") ? a.int("fold") : 0);
      a.done();
      checkDate(year, month, day);
      checkTime(hour, minute, second, microsecond);
      return pyObject({ type: "datetime", year, month, day, hour, minute, second, microsecond, fold: f, tzinfo });
    }
    case "date": {
      const [year, month, day] = [a.int("year"), a.int("month"), a.int("day")];
      a.done();
      checkDate(year, month, day);
      return pyObject({ type: "date", year, month, day });
    }
    case "time": {
      const [hour, minute, second, microsecond] = [a.int("hour", 0), a.int("minute", 0), a.int("second", 0), a.int("microsecond", 0)];
      const tzinfo = tzArg(a.take("tzinfo"));
      const f = fold(kw.has("fold") ? a.int("fold") : 0);
      a.done();
      checkTime(hour, minute, second, microsecond);
      return pyObject({ type: "time", hour, minute, second, microsecond, fold: f, tzinfo });
    }
    case "timedelta": {
      const units: [string, bigint][] = [
        ["days", US_PER_DAY],
        ["seconds", 1_000_000n],
        ["microseconds", 1n],
        ["milliseconds", 1000n],
        ["minutes", 60_000_000n],
        ["hours", 3_600_000_000n],
        ["weeks", 7n * US_PER_DAY],
      ];
      let total = 0n;
      for (const [unit, scale] of units) total += BigInt(a.int(unit, 0)) * scale;
      a.done();
      return pyObject(timedeltaFromMicroseconds(total));
    }
    case "timezone": {
      const offset = a.take("offset");
      const nameArg = a.take("name");
      a.done();
      if (typeof offset !== "object" || offset === null || Array.isArray(offset) || offset instanceof Uint8Array || offset.kind !== "pyobject" || offset.type !== "timedelta") {
        fail("timezone() needs a datetime.timedelta offset");
      }
      if (nameArg !== undefined && typeof nameArg !== "string") fail("timezone() needs a str name");
      const { days, seconds, microseconds } = offset;
      return pyObject(makeTimezone({ type: "timedelta", days, seconds, microseconds }, nameArg ?? null));
    }
    case "decimal": {
      const v = a.take("value");
      a.done();
      if (v === undefined) return pyObject({ type: "decimal", text: "0" });
      if (typeof v === "bigint") return pyObject({ type: "decimal", text: v.toString() });
      if (typeof v !== "string") fail("Decimal() needs a string such as Decimal('1.10') (a float would not be exact)");
      return pyObject({ type: "decimal", text: decimalText(v) });
    }
    case "uuid": {
      const hex = a.take("hex");
      a.done();
      if (typeof hex !== "string") fail("UUID() needs a string such as UUID('12345678-1234-5678-1234-567812345678')");
      return pyObject({ type: "uuid", int: uuidFromText(hex) });
    }
    case "ordereddict": {
      const arg = a.take("__items");
      if (arg !== undefined && kw.size > 0) fail("OrderedDict() takes either items or keywords");
      const entries: [PlainValue, PlainValue][] = [];
      if (arg === undefined) {
        for (const [k, v] of kw) entries.push([k, v]);
      } else if (typeof arg === "object" && arg !== null && !Array.isArray(arg) && !(arg instanceof Uint8Array) && arg.kind === "dict") {
        entries.push(...arg.entries);
      } else {
        for (const pair of iterableItems(name, arg)) {
          const items = Array.isArray(pair) ? pair : typeof pair === "object" && pair !== null && !(pair instanceof Uint8Array) && pair.kind === "tuple" ? pair.items : null;
          if (!items || items.length !== 2) fail("OrderedDict() needs (key, value) pairs");
          entries.push([items[0], items[1]]);
        }
      }
      if (arg !== undefined) a.done();
      // Later duplicates replace the value in place, as a dict would.
      const out: [PlainValue, PlainValue][] = [];
      for (const [k, v] of entries) {
        const at = out.findIndex(([ok]) => samePlainKey(ok, k));
        if (at >= 0) out[at] = [out[at][0], v];
        else out.push([k, v]);
      }
      return { kind: "dict", entries: out, ordered: true };
    }
    case "set":
    case "frozenset": {
      const arg = a.take("__iterable");
      a.done();
      return { kind: which, items: iterableItems(name, arg) };
    }
  }
  fail(`${name}() is not one of the objects that can be written`);
}

function samePlainKey(a: PlainValue, b: PlainValue): boolean {
  return (typeof a === "string" || typeof a === "bigint" || typeof a === "boolean" || a === null) && a === b;
}
