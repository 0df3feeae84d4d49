import { CodecError } from "./codec-error";

/** What a person sees instead of a value whose inspection would cost more than its budget. */
export const TOO_LARGE_LABEL = "too large to inspect";

/**
 * Thrown when a value would take more than its budget to decode. Unlike other `CodecError`s it does not
 * mean the bytes are not in that format, so detection stops trying other formats instead of falling back.
 */
export class TooLargeError extends CodecError {
  constructor(format: string, detail: string) {
    super(format, `${TOO_LARGE_LABEL} (${detail})`);
    this.name = "TooLargeError";
  }
}

interface BudgetLimits {
  /** Bytes all decompressors together may produce, across every nesting level. */
  readonly maxBytes: number;
  /** Work all decoders together may do: one step per node built or reference copied. */
  readonly maxSteps: number;
}

/**
 * A few hundred bytes can claim gigabytes (nested zlib) or exponential work (pickle memo references), so
 * one inspection of one value gets one budget, shared by every layer it peels and spent inside the
 * decompressors and decoders as they go: running out stops them at once.
 */
export class Budget {
  bytes = 0;
  steps = 0;

  constructor(readonly limits: BudgetLimits) {}

  /** Nothing more can be decoded with it. */
  get exhausted(): boolean {
    return this.bytes >= this.limits.maxBytes || this.steps >= this.limits.maxSteps;
  }

  spendBytes(format: string, n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.maxBytes) throw new TooLargeError(format, `more than ${this.limits.maxBytes} bytes decompressed`);
  }

  spendSteps(format: string, n = 1): void {
    this.steps += n;
    if (this.steps > this.limits.maxSteps) throw new TooLargeError(format, `more than ${this.limits.maxSteps} decoding steps`);
  }
}

/**
 * For a format label in the key list, which decodes only values of at most a KiB: deflate expands at most
 * ~1032×, so one honest layer stays under a MiB, and a list of hundreds of rows stays quick.
 */
export const DETECT_BUDGET: BudgetLimits = { maxBytes: 1024 * 1024, maxSteps: 100_000 };

/** For showing one value in full in the key pane. */
export const DISPLAY_BUDGET: BudgetLimits = { maxBytes: 16 * 1024 * 1024, maxSteps: 4_000_000 };

/**
 * A budget in proportion to the stored size, for showing many values on one page (the audit log): honest
 * data rarely expands more than 16×, a bomb expands thousands of times, and the page's work stays
 * proportional to what it read.
 */
export function budgetForSize(size: number): Budget {
  const maxBytes = 1024 * 1024 + 16 * size;
  return new Budget({ maxBytes, maxSteps: maxBytes / 2 });
}
