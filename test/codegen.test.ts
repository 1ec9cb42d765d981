// plan and emit: determinism, and that the emitted CUDA carries what the plan decided.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sm90Budget } from "../src/dsl/budget.js";
import { emit, TEMPLATES_DIR } from "../src/codegen/emit.js";
import { plan } from "../src/codegen/plan.js";
import { sm90Spec, type SpecOptions } from "./support/specs.js";

const planOf = (o: SpecOptions) => {
  const spec = sm90Spec(o);
  return plan({ spec, budget: sm90Budget(spec), source: "kernels/test.ts" });
};
const cudaOf = (o: SpecOptions) => emit(planOf(o));

describe("plan", () => {
  it("lays out shared memory without overlap, 1024-byte aligned, inside the budget", () => {
    const p = planOf({ tile: [128, 256, 64], stages: 4 });
    expect(p.smem.aOffset).toBe(0);
    expect(p.smem.bOffset).toBe(4 * 128 * 64 * 2);
    expect(p.smem.epilogueOffset).toBe(p.smem.bOffset + 4 * 256 * 64 * 2);
    expect(p.smem.barrierOffset).toBe(p.smem.epilogueOffset + 2 * 2 * 64 * 128);
    for (const off of [p.smem.aOffset, p.smem.bOffset, p.smem.epilogueOffset]) expect(off % 1024).toBe(0);
    expect(p.smem.splitFlagOffset + 4 * p.consumerWarpgroups).toBeLessThanOrEqual(p.smem.totalBytes - p.smem.alignmentSlackBytes);
    expect(p.threads).toBe(384);
    expect(p.registers.producer * 128 + p.registers.consumer * 256).toBeLessThanOrEqual(65536);
  });

  it("splits the multicast loads across the cluster", () => {
    const p = planOf({ tile: [128, 256, 64], cluster: [2, 1] });
    expect(p.tma).toEqual({ aSliceRows: 128, bSliceRows: 128, multicastA: false, multicastB: true });
    const q = planOf({ tile: [128, 128, 64], cluster: [1, 2], stages: 6 });
    expect(q.tma).toEqual({ aSliceRows: 64, bSliceRows: 128, multicastA: true, multicastB: false });
  });

  it("picks the wgmma instruction from the dtypes and tile N", () => {
    expect(planOf({ a: "bf16", tile: [128, 256, 64] }).mma.instruction).toBe("wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16");
    expect(planOf({ a: "fp16", tile: [64, 128, 64] }).mma.instruction).toBe("wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16");
    const fp8 = planOf({ a: "e4m3", b: "e5m2", tile: [128, 128, 128] }).mma;
    expect(fp8.instruction).toBe("wgmma.mma_async.sync.aligned.m64n128k32.f32.e4m3.e5m2");
    expect(fp8.transposeImmediates).toBe(""); // fp8 wgmma is K-major only: no transpose operands
    expect(fp8.accumulatorRegisters).toBe(64);
  });
});

describe("dual GEMM", () => {
  const dual: SpecOptions = { dual: true, tile: [128, 128, 64], stages: 4 };

  it("plans a B2 ring after B1's and both products' transaction bytes", () => {
    const p = planOf(dual);
    expect(p.dual).toBe(true);
    expect(p.smem.b2Offset).toBe(p.smem.bOffset + 4 * 128 * 64 * 2);
    expect(p.smem.epilogueOffset).toBe(p.smem.b2Offset + 4 * 128 * 64 * 2);
    expect(p.smem.b2Offset % 1024).toBe(0);
    expect(p.epilogue.kind).toBe("siluMul");
    expect(planOf({ tile: [128, 128, 64] }).dual).toBe(false);
  });

  it("loads A, B1 and B2, issues both products from the same A descriptor, and gates in fp32", () => {
    const cu = cudaOf(dual);
    const helper = planOf(dual).mma.helperName;
    expect(cu).toContain(`${helper}(acc, desc_a, desc_b);`);
    expect(cu).toContain(`${helper}(acc2, desc_a, desc_b2);`);
    expect(cu).toContain("kTxBytesPerStage = kABytesPerStage + 2 * kBBytesPerStage;");
    expect(cu).toMatch(/cp_async_bulk_tensor\([^;]*map_b2, b_coords/);
    expect(cu).toContain("const CUtensorMap* map_b2 = &tmap_b2;");
    expect(cu).toContain("return g / (1.0f + __expf(-g)) * u;");
    expect(cu).toContain("acc[i] = silu_mul(acc[i], acc2[i]);");
    expect(cu).toContain("GK_OP_DUAL_GEMM_SILU_MUL");
    expect(cu).toContain("args->b2 == nullptr");
    expect(cu).toContain("D[M,N] = silu(A[M,K] · B1[N,K]ᵀ) ⊙ (A[M,K] · B2[N,K]ᵀ)");
    expect(cu).not.toMatch(/\{\{|\}\}/);
    expect(cu).not.toMatch(/\n\s*\n\s*\n/);
  });

  it("leaves plain GEMMs without any of it", () => {
    const cu = cudaOf({ tile: [128, 128, 64] });
    for (const s of ["acc2", "tmap_b2", "silu_mul", "kSmemB2", "GK_OP_DUAL", "args->b2"]) expect(cu).not.toContain(s);
  });
});

describe("emit", () => {
  it("is deterministic: same config, same bytes", () => {
    const o: SpecOptions = { tile: [128, 256, 64], cluster: [2, 1], splitK: 2 };
    expect(cudaOf(o)).toBe(cudaOf(o));
  });

  it("prints the plan's numbers into the kernel", () => {
    const p = planOf({ tile: [128, 256, 64], stages: 4 });
    const cu = emit(p);
    expect(cu).toContain(`constexpr uint32_t kSmemBytes = ${p.smem.totalBytes};`);
    expect(cu).toContain("constexpr int kStages = 4;");
    expect(cu).toContain(p.mma.instruction);
    expect(cu).toContain(`${p.mma.descriptorConstant}ull`);
    expect(cu).toContain("__launch_bounds__(kThreads, 1)");
    expect(cu).toContain("setmaxnreg_inc<kConsumerRegisters>()");
  });

  it("emits cluster code only for clusters, split-K code only when splitting", () => {
    const single = cudaOf({ cluster: [1, 1] });
    expect(single).not.toContain("barrier_cluster_arrive");
    expect(single).not.toContain("mapa.shared::cluster");
    expect(single).not.toContain("atomicAdd");
    const clustered = cudaOf({ cluster: [2, 1] });
    expect(clustered).toContain("barrier_cluster_arrive");
    expect(clustered).toContain("b_mask");
    expect(clustered).not.toContain("a_mask");
    expect(cudaOf({ tile: [128, 128, 64], stages: 6, splitK: 3 })).toContain("atomicAdd");
  });

  it("reads like hand-written CUDA: no unrendered template text, no runs of blank lines", () => {
    const cu = cudaOf({ cluster: [1, 2], tile: [128, 128, 64], stages: 6, splitK: 2 });
    expect(cu).not.toMatch(/\{\{|\}\}/);
    expect(cu).not.toMatch(/\n\s*\n\s*\n/);
  });
});

describe("code shared between the targets", () => {
  // The pipeline (TMA producer loop), scheduler, epilogue store and host code are common partials;
  // a target's template holds its MMA, TMEM or register handling and includes these.
  const read = (p: string): string => readFileSync(join(TEMPLATES_DIR, p), "utf8");
  it.each(["sm90/gemm.cu.hbs", "sm100/gemm.cu.hbs"])("%s includes the shared producer, scheduler, epilogue store and host", (file) => {
    const text = read(file);
    for (const partial of ["tma_producer", "scheduler", "epilogue_store", "host", "device_helpers"]) expect(text).toContain(`{{> ${partial}}}`);
    // No TMA load of its own: every cp.async.bulk.tensor load is issued by the shared producer.
    expect(text).not.toMatch(/cp_async_bulk_tensor\(ptx::space_cluster/);
    expect(text).not.toMatch(/cp_async_bulk_tensor_[23]d_cta_group_2\(/);
  });
});
