/**
 * The tcgen05.mma instruction descriptor (the 32-bit `idesc` operand) for sm_100a, per PTX ISA 9.0/9.1
 * section 9.7.16.4.2 "Instruction descriptor". Its layout depends on the MMA kind:
 *
 * Table 42, .kind::tf32 / .kind::f16 / .kind::f8f6f4 / .kind::i8 ("dense layout" below):
 *   bits  0-1   sparsity selector (0-3), meaningful only when sparse
 *   bit   2     sparsity: 0 dense, 1 sparse
 *   bit   3     saturate (.kind::i8 only; 0 for the float kinds)
 *   bits  4-5   dtype (D): F16 = 0, F32 = 1, S32 = 2
 *   bit   6     reserved
 *   bits  7-9   atype   tf32: TF32 = 2 | f16: F16 = 0, BF16 = 1 |
 *   bits 10-12  btype   f8f6f4: E4M3 = 0, E5M2 = 1, E2M3 = 3, E3M2 = 4, E2M1 = 5 | i8: U8 = 0, S8 = 1
 *   bit  13/14  negate A / negate B (not for .kind::i8)
 *   bit  15/16  transpose A / transpose B (0 = K-major, 1 = MN-major)
 *   bits 17-22  N >> 3
 *   bit  23     reserved
 *   bits 24-28  M >> 4
 *   bit  29     reserved
 *   bits 30-31  maximum shift for B reuse in .ws: 0 none, 1 shift 8, 2 shift 16, 3 shift 32
 *
 * Table 43, .kind::mxf8f6f4:
 *   bits  0-1 reserved, bit 2 sparsity, bit 3 reserved,
 *   bits  4-5   scale factor B ID (0-3)
 *   bit   6     reserved
 *   bits  7-9 / 10-12  atype / btype, same codes as .kind::f8f6f4
 *   bits 13-16  negate A, negate B, transpose A, transpose B
 *   bits 17-22  N >> 3
 *   bit  23     scale type for both scale_A and scale_B: UE8M0 = 1
 *   bits 24-26  reserved
 *   bits 27-28  M >> 7
 *   bits 29-30  scale factor A ID (0-3)
 *   bit  31     reserved
 *
 * Table 44, .kind::mxf4 / .kind::mxf4nvf4: as Table 43 except
 *   bits  7-9   atype: E2M1 = 1 (not 5 as in .kind::mxf8f6f4)
 *   bits 10-11  btype: E2M1 = 1 (two bits only); bit 12 reserved
 *   bits  4-5 / 29-30  scale factor B / A ID: 0 or 2
 *   bits 15-16  transpose: must be 0 (K-major only; Table 51 says no transpose for these kinds)
 *   bit  23     scale type: UE8M0 = 1, UE4M3 = 0 (UE4M3 only for .kind::mxf4nvf4, Table 57)
 *   bit  31     K dimension: 0 for dense K=64 / sparse K=128, 1 for dense K=96 (sm_103a only,
 *               Target ISA Note 9.7.16.2.1.1)
 *
 * The block-scaled kinds have no dtype field: D is always F32 (Table 39). Their M field keeps only
 * M >> 7, so M = 64 cannot be expressed (Table 39 lists 128 and 256 only).
 *
 * Other sources agree on every position except where noted: CUTLASS cute/arch/mma_sm100_desc.hpp
 * writes the block-scaled M as a 5-bit M >> 4 at bits 24-28 (identical bits for M = 128 and 256) and
 * names bits 0-1 of the block-scaled layouts a sparsity selector; this file follows the ISA tables.
 */

export type Sm100MmaKind = "f16" | "tf32" | "f8f6f4" | "i8" | "mxf8f6f4" | "mxf4" | "mxf4nvf4";
/** "K" = transpose bit 0 (A row-major MxK, B column-major KxN); "MN" = transpose bit 1. */
export type Sm100Major = "K" | "MN";
/** Maximum shift while attempting B-matrix reuse, .ws variants only (Table 42 bits 30-31). */
export type Sm100MaxShift = 0 | 8 | 16 | 32;
export type Sm100F8F6F4Type = "e4m3" | "e5m2" | "e2m3" | "e3m2" | "e2m1";
export type Sm100ScaleType = "ue8m0" | "ue4m3";

interface CommonFields {
  readonly m: number;
  readonly n: number;
  readonly aMajor: Sm100Major;
  readonly bMajor: Sm100Major;
  /** Default false. */
  readonly negateA?: boolean;
  /** Default false. */
  readonly negateB?: boolean;
  /** Default false (dense). */
  readonly sparse?: boolean;
}

/** Fields of the Table 42 layout shared by tf32, f16, f8f6f4 and i8. */
interface DenseLayoutFields extends CommonFields {
  /** 0..3, only with sparse: true. Default 0. */
  readonly sparsitySelector?: number;
  /** Default 0 (no shift). Only meaningful for tcgen05.mma.ws. */
  readonly maxShift?: Sm100MaxShift;
}

export interface Sm100F16InstrFields extends DenseLayoutFields {
  readonly kind: "f16";
  readonly dtype: "f16" | "f32";
  readonly aType: "f16" | "bf16";
  readonly bType: "f16" | "bf16";
}

export interface Sm100Tf32InstrFields extends DenseLayoutFields {
  readonly kind: "tf32";
  readonly dtype: "f32";
  readonly aType: "tf32";
  readonly bType: "tf32";
}

export interface Sm100F8f6f4InstrFields extends DenseLayoutFields {
  readonly kind: "f8f6f4";
  readonly dtype: "f16" | "f32";
  readonly aType: Sm100F8F6F4Type;
  readonly bType: Sm100F8F6F4Type;
}

export interface Sm100I8InstrFields extends DenseLayoutFields {
  readonly kind: "i8";
  readonly dtype: "s32";
  readonly aType: "u8" | "s8";
  readonly bType: "u8" | "s8";
  /** Default false. */
  readonly saturate?: boolean;
}

/** Fields of the Table 43/44 layouts. Scale factor IDs pick the TMEM sub-column (byte or half-word) of scale_A / scale_B. */
interface BlockScaledLayoutFields extends CommonFields {
  readonly scaleFactorAId: number;
  readonly scaleFactorBId: number;
}

export interface Sm100Mxf8f6f4InstrFields extends BlockScaledLayoutFields {
  readonly kind: "mxf8f6f4";
  readonly aType: Sm100F8F6F4Type;
  readonly bType: Sm100F8F6F4Type;
  readonly scaleType: "ue8m0";
}

export interface Sm100Mxf4InstrFields extends BlockScaledLayoutFields {
  readonly kind: "mxf4";
  readonly aType: "e2m1";
  readonly bType: "e2m1";
  readonly aMajor: "K";
  readonly bMajor: "K";
  readonly scaleType: "ue8m0";
  /** Bit 31: dense K = 96 (sm_103a only). Default false. */
  readonly k96?: boolean;
}

export interface Sm100Mxf4nvf4InstrFields extends BlockScaledLayoutFields {
  readonly kind: "mxf4nvf4";
  readonly aType: "e2m1";
  readonly bType: "e2m1";
  readonly aMajor: "K";
  readonly bMajor: "K";
  readonly scaleType: Sm100ScaleType;
  /** Bit 31: dense K = 96 (sm_103a only). Default false. */
  readonly k96?: boolean;
}

export type Sm100InstrDescriptorFields =
  | Sm100F16InstrFields
  | Sm100Tf32InstrFields
  | Sm100F8f6f4InstrFields
  | Sm100I8InstrFields
  | Sm100Mxf8f6f4InstrFields
  | Sm100Mxf4InstrFields
  | Sm100Mxf4nvf4InstrFields;

export type Sm100InstrFieldsOf<K extends Sm100MmaKind> = Extract<Sm100InstrDescriptorFields, { kind: K }>;

export interface Sm100InstrDescriptorOptions {
  /**
   * When given, M and N are also checked against the CTA group (Table 39): cta_group::1 M 64/128
   * (128 for block-scaled kinds), N multiple of 8; cta_group::2 M 128/256, N multiple of 16 in [16, 256].
   * The CTA group is not part of the descriptor.
   */
  readonly ctaGroup?: 1 | 2;
}

// ---------------------------------------------------------------------------------------------
// Codes

const D_CODE = { f16: 0, f32: 1, s32: 2 } as const;
const F16_CODE = { f16: 0, bf16: 1 } as const;
const TF32_CODE = { tf32: 2 } as const;
const F8F6F4_CODE: Readonly<Record<Sm100F8F6F4Type, number>> = { e4m3: 0, e5m2: 1, e2m3: 3, e3m2: 4, e2m1: 5 };
const I8_CODE = { u8: 0, s8: 1 } as const;
const MXF4_CODE = { e2m1: 1 } as const;
const SCALE_CODE: Readonly<Record<Sm100ScaleType, number>> = { ue4m3: 0, ue8m0: 1 };
const MAX_SHIFT_CODE: Readonly<Record<Sm100MaxShift, number>> = { 0: 0, 8: 1, 16: 2, 32: 3 };
const MAX_SHIFT_BY_CODE: readonly Sm100MaxShift[] = [0, 8, 16, 32];
const KINDS: ReadonlySet<string> = new Set<Sm100MmaKind>(["f16", "tf32", "f8f6f4", "i8", "mxf8f6f4", "mxf4", "mxf4nvf4"]);

/** Types whose elements are 8 or 16 bits wide: the only ones that may be MN-major (9.7.16.10.3, "Valid Combinations of Type-Size, Major-ness and Swizzling"). */
const F8F6F4_TRANSPOSABLE: ReadonlySet<string> = new Set(["e4m3", "e5m2"]);

function fail(kind: string, message: string): never {
  throw new Error(`tcgen05.mma .kind::${kind} instruction descriptor: ${message}`);
}

function codeOf<T extends string>(kind: string, table: Readonly<Record<T, number>>, value: unknown, what: string): number {
  const code = typeof value === "string" && Object.prototype.hasOwnProperty.call(table, value) ? table[value as T] : undefined;
  if (code === undefined) fail(kind, `${what} "${String(value)}" is not legal for this kind (legal: ${Object.keys(table).join(", ")})`);
  return code;
}

function nameOf<T extends string>(kind: string, table: Readonly<Record<T, number>>, code: number, what: string): T {
  for (const [name, c] of Object.entries(table) as Array<[T, number]>) if (c === code) return name;
  return fail(kind, `${what} code ${code} is not defined for this kind`);
}

/** value placed at bit `lo`; fields never overlap, so adding is the same as OR-ing. */
function put(value: number, lo: number): number {
  return value * 2 ** lo;
}

function bits(value: number, lo: number, width: number): number {
  return Math.floor(value / 2 ** lo) % 2 ** width;
}

function flag(v: boolean | undefined): number {
  return v === true ? 1 : 0;
}

function majorCode(kind: string, major: unknown, operand: string): number {
  if (major === "K") return 0;
  if (major === "MN") return 1;
  return fail(kind, `${operand} major-ness "${String(major)}" is not "K" or "MN"`);
}

const BLOCK_SCALED: ReadonlySet<Sm100MmaKind> = new Set(["mxf8f6f4", "mxf4", "mxf4nvf4"]);

function checkShape(f: Sm100InstrDescriptorFields, options: Sm100InstrDescriptorOptions | undefined): void {
  const blockScaled = BLOCK_SCALED.has(f.kind);
  const ctaGroup = options?.ctaGroup;
  if (ctaGroup !== undefined && ctaGroup !== 1 && ctaGroup !== 2) fail(f.kind, `CTA group ${String(ctaGroup)} is not 1 or 2`);
  const allowedM = blockScaled
    ? ctaGroup === 1 ? [128] : [128, 256]
    : ctaGroup === 1 ? [64, 128] : ctaGroup === 2 ? [128, 256] : [64, 128, 256];
  if (!allowedM.includes(f.m)) {
    const scope = ctaGroup === undefined ? "" : ` with cta_group::${ctaGroup}`;
    fail(f.kind, `M = ${f.m} is not supported${scope} (legal: ${allowedM.join(", ")})`);
  }
  const step = ctaGroup === 2 ? 16 : 8;
  if (!Number.isInteger(f.n) || f.n < step || f.n > 256 || f.n % step !== 0) {
    const scope = ctaGroup === 2 ? " with cta_group::2" : "";
    fail(f.kind, `N = ${f.n} is not a multiple of ${step} in [${step}, 256]${scope}`);
  }
}

function checkSparsity(f: Sm100InstrDescriptorFields): void {
  if (f.sparse !== undefined && typeof f.sparse !== "boolean") fail(f.kind, `sparse must be a boolean`);
}

/**
 * The types already keep other kinds' fields out; this catches untyped callers whose setting would
 * otherwise be dropped silently (e.g. saturate on a float kind, a max shift on a block-scaled kind).
 */
function checkForeignFields(f: Sm100InstrDescriptorFields): void {
  const raw = f as unknown as Record<string, unknown>;
  const blockScaled = BLOCK_SCALED.has(f.kind);
  const foreign: Array<[string, boolean]> = blockScaled
    ? [
        ["sparsitySelector", (raw.sparsitySelector ?? 0) !== 0],
        ["maxShift", (raw.maxShift ?? 0) !== 0],
        ["saturate", raw.saturate === true],
        ["dtype", raw.dtype !== undefined && raw.dtype !== "f32"],
        ["k96", f.kind === "mxf8f6f4" && raw.k96 === true],
      ]
    : [
        ["saturate", f.kind !== "i8" && raw.saturate === true],
        ["scaleType", raw.scaleType !== undefined],
        ["scaleFactorAId", (raw.scaleFactorAId ?? 0) !== 0],
        ["scaleFactorBId", (raw.scaleFactorBId ?? 0) !== 0],
        ["k96", raw.k96 === true],
      ];
  for (const [name, present] of foreign) if (present) fail(f.kind, `${name} is not a field of this kind's descriptor`);
}

// ---------------------------------------------------------------------------------------------
// Encode

/** Encodes the descriptor as an unsigned 32-bit number. Throws on a value the kind's table cannot hold or the ISA rules out. */
export function encodeSm100InstrDescriptor(f: Sm100InstrDescriptorFields, options?: Sm100InstrDescriptorOptions): number {
  if (!KINDS.has(f.kind)) fail(String(f.kind), "unknown MMA kind");
  checkShape(f, options);
  checkSparsity(f);
  checkForeignFields(f);
  const kind = f.kind;
  if ((f.negateA === true || f.negateB === true) && kind === "i8") fail(kind, "negate A/B is not supported for integer MMA (Table 42, Table 51)");
  const common =
    put(flag(f.sparse), 2) +
    put(flag(f.negateA), 13) +
    put(flag(f.negateB), 14) +
    put(majorCode(kind, f.aMajor, "A"), 15) +
    put(majorCode(kind, f.bMajor, "B"), 16) +
    put(f.n / 8, 17);

  switch (f.kind) {
    case "f16":
    case "tf32":
    case "f8f6f4":
    case "i8": {
      let dtype: number;
      let atype: number;
      let btype: number;
      let saturate = 0;
      if (f.kind === "f16") {
        dtype = codeOf(kind, { f16: D_CODE.f16, f32: D_CODE.f32 }, f.dtype, "dtype");
        atype = codeOf(kind, F16_CODE, f.aType, "A type");
        btype = codeOf(kind, F16_CODE, f.bType, "B type");
        if (f.dtype === "f16" && (f.aType !== "f16" || f.bType !== "f16")) {
          fail(kind, `an F16 accumulator needs F16 inputs; ${f.aType} x ${f.bType} needs dtype f32 (Table 39)`);
        }
      } else if (f.kind === "tf32") {
        dtype = codeOf(kind, { f32: D_CODE.f32 }, f.dtype, "dtype");
        atype = codeOf(kind, TF32_CODE, f.aType, "A type");
        btype = codeOf(kind, TF32_CODE, f.bType, "B type");
      } else if (f.kind === "f8f6f4") {
        dtype = codeOf(kind, { f16: D_CODE.f16, f32: D_CODE.f32 }, f.dtype, "dtype");
        atype = codeOf(kind, F8F6F4_CODE, f.aType, "A type");
        btype = codeOf(kind, F8F6F4_CODE, f.bType, "B type");
        checkNarrowMajor(kind, f.aType, f.aMajor, "A");
        checkNarrowMajor(kind, f.bType, f.bMajor, "B");
      } else {
        dtype = codeOf(kind, { s32: D_CODE.s32 }, f.dtype, "dtype");
        atype = codeOf(kind, I8_CODE, f.aType, "A type");
        btype = codeOf(kind, I8_CODE, f.bType, "B type");
        saturate = flag(f.saturate);
      }
      const selector = f.sparsitySelector ?? 0;
      if (!Number.isInteger(selector) || selector < 0 || selector > 3) fail(kind, `sparsity selector ${selector} is not in 0..3`);
      if (selector !== 0 && f.sparse !== true) fail(kind, `sparsity selector ${selector} given for a dense MMA`);
      const shift = f.maxShift ?? 0;
      const shiftCode = MAX_SHIFT_CODE[shift];
      if (shiftCode === undefined) fail(kind, `maximum shift ${String(shift)} is not 0, 8, 16 or 32`);
      const value =
        common +
        put(selector, 0) +
        put(saturate, 3) +
        put(dtype, 4) +
        put(atype, 7) +
        put(btype, 10) +
        put(f.m / 16, 24) +
        put(shiftCode, 30);
      return value >>> 0;
    }
    case "mxf8f6f4":
    case "mxf4":
    case "mxf4nvf4": {
      let atype: number;
      let btype: number;
      let scale: number;
      let k96 = 0;
      let legalIds: readonly number[];
      if (f.kind === "mxf8f6f4") {
        atype = codeOf(kind, F8F6F4_CODE, f.aType, "A type");
        btype = codeOf(kind, F8F6F4_CODE, f.bType, "B type");
        checkNarrowMajor(kind, f.aType, f.aMajor, "A");
        checkNarrowMajor(kind, f.bType, f.bMajor, "B");
        scale = codeOf(kind, { ue8m0: SCALE_CODE.ue8m0 }, f.scaleType, "scale type");
        // scale_vec::1X / block32: one scale byte per row, the ID is the byte within the TMEM word (9.7.16.10.7.2.1).
        legalIds = [0, 1, 2, 3];
      } else {
        atype = codeOf(kind, MXF4_CODE, f.aType, "A type");
        btype = codeOf(kind, MXF4_CODE, f.bType, "B type");
        if (f.aMajor !== "K" || f.bMajor !== "K") fail(kind, "transpose is not supported: A and B must be K-major (Table 44, Table 51)");
        scale =
          f.kind === "mxf4"
            ? codeOf(kind, { ue8m0: SCALE_CODE.ue8m0 }, f.scaleType, "scale type")
            : codeOf(kind, SCALE_CODE, f.scaleType, "scale type");
        k96 = flag(f.k96);
        if (k96 === 1 && f.sparse === true) fail(kind, "K = 96 exists only for dense MMA (Table 39)");
        if (k96 === 1 && f.m !== 256) fail(kind, `K = 96 needs M = 256 with cta_group::2, got M = ${f.m} (Table 39)`);
        if (k96 === 1 && options?.ctaGroup === 1) fail(kind, "K = 96 needs cta_group::2 (Table 39)");
        // Table 44: IDs 0 or 2 (half-word of the TMEM word, scale_vec::2X). UE4M3 implies scale_vec::4X /
        // block16 (Table 57), whose layout needs ID 0 (9.7.16.10.7.2.3). With K = 96, block32 takes any
        // byte 0..3 (9.7.16.10.7.2.4) and block16 takes 0 or 2 (9.7.16.10.7.2.5).
        if (k96 === 1) legalIds = f.scaleType === "ue4m3" ? [0, 2] : [0, 1, 2, 3];
        else legalIds = f.scaleType === "ue4m3" ? [0] : [0, 2];
      }
      checkScaleId(kind, f.scaleFactorAId, "A", legalIds, f.scaleType);
      checkScaleId(kind, f.scaleFactorBId, "B", legalIds, f.scaleType);
      const value =
        common +
        put(f.scaleFactorBId, 4) +
        put(atype, 7) +
        put(btype, 10) +
        put(scale, 23) +
        put(f.m / 128, 27) +
        put(f.scaleFactorAId, 29) +
        put(k96, 31);
      return value >>> 0;
    }
    default: {
      const unknown: { kind?: unknown } = f;
      return fail(String(unknown.kind), "unknown MMA kind");
    }
  }
}

function checkNarrowMajor(kind: string, type: string, major: Sm100Major, operand: string): void {
  if (major === "MN" && !F8F6F4_TRANSPOSABLE.has(type)) {
    fail(kind, `${operand} of type ${type} must be K-major: only 8- and 16-bit types can be transposed (9.7.16.10.3)`);
  }
}

function checkScaleId(kind: string, id: number, operand: string, legal: readonly number[], scaleType: string): void {
  if (!Number.isInteger(id) || !legal.includes(id)) {
    fail(kind, `scale factor ${operand} ID ${id} is not legal with ${scaleType} scales (legal: ${legal.join(", ")})`);
  }
}

// ---------------------------------------------------------------------------------------------
// Decode

/** Bits each layout names "Reserved" (they must be 0). */
const RESERVED_MASK: Readonly<Record<"dense" | "mxf8f6f4" | "mxf4", number>> = {
  // bits 6, 23, 29
  dense: (1 << 6) | (1 << 23) | (1 << 29),
  // bits 0-1, 3, 6, 24-26, 31
  mxf8f6f4: ((0b11 << 0) | (1 << 3) | (1 << 6) | (0b111 << 24) | 2 ** 31) >>> 0,
  // as mxf8f6f4 plus bit 12, less bit 31 (the K-dimension bit)
  mxf4: ((0b11 << 0) | (1 << 3) | (1 << 6) | (1 << 12) | (0b111 << 24)) >>> 0,
};

/**
 * Decodes `value` read as the layout of `kind`. Throws when a reserved bit is set, a code is undefined
 * for the kind, or the fields would be refused by encodeSm100InstrDescriptor. Optional fields come back
 * filled in (false / 0).
 */
export function decodeSm100InstrDescriptor<K extends Sm100MmaKind>(kind: K, value: number): Sm100InstrFieldsOf<K> {
  if (!KINDS.has(kind)) fail(String(kind), "unknown MMA kind");
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 32) fail(kind, `${value} is not a 32-bit value`);
  const v = value >>> 0;
  const hex = `0x${v.toString(16).padStart(8, "0")}`;
  const layout = kind === "mxf8f6f4" ? "mxf8f6f4" : kind === "mxf4" || kind === "mxf4nvf4" ? "mxf4" : "dense";
  const reserved = (v & RESERVED_MASK[layout]) >>> 0;
  if (reserved !== 0) fail(kind, `${hex} has reserved bits set (0x${reserved.toString(16)})`);

  const common = {
    m: 0,
    n: bits(v, 17, 6) * 8,
    aMajor: bits(v, 15, 1) === 1 ? ("MN" as const) : ("K" as const),
    bMajor: bits(v, 16, 1) === 1 ? ("MN" as const) : ("K" as const),
    negateA: bits(v, 13, 1) === 1,
    negateB: bits(v, 14, 1) === 1,
    sparse: bits(v, 2, 1) === 1,
  };
  let fields: Sm100InstrDescriptorFields;
  if (layout === "dense") {
    const dense = {
      ...common,
      m: bits(v, 24, 5) * 16,
      sparsitySelector: bits(v, 0, 2),
      maxShift: MAX_SHIFT_BY_CODE[bits(v, 30, 2)] ?? 0,
    };
    const dCode = bits(v, 4, 2);
    const aCode = bits(v, 7, 3);
    const bCode = bits(v, 10, 3);
    const saturate = bits(v, 3, 1) === 1;
    if (saturate && kind !== "i8") fail(kind, `${hex} sets the saturate bit, which only .kind::i8 has`);
    if (kind === "f16") {
      fields = { ...dense, kind, dtype: nameOf(kind, { f16: 0, f32: 1 }, dCode, "dtype"), aType: nameOf(kind, F16_CODE, aCode, "A type"), bType: nameOf(kind, F16_CODE, bCode, "B type") };
    } else if (kind === "tf32") {
      fields = { ...dense, kind, dtype: nameOf(kind, { f32: 1 }, dCode, "dtype"), aType: nameOf(kind, TF32_CODE, aCode, "A type"), bType: nameOf(kind, TF32_CODE, bCode, "B type") };
    } else if (kind === "f8f6f4") {
      fields = { ...dense, kind, dtype: nameOf(kind, { f16: 0, f32: 1 }, dCode, "dtype"), aType: nameOf(kind, F8F6F4_CODE, aCode, "A type"), bType: nameOf(kind, F8F6F4_CODE, bCode, "B type") };
    } else if (kind === "i8") {
      fields = { ...dense, kind, dtype: nameOf(kind, { s32: 2 }, dCode, "dtype"), aType: nameOf(kind, I8_CODE, aCode, "A type"), bType: nameOf(kind, I8_CODE, bCode, "B type"), saturate };
    } else {
      return fail(String(kind), "unknown MMA kind");
    }
  } else {
    const scaled = {
      ...common,
      m: bits(v, 27, 2) * 128,
      scaleFactorAId: bits(v, 29, 2),
      scaleFactorBId: bits(v, 4, 2),
    };
    const scaleCode = bits(v, 23, 1);
    if (kind === "mxf8f6f4") {
      fields = {
        ...scaled,
        kind,
        aType: nameOf(kind, F8F6F4_CODE, bits(v, 7, 3), "A type"),
        bType: nameOf(kind, F8F6F4_CODE, bits(v, 10, 3), "B type"),
        scaleType: nameOf(kind, { ue8m0: 1 }, scaleCode, "scale type"),
      };
    } else if (kind === "mxf4" || kind === "mxf4nvf4") {
      if (scaled.aMajor !== "K" || scaled.bMajor !== "K") fail(kind, `${hex} sets a transpose bit, which this kind does not support`);
      const base = {
        ...scaled,
        aMajor: "K" as const,
        bMajor: "K" as const,
        aType: nameOf(kind, MXF4_CODE, bits(v, 7, 3), "A type"),
        bType: nameOf(kind, MXF4_CODE, bits(v, 10, 2), "B type"),
        k96: bits(v, 31, 1) === 1,
      };
      fields =
        kind === "mxf4"
          ? { ...base, kind: "mxf4", scaleType: nameOf(kind, { ue8m0: 1 }, scaleCode, "scale type") }
          : { ...base, kind: "mxf4nvf4", scaleType: nameOf(kind, SCALE_CODE, scaleCode, "scale type") };
    } else {
      return fail(String(kind), "unknown MMA kind");
    }
  }
  // Re-encoding applies every range and legality check (and must give back the same bits).
  const again = encodeSm100InstrDescriptor(fields);
  if (again !== v) fail(kind, `${hex} does not re-encode to itself (got 0x${again.toString(16).padStart(8, "0")})`);
  return fields as Sm100InstrFieldsOf<K>;
}
