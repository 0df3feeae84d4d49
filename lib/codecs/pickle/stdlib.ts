import { CodecError } from "../codec-error";
import {
  checkDate,
  checkTime,
  decimalText,
  makeTimezone,
  pyObjectRepr,
  type PyStdlibValue,
  type PyTimedelta,
  type PyTimezone,
} from "../python-stdlib";
import { childrenOf } from "./decode";
import type { PickleGlobal, PickleNode, PickleObject, PickleStr } from "./nodes";

/**
 * The allow-listed stdlib objects (see `python-stdlib.ts`) in pickle form, both ways, in the shapes CPython
 * 3.11's `__reduce_ex__` gives them:
 * - `datetime`/`date`/`time`: `REDUCE(cls, (state_bytes[, tzinfo]))`; the fold bit is only kept from protocol 4;
 * - `timedelta`: `REDUCE(timedelta, (days, seconds, microseconds))`; `timezone`: `REDUCE(timezone, (offset[, name]))`;
 * - `Decimal`: `REDUCE(Decimal, (str(d),))`;
 * - `UUID`: `NEWOBJ(UUID, ())` then `BUILD {'int': n}` (protocols 0 and 1: `copy_reg._reconstructor`);
 * - `OrderedDict`: `REDUCE(OrderedDict, ())` then its items.
 * Only these exact shapes are recognised; anything else stays an opaque object.
 */

function name(node: PickleNode): string | undefined {
  return node.t === "global" ? `${node.module}.${node.name}` : undefined;
}

function plainCall(obj: PickleObject): boolean {
  return obj.listItems.length === 0 && obj.dictItems.length === 0 && obj.kwargs === undefined;
}

function intOf(node: PickleNode | undefined): number | undefined {
  if (node?.t !== "int" || node.v > BigInt(Number.MAX_SAFE_INTEGER) || node.v < -BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return Number(node.v);
}

function valid(check: () => void): boolean {
  try {
    check();
    return true;
  } catch (e) {
    if (e instanceof CodecError) return false;
    throw e;
  }
}

function timedeltaOf(node: PickleNode): PyTimedelta | undefined {
  if (node.t !== "object" || node.how !== "reduce" || !plainCall(node) || node.states.length > 0) return undefined;
  if (name(node.callable) !== "datetime.timedelta" || node.args.t !== "tuple" || node.args.items.length !== 3) return undefined;
  const [days, seconds, microseconds] = node.args.items.map(intOf);
  if (days === undefined || seconds === undefined || microseconds === undefined) return undefined;
  if (seconds < 0 || seconds >= 86400 || microseconds < 0 || microseconds >= 1_000_000 || Math.abs(days) > 999_999_999) return undefined;
  return { type: "timedelta", days, seconds, microseconds };
}

function timezoneOf(node: PickleNode): PyTimezone | undefined {
  if (node.t !== "object" || node.how !== "reduce" || !plainCall(node) || node.states.length > 0) return undefined;
  if (name(node.callable) !== "datetime.timezone" || node.args.t !== "tuple") return undefined;
  const [offsetNode, nameNode, ...rest] = node.args.items;
  if (!offsetNode || rest.length > 0 || (nameNode && nameNode.t !== "str")) return undefined;
  const offset = timedeltaOf(offsetNode);
  if (!offset) return undefined;
  let tz: PyTimezone | undefined;
  if (!valid(() => (tz = makeTimezone(offset, nameNode?.t === "str" ? nameNode.v : null)))) return undefined;
  return tz;
}

function dateTimeOf(obj: PickleObject, cls: string): PyStdlibValue | undefined {
  if (obj.how !== "reduce" || obj.states.length > 0 || obj.args.t !== "tuple") return undefined;
  const [state, tzNode, ...rest] = obj.args.items;
  if (state?.t !== "bytes" || rest.length > 0) return undefined;
  const tzinfo = tzNode ? timezoneOf(tzNode) : null;
  if (tzinfo === undefined) return undefined;
  const b = state.v;
  if (cls === "datetime.date" && b.length === 4 && !tzNode) {
    const [year, month, day] = [b[0] * 256 + b[1], b[2], b[3]];
    return valid(() => checkDate(year, month, day)) ? { type: "date", year, month, day } : undefined;
  }
  if (cls === "datetime.datetime" && b.length === 10) {
    const [year, month, day, hour, minute, second] = [b[0] * 256 + b[1], b[2] & 0x7f, b[3], b[4], b[5], b[6]];
    const microsecond = (b[7] << 16) | (b[8] << 8) | b[9];
    const fold = (b[2] >> 7) as 0 | 1;
    if (!valid(() => (checkDate(year, month, day), checkTime(hour, minute, second, microsecond)))) return undefined;
    return { type: "datetime", year, month, day, hour, minute, second, microsecond, fold, tzinfo };
  }
  if (cls === "datetime.time" && b.length === 6) {
    const [hour, minute, second] = [b[0] & 0x7f, b[1], b[2]];
    const microsecond = (b[3] << 16) | (b[4] << 8) | b[5];
    const fold = (b[0] >> 7) as 0 | 1;
    if (!valid(() => checkTime(hour, minute, second, microsecond))) return undefined;
    return { type: "time", hour, minute, second, microsecond, fold, tzinfo };
  }
  return undefined;
}

function uuidState(obj: PickleObject): bigint | undefined {
  const state = obj.states[0];
  if (obj.states.length !== 1 || state.t !== "dict" || state.entries.length !== 1) return undefined;
  const [k, v] = state.entries[0];
  if (k.t !== "str" || k.v !== "int" || v.t !== "int" || v.v < 0n || v.v >= 1n << 128n) return undefined;
  return v.v;
}

function uuidOf(obj: PickleObject): PyStdlibValue | undefined {
  const cls = name(obj.callable);
  const emptyArgs = obj.args.t === "tuple" && obj.args.items.length === 0;
  if (obj.how === "newobj" && cls === "uuid.UUID" && emptyArgs) {
    const int = uuidState(obj);
    return int === undefined ? undefined : { type: "uuid", int };
  }
  if (obj.how === "reduce" && (cls === "copyreg._reconstructor" || cls === "copy_reg._reconstructor") && obj.args.t === "tuple") {
    const [c, base, st] = obj.args.items;
    if (obj.args.items.length !== 3 || name(c) !== "uuid.UUID" || !["builtins.object", "__builtin__.object"].includes(name(base) ?? "") || st.t !== "none") return undefined;
    const int = uuidState(obj);
    return int === undefined ? undefined : { type: "uuid", int };
  }
  return undefined;
}

/** The stdlib value a pickle node holds, or `undefined` when it is anything else. */
export function pickleToStdlib(node: PickleNode): PyStdlibValue | undefined {
  if (node.t !== "object" || !plainCall(node)) return undefined;
  const cls = name(node.callable);
  switch (cls) {
    case "datetime.datetime":
    case "datetime.date":
    case "datetime.time":
      return dateTimeOf(node, cls);
    case "datetime.timedelta":
      return timedeltaOf(node);
    case "datetime.timezone":
      return timezoneOf(node);
    case "decimal.Decimal": {
      const arg = node.args.t === "tuple" && node.args.items.length === 1 ? node.args.items[0] : undefined;
      if (node.how !== "reduce" || node.states.length > 0 || arg?.t !== "str" || arg.legacy) return undefined;
      return valid(() => decimalText(arg.v)) ? { type: "decimal", text: arg.v } : undefined;
    }
    default:
      return uuidOf(node);
  }
}

/** `collections.OrderedDict` as CPython pickles it: its items follow the empty call. */
export function isOrderedDictNode(node: PickleNode): node is PickleObject {
  return (
    node.t === "object" &&
    node.how === "reduce" &&
    name(node.callable) === "collections.OrderedDict" &&
    node.args.t === "tuple" &&
    node.args.items.length === 0 &&
    node.listItems.length === 0 &&
    node.states.length === 0 &&
    node.kwargs === undefined
  );
}

/**
 * Builds pickle nodes for new or edited stdlib values, in one protocol. Objects Python shares stay shared: a
 * timezone equal to one already in the original value is that node (as a Django app's one `timezone.utc`
 * is), and every UUID's state uses the same `'int'` key string. Classes are `fresh` globals, which the
 * pickler writes once per class as CPython does.
 */
export class StdlibNodes {
  private readonly timezones = new Map<string, PickleNode>();
  /** The original value's classes and (protocol 4+) module name strings, which new objects share. */
  private readonly classes = new Map<string, PickleGlobal>();
  private readonly modules = new Map<string, PickleStr>();
  private intKey: PickleStr | undefined;

  constructor(
    private readonly protocol: number,
    original?: PickleNode,
  ) {
    if (original) this.scan(original);
  }

  private scan(root: PickleNode): void {
    const seen = new Set<PickleNode>();
    const work = [root];
    while (work.length > 0) {
      const n = work.pop()!;
      if (seen.has(n) || n.t === "int" || n.t === "str" || n.t === "bytes") continue;
      seen.add(n);
      if (n.t === "global") {
        if (!this.classes.has(`${n.module}.${n.name}`)) this.classes.set(`${n.module}.${n.name}`, n);
        if (n.moduleNode && !this.modules.has(n.module)) this.modules.set(n.module, n.moduleNode);
      }
      const value = pickleToStdlib(n);
      if (value?.type === "timezone") {
        const key = pyObjectRepr(value);
        if (!this.timezones.has(key)) this.timezones.set(key, n);
      }
      if (value?.type === "uuid" && n.t === "object" && n.states[0]?.t === "dict" && !this.intKey) {
        const k = n.states[0].entries[0][0];
        if (k.t === "str") this.intKey = k;
      }
      work.push(...childrenOf(n));
    }
  }

  private global(module: string, cls: string): PickleGlobal {
    const fixed = this.protocol < 3 ? ({ copyreg: "copy_reg", builtins: "__builtin__" } as Record<string, string>)[module] ?? module : module;
    const known = this.classes.get(`${fixed}.${cls}`);
    if (known) return known;
    const moduleNode = this.modules.get(fixed);
    return moduleNode ? { t: "global", module: fixed, name: cls, fresh: true, moduleNode } : { t: "global", module: fixed, name: cls, fresh: true };
  }

  private call(module: string, cls: string, args: PickleNode[]): PickleObject {
    return { t: "object", how: "reduce", callable: this.global(module, cls), args: { t: "tuple", items: args }, listItems: [], dictItems: [], states: [] };
  }

  private int(v: number | bigint): PickleNode {
    return { t: "int", v: BigInt(v) };
  }

  private timedelta(td: PyTimedelta): PickleNode {
    return this.call("datetime", "timedelta", [this.int(td.days), this.int(td.seconds), this.int(td.microseconds)]);
  }

  private timezone(tz: PyTimezone): PickleNode {
    const key = pyObjectRepr(tz);
    let node = this.timezones.get(key);
    if (!node) {
      const args = [this.timedelta(tz.offset)];
      if (tz.name !== null) args.push({ t: "str", v: tz.name });
      node = this.call("datetime", "timezone", args);
      this.timezones.set(key, node);
    }
    return node;
  }

  node(v: PyStdlibValue): PickleNode {
    switch (v.type) {
      case "datetime":
      case "time": {
        const foldBit = v.fold && this.protocol > 3 ? 0x80 : 0;
        const time = [v.hour, v.minute, v.second, (v.microsecond >> 16) & 0xff, (v.microsecond >> 8) & 0xff, v.microsecond & 0xff];
        const state =
          v.type === "datetime"
            ? Uint8Array.from([v.year >> 8, v.year & 0xff, v.month | foldBit, v.day, ...time])
            : Uint8Array.from([time[0] | foldBit, ...time.slice(1)]);
        const args: PickleNode[] = [{ t: "bytes", v: state }];
        if (v.tzinfo) args.push(this.timezone(v.tzinfo));
        return this.call("datetime", v.type, args);
      }
      case "date":
        return this.call("datetime", "date", [{ t: "bytes", v: Uint8Array.from([v.year >> 8, v.year & 0xff, v.month, v.day]) }]);
      case "timedelta":
        return this.timedelta(v);
      case "timezone":
        return this.timezone(v);
      case "decimal":
        return this.call("decimal", "Decimal", [{ t: "str", v: v.text }]);
      case "uuid": {
        this.intKey ??= { t: "str", v: "int" };
        const state: PickleNode = { t: "dict", entries: [[this.intKey, this.int(v.int)]] };
        if (this.protocol >= 2) {
          return { t: "object", how: "newobj", callable: this.global("uuid", "UUID"), args: { t: "tuple", items: [] }, listItems: [], dictItems: [], states: [state] };
        }
        const obj = this.call("copyreg", "_reconstructor", [this.global("uuid", "UUID"), this.global("builtins", "object"), { t: "none" }]);
        obj.states.push(state);
        return obj;
      }
    }
  }

  orderedDict(): PickleObject {
    return this.call("collections", "OrderedDict", []);
  }
}
