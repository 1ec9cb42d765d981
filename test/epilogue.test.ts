// Epilogue options (alpha, bias, activation) in the plan and the emitted CUDA of every op: what is
// emitted for which option, the fixed order of the steps, that the epilogue runs once after any
// reduction, and that a kernel without options carries none of it.
import { describe, expect, it } from "vitest";
import { emit } from "../src/codegen/emit.js";
import { planEpilogueMath } from "../src/codegen/epilogue.js";
import { cudaType } from "../src/codegen/cudaTypes.js";
import { plan, planGemvKernel } from "../src/codegen/plan.js";
import { sm100Budget, sm90Budget } from "../src/dsl/budget.js";
import type { EpilogueOptions, GemvSpec } from "../src/dsl/types.js";
import { siluMul, store } from "../src/dsl/index.js";
import { validate } from "../src/dsl/validate.js";
import { sm90Spec, type SpecOptions } from "./support/specs.js";
import { NVFP4, sm100Spec, type Sm100SpecOptions } from "./support/sm100Specs.js";

const sm90Cuda = (o: SpecOptions): string => {
  const spec = sm90Spec(o);
  return emit(plan({ spec, budget: sm90Budget(spec), source: "kernels/test.ts" }));
};
const sm100Cuda = (o: Sm100SpecOptions): string => {
  const spec = sm100Spec(o);
  return emit(plan({ spec, budget: sm100Budget(spec), source: "kernels/test.ts" }));
};
const gemvCuda = (epilogue: EpilogueOptions = {}, splitK = 4): string => {
  const spec: GemvSpec = {
    name: "gemv_test",
    target: "sm_90a",
    op: { kind: "gemv", a: "bf16", b: "bf16", out: "bf16", accumulator: "fp32" },
    tiler: { warps: 8, rowsPerWarp: 2, unroll: 4, splitK },
    epilogue: { kind: "store", ...epilogue },
    problems: [{ m: 4096, k: 4096, l: 2 }],
  };
  const r = validate(spec);
  if (!r.ok) throw new Error("invalid GEMV spec");
  return emit(planGemvKernel({ spec: r.kernel.spec, budget: r.kernel.budget, source: "kernels/test.ts" }));
};

const ALL: EpilogueOptions = { alpha: true, bias: "fp32", activation: "gelu" };
const NVFP4_TILE: Sm100SpecOptions = { a: "e2m1", scale: NVFP4, out: "fp16", mma: [128, 128, 256], stages: 5 };

/** The emitted CUDA of each op with the given options. */
const everyOp = (epilogue: EpilogueOptions): [string, string][] => [
  ["sm_90a gemm", sm90Cuda({ tile: [128, 128, 64], epilogue })],
  ["sm_90a dual gemm", sm90Cuda({ dual: true, tile: [128, 128, 64], epilogue })],
  ["sm_100a gemm", sm100Cuda({ ...NVFP4_TILE, epilogue })],
  ["sm_90a gemv", gemvCuda(epilogue)],
];

/** The body of the emitted epilogue_apply. */
const applyBody = (cu: string): string => {
  const m = /float epilogue_apply\([^)]*\) \{\n([\s\S]*?)\n\}/.exec(cu);
  if (!m) throw new Error("no epilogue_apply");
  return m[1]!;
};

describe("epilogue plan", () => {
  it("describes the steps in their fixed order, each on the previous value", () => {
    const p = planEpilogueMath({ kind: "store", ...ALL }, "A·Bᵀ", "column", cudaType("fp32"));
    expect(p.formula).toBe("gelu(alpha·x + bias[n])");
    expect(p.steps).toEqual([
      "x = A·Bᵀ",
      "y = alpha·x (alpha: GkGemmArgs::alpha, a run-time float)",
      "y = y + bias[n] (bias: GkGemmArgs::bias, fp32, N entries, one per column of D, widened to fp32)",
      "y = gelu(y), gelu(y) = 0.5·y·(1 + erf(y/√2)), the exact erf form",
      "D = y converted once to fp32",
    ]);
    expect(p.abi).toEqual({ alpha: 1, biasType: "GK_FP32", bias: 1, activation: "GK_ACT_GELU" });
  });

  it("indexes a GEMV's bias by row and starts from x when there is no alpha", () => {
    const p = planEpilogueMath({ kind: "store", bias: "bf16", activation: "relu" }, "the dot product", "row", cudaType("bf16"));
    expect(p.formula).toBe("relu(x + bias[m])");
    expect(p.steps[1]).toMatch(/^y = x \+ bias\[m\] .*M entries, one per row of D, the same for every batch/);
    expect(p.bias && p.bias.pairs).toBe(false);
  });

  it("plans nothing extra without options", () => {
    const p = planEpilogueMath({ kind: "store" }, "A·Bᵀ", "column", cudaType("bf16"));
    expect(p).toMatchObject({ extra: false, alpha: false, bias: false, activation: false, formula: "x" });
    expect(p.abi).toEqual({ alpha: 0, biasType: "GkDType{}", bias: 0, activation: "GK_ACT_NONE" });
  });
});

describe("emitted epilogue", () => {
  it("is absent without options (store({}) is store(), which carries no option)", () => {
    expect(store({})).toEqual(store());
    expect(siluMul({})).toEqual(siluMul());
    expect(store()).toEqual({ kind: "store" });
    expect(store({ alpha: true, bias: "bf16", activation: "relu" })).toEqual({ kind: "store", alpha: true, bias: "bf16", activation: "relu" });
    for (const [op, cu] of everyOp({})) {
      for (const s of ["epilogue_apply", "ElementBias", "GK-BIAS", "alpha", "Epilogue, in this order"]) expect(cu, `${op}: ${s}`).not.toContain(s);
    }
  });

  it("applies alpha, then the bias, then the activation, in every op", () => {
    for (const [op, cu] of everyOp(ALL)) {
      expect(applyBody(cu), op).toBe("  float y = x;\n  y = alpha * y;\n  y = y + bias;\n  y = gelu(y);\n  return y;");
      expect(cu, op).toContain("float gelu(float y) { return 0.5f * y * (1.0f + erff(y * 0.70710678118654752f)); }");
      expect(cu, op).toContain("//   Epilogue, in this order, all in fp32");
      expect(cu, op).toContain("/*alpha=*/1, /*bias_type=*/GK_FP32, /*bias=*/1, /*activation=*/GK_ACT_GELU");
      expect(cu, op).toContain('return refuse("GK-BIAS: ');
      expect(cu, op).not.toMatch(/\{\{|\}\}/);
      expect(cu, op).not.toMatch(/\n\s*\n\s*\n/);
    }
  });

  it("emits only the steps asked for, and only the chosen activation", () => {
    for (const activation of ["relu", "gelu", "silu"] as const) {
      for (const [op, cu] of everyOp({ activation })) {
        expect(applyBody(cu), op).toBe(`  float y = x;\n  y = ${activation}(y);\n  return y;`);
        for (const other of ["relu", "gelu", "silu"].filter((a) => a !== activation)) expect(cu, op).not.toContain(`float ${other}(float y)`);
        expect(cu, op).not.toContain("ElementBias");
        expect(cu, op).not.toContain("GK-BIAS");
        expect(cu, op).toContain(`/*alpha=*/0, /*bias_type=*/GkDType{}, /*bias=*/0, /*activation=*/GK_ACT_${activation.toUpperCase()}`);
      }
    }
    for (const [op, cu] of everyOp({ alpha: true })) {
      expect(applyBody(cu), op).toBe("  float y = x;\n  y = alpha * y;\n  return y;");
      expect(cu, op).toMatch(/args->alpha/);
      expect(cu, op).not.toMatch(/ElementBias|bias_value|load_bias_pair|GK-BIAS/);
    }
  });

  it("reads the bias in the dtype asked for, widened to fp32", () => {
    const bf16 = sm90Cuda({ tile: [128, 128, 64], epilogue: { bias: "bf16" } });
    expect(bf16).toContain("using ElementBias = __nv_bfloat16;");
    expect(bf16).toContain("__bfloat1622float2(__ldg(reinterpret_cast<const __nv_bfloat162*>(bias + i)))");
    const fp16 = sm100Cuda({ ...NVFP4_TILE, epilogue: { bias: "fp16" } });
    expect(fp16).toContain("__half22float2(__ldg(reinterpret_cast<const __half2*>(bias + i)))");
    const fp32 = sm90Cuda({ tile: [128, 128, 64], epilogue: { bias: "fp32" } });
    expect(fp32).toContain("return __ldg(reinterpret_cast<const float2*>(bias + i));");
    // A GEMV reads one entry per row (no pairs).
    const gemv = gemvCuda({ bias: "fp16" });
    expect(gemv).toContain("bias_value(p.bias, row)");
    expect(gemv).not.toContain("load_bias_pair");
  });

  it("runs once, after the split-K and stream-K reductions (sm_90a)", () => {
    for (const o of [{ splitK: 3 }, { streamK: true }]) {
      const cu = sm90Cuda({ tile: [128, 128, 64], stages: 6, ...o, epilogue: ALL });
      const reduction = cu.indexOf("if (!*is_last) continue;");
      const apply = cu.indexOf("acc[group * 4 + i] = epilogue_apply(");
      expect(reduction).toBeGreaterThan(0);
      expect(apply).toBeGreaterThan(reduction);
      expect(cu.split("epilogue_apply(").length - 1).toBe(2); // the definition and the one call
    }
  });

  it("gates before the epilogue in a dual GEMM", () => {
    const cu = sm90Cuda({ dual: true, tile: [128, 128, 64], epilogue: ALL });
    expect(cu.indexOf("acc[i] = silu_mul(acc[i], acc[kAccumulators + i]);")).toBeLessThan(cu.indexOf("acc[group * 4 + i] = epilogue_apply("));
    expect(cu).toContain("/*op=*/GK_OP_DUAL_GEMM_SILU_MUL,");
    expect(cu).toContain("x = silu(A·B1ᵀ) ⊙ (A·B2ᵀ), in fp32");
  });

  it("runs once per row of a GEMV: on the direct store and on the last split's full sum", () => {
    const cu = gemvCuda(ALL, 4);
    expect(cu).toContain("static_cast<ElementD>(row_epilogue(p, first_row + r, acc[r]))");
    expect(cu).toContain("static_cast<ElementD>(row_epilogue(p, row, total))");
    expect(cu).not.toContain("atomicAdd(partials + first_row + r, row_epilogue");
    expect(cu.split("row_epilogue(p,").length - 1).toBe(2);
    const unsplit = gemvCuda(ALL, 1);
    expect(unsplit.split("row_epilogue(p,").length - 1).toBe(1);
  });

  it("loads the sm_100a chunk's bias before the tensor-memory load and applies it after the stage is handed back", () => {
    const cu = sm100Cuda({ ...NVFP4_TILE, epilogue: ALL });
    const bias = cu.indexOf("bias_chunk[i] = pair.x;");
    const load = cu.indexOf("tcgen05_ld_32x32b_x64(v, taddr");
    const handBack = cu.indexOf("ptx::mbarrier_arrive(&tmem_empty[acc]);");
    const apply = cu.indexOf("v[i] = __float_as_uint(epilogue_apply(__uint_as_float(v[i]), alpha, bias_chunk[i]));");
    expect(bias).toBeGreaterThan(0);
    expect(bias).toBeLessThan(load);
    expect(handBack).toBeLessThan(apply);
    expect(cu).toMatch(/kTypeScale, kScaleVector,\n\s+\/\*op=\*\/GK_OP_GEMM,\n\s+\/\*alpha=\*\/1, /);
  });

  it("fills the sm_100a kernel info's scale fields for a dense kernel with an epilogue", () => {
    const cu = sm100Cuda({ epilogue: { activation: "relu" } });
    expect(cu).toMatch(/kSplitK,\n\s+\/\*scale=\*\/GkDType\{\}, \/\*scale_vector=\*\/0,\n\s+\/\*op=\*\/GK_OP_GEMM,\n\s+\/\*alpha=\*\/0, /);
  });

  it("is deterministic", () => {
    for (const [op, cu] of everyOp(ALL)) expect(everyOp(ALL).find(([o]) => o === op)![1]).toBe(cu);
  });
});
