import { CodecError } from "./codec-error";
import { pyStrRepr } from "./python-repr-text";

/**
 * The Python standard-library objects Django and aiocache users cache, as editable values: `datetime`,
 * `date`, `time`, `timedelta`, `timezone`, `Decimal` and `UUID` (`set`, `frozenset`, `OrderedDict` and
 * `bytes` are containers and scalars of their own). Each is written as its constructor call, the way Python's
 * `repr` prints it, and read back from such a call. This allow-list is all there is: no other name is ever
 * looked up, and nothing is called — a call is checked and turned into data (`python-stdlib-calls.ts`).
 * Here: the objects, their `repr`, and the checks Python's constructors make.
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

export const US_PER_DAY = 86_400_000_000n;
const MAX_DAYS = 999_999_999n;

/** `timedelta(...)` from a total in microseconds, normalised as Python does. */
export function timedeltaFromMicroseconds(total: bigint): PyTimedelta {
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
export function uuidFromText(text: string): bigint {
  const hex = text.replace("urn:", "").replace("uuid:", "").replace(/^\{+|\}+$/g, "").replace(/-/g, "");
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) fail("badly formed hexadecimal UUID string");
  return BigInt(`0x${hex}`);
}
