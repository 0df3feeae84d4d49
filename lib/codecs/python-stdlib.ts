import { CodecError } from "./codec-error";
import type { PlainPyObject, PlainValue } from "./plain";
import { pyStrRepr } from "./python-repr-text";

/**
 * The Python standard-library objects Django and aiocache users cache, as editable values: `datetime`,
 * `date`, `time`, `timedelta`, `timezone`, `Decimal` and `UUID` (`set`, `frozenset`, `OrderedDict` and
 * `bytes` are containers and scalars of their own). Each is written as its constructor call, the way Python's
 * `repr` prints it, and read back from such a call. This allow-list is all there is: no other name is ever
 * looked up, and nothing is called — a call is checked and turned into data here.
 */
export type PyStdlibValue = PyDateTime | PyDate | PyTime | PyTimedelta | PyTimezone | PyDecimal | PyUuid;

interface PyDateTime {
  readonly type: "datetime";
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly fold: 0 | 1;
  readonly tzinfo: PyTimezone | null;
}

interface PyDate {
  readonly type: "date";
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

interface PyTime {
  readonly type: "time";
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly microsecond: number;
  readonly fold: 0 | 1;
  readonly tzinfo: PyTimezone | null;
}

/** Normalised as Python keeps it: 0 ≤ seconds < 86400, 0 ≤ microseconds < 10⁶, days carries the sign. */
export interface PyTimedelta {
  readonly type: "timedelta";
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;
}

/** `datetime.timezone`: a fixed offset, optionally named. Offset zero without a name is `timezone.utc`. */
export interface PyTimezone {
  readonly type: "timezone";
  readonly offset: PyTimedelta;
  readonly name: string | null;
}

/** `decimal.Decimal`, kept as `str(d)`, which is what its pickle holds. */
interface PyDecimal {
  readonly type: "decimal";
  readonly text: string;
}

interface PyUuid {
  readonly type: "uuid";
  readonly int: bigint;
}

function fail(message: string): never {
  throw new CodecError("repr", message);
}

function pyObject(value: PyStdlibValue): PlainPyObject {
  return { kind: "pyobject", ...value } as PlainPyObject;
}

// ---------------------------------------------------------------------------------------------- repr

function timedeltaRepr(td: PyTimedelta): string {
  const parts: string[] = [];
  if (td.days) parts.push(`days=${td.days}`);
  if (td.seconds) parts.push(`seconds=${td.seconds}`);
  if (td.microseconds) parts.push(`microseconds=${td.microseconds}`);
  return `datetime.timedelta(${parts.length ? parts.join(", ") : "0"})`;
}

function timezoneRepr(tz: PyTimezone): string {
  if (isUtc(tz)) return "datetime.timezone.utc";
  return `datetime.timezone(${timedeltaRepr(tz.offset)}${tz.name === null ? "" : `, ${pyStrRepr(tz.name)}`})`;
}

function isUtc(tz: PyTimezone): boolean {
  return tz.name === null && tz.offset.days === 0 && tz.offset.seconds === 0 && tz.offset.microseconds === 0;
}

function timeParts(v: { hour: number; minute: number; second: number; microsecond: number }): string[] {
  const parts = [String(v.hour), String(v.minute)];
  if (v.second || v.microsecond) parts.push(String(v.second));
  if (v.microsecond) parts.push(String(v.microsecond));
  return parts;
}

function suffix(v: { fold: 0 | 1; tzinfo: PyTimezone | null }): string {
  // CPython appends fold before tzinfo.
  return `${v.fold ? ", fold=1" : ""}${v.tzinfo ? `, tzinfo=${timezoneRepr(v.tzinfo)}` : ""}`;
}

/** Exactly what CPython 3.11's `repr` prints for the object. */
export function pyObjectRepr(v: PyStdlibValue): string {
  switch (v.type) {
    case "datetime":
      return `datetime.datetime(${[String(v.year), String(v.month), String(v.day), ...timeParts(v)].join(", ")}${suffix(v)})`;
    case "date":
      return `datetime.date(${v.year}, ${v.month}, ${v.day})`;
    case "time":
      return `datetime.time(${timeParts(v).join(", ")}${suffix(v)})`;
    case "timedelta":
      return timedeltaRepr(v);
    case "timezone":
      return timezoneRepr(v);
    case "decimal":
      return `Decimal(${pyStrRepr(v.text)})`;
    case "uuid":
      return `UUID('${uuidText(v.int)}')`;
  }
}

function uuidText(int: bigint): string {
  const hex = int.toString(16).padStart(32, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// ---------------------------------------------------------------------------------------- validation

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function inRange(what: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) fail(`${what} must be in ${lo}..${hi}, not ${v}`);
  return v;
}

export function checkDate(year: number, month: number, day: number): void {
  inRange("year", year, 1, 9999);
  inRange("month", month, 1, 12);
  inRange("day", day, 1, month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]);
}

export function checkTime(hour: number, minute: number, second: number, microsecond: number): void {
  inRange("hour", hour, 0, 23);
  inRange("minute", minute, 0, 59);
  inRange("second", second, 0, 59);
  inRange("microsecond", microsecond, 0, 999_999);
}

const US_PER_DAY = 86_400_000_000n;
const MAX_DAYS = 999_999_999n;

/** `timedelta(...)` from a total in microseconds, normalised as Python does. */
function timedeltaFromMicroseconds(total: bigint): PyTimedelta {
  let days = total / US_PER_DAY;
  let rest = total % US_PER_DAY;
  if (rest < 0n) {
    rest += US_PER_DAY;
    days -= 1n;
  }
  if (days > MAX_DAYS || days < -MAX_DAYS) fail(`timedelta days must be within ±${MAX_DAYS}`);
  return { type: "timedelta", days: Number(days), seconds: Number(rest / 1_000_000n), microseconds: Number(rest % 1_000_000n) };
}

function timedeltaMicroseconds(td: PyTimedelta): bigint {
  return BigInt(td.days) * US_PER_DAY + BigInt(td.seconds) * 1_000_000n + BigInt(td.microseconds);
}

export function makeTimezone(offset: PyTimedelta, name: string | null): PyTimezone {
  const us = timedeltaMicroseconds(offset);
  if (us <= -US_PER_DAY || us >= US_PER_DAY) fail("a timezone offset must be strictly between -24 and 24 hours");
  return { type: "timezone", offset, name };
}

/**
 * `str(Decimal(text))`: Python's to-scientific-string of the parsed number, so `Decimal(' 1e3 ')` is stored
 * as `'1E+3'` just as Python would store it.
 */
export function decimalText(input: string): string {
  const s = input.trim().replace(/(?<=\d)_(?=\d)/g, "");
  const special = /^([+-]?)(inf|infinity|(s?)nan(\d*))$/i.exec(s);
  if (special) {
    const sign = special[1] === "-" ? "-" : "";
    if (!/nan/i.test(special[2])) return `${sign}Infinity`;
    const payload = special[4].replace(/^0+/, "");
    return `${sign}${special[3] ? "sNaN" : "NaN"}${payload}`;
  }
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(s);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) fail(`invalid Decimal literal ${pyStrRepr(input)}`);
  const sign = m[1] === "-" ? "-" : "";
  const frac = m[3] ?? "";
  const digits = (m[2] + frac).replace(/^0+(?=\d)/, "");
  const exp = BigInt(m[4] ?? "0") - BigInt(frac.length);
  const leftDigits = exp + BigInt(digits.length);
  let dotPlace: bigint;
  if (exp <= 0n && leftDigits > -6n) dotPlace = leftDigits;
  else dotPlace = 1n;
  let intPart: string;
  let fracPart: string;
  if (dotPlace <= 0n) {
    intPart = "0";
    fracPart = `.${"0".repeat(Number(-dotPlace))}${digits}`;
  } else if (dotPlace >= BigInt(digits.length)) {
    intPart = digits + "0".repeat(Number(dotPlace - BigInt(digits.length)));
    fracPart = "";
  } else {
    intPart = digits.slice(0, Number(dotPlace));
    fracPart = `.${digits.slice(Number(dotPlace))}`;
  }
  const e = leftDigits === dotPlace ? "" : `E${leftDigits - dotPlace >= 0n ? "+" : ""}${leftDigits - dotPlace}`;
  return `${sign}${intPart}${fracPart}${e}`;
}

/** `UUID(hex)` accepts what Python's does: hyphens, braces and a `urn:uuid:` prefix are optional. */
function uuidFromText(text: string): bigint {
  const hex = text.replace("urn:", "").replace("uuid:", "").replace(/^\{+|\}+$/g, "").replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) fail("badly formed hexadecimal UUID string");
  return BigInt(`0x${hex}`);
}

// --------------------------------------------------------------------------------- calls from text

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
