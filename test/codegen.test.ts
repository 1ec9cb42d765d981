// plan and emit: determinism, and that the emitted CUDA carries what the plan decided.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { clusterReductionShape, sm90Budget, unswizzledChunkColumns } from "../src/dsl/budget.js";
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
    expect(p.tma).toEqual({ aSliceRows: 128, bSliceRows: 128, multicastA: false, multicastB: true, preload: false });
    const q = planOf({ tile: [128, 128, 64], cluster: [1, 2], stages: 6 });
    expect(q.tma).toEqual({ aSliceRows: 64, bSliceRows: 128, multicastA: true, multicastB: false, preload: false });
  });

  it("preloads the first tile's stages before the CTA barrier only for one consumer warpgroup and no launched cluster", () => {
    expect(planOf({ tile: [64, 112, 64], stages: 9 }).tma.preload).toBe(true);
    expect(planOf({ a: "e4m3", tile: [64, 64, 128], stages: 13 }).tma.preload).toBe(true);
    expect(planOf({ tile: [64, 64, 64], stages: 13, splitK: 2 }).tma.preload).toBe(true); // workspace reduction: no cluster
    expect(planOf({ tile: [128, 112, 64], stages: 6 }).tma.preload).toBe(false); // two consumer warpgroups
    expect(planOf({ tile: [64, 128, 64], cluster: [2, 1], stages: 6 }).tma.preload).toBe(false); // peers' barriers
    expect(planOf({ tile: [64, 128, 64], stages: 6, splitK: 2, reduction: "cluster" }).tma.preload).toBe(false);
  });

  it("emits the preload between the barrier set-up and the CTA barrier, and the producer loop resumes after it", () => {
    const cuda = cudaOf({ tile: [64, 112, 64], stages: 9 });
    const fence = cuda.indexOf("ptx::fence_mbarrier_init(");
    const preload = cuda.indexOf("for (int kb = tile.k_begin; kb < tile.k_end && preloaded < kStages; ++kb, ++preloaded) {");
    const barrier = cuda.indexOf("__syncthreads();", fence);
    expect(fence).toBeGreaterThan(0);
    expect(preload).toBeGreaterThan(fence);
    expect(barrier).toBeGreaterThan(preload);
    expect(cuda).toContain("int stage = preloaded % kStages;");
    expect(cuda).toContain("uint32_t phase = preloaded / kStages;");
    expect(cuda).toContain("for (int kb = tile.k_begin + skip; kb < tile.k_end; ++kb) {");
    // Without the preload the producer starts its ring at stage 0 and walks every k-block itself.
    const plain = cudaOf({ tile: [128, 112, 64], stages: 6 });
    expect(plain).not.toContain("preloaded");
    expect(plain).toContain("for (int kb = tile.k_begin; kb < tile.k_end; ++kb) {");
  });

  it("issues B's TMA load (and B2's) before A's at every load site", () => {
    // The stage is full when its slower load lands; with small M that is B, streamed from memory.
    const order = (cuda: string, loads: string[]) => {
      const sites = cuda.split("\n").filter((l) => l.includes("ptx::cp_async_bulk_tensor(ptx::space_cluster, ptx::space_global,"));
      return sites.map((l) => loads.find((d) => l.includes(` ${d},`)) ?? "?");
    };
    const preloaded = cudaOf({ tile: [64, 64, 64], stages: 13 });
    expect(order(preloaded, ["a_dst", "b_dst"])).toEqual(["b_dst", "a_dst", "b_dst", "a_dst"]); // preload, producer loop
    const multicast = cudaOf({ tile: [64, 128, 64], cluster: [2, 2], stages: 6 });
    expect(order(multicast, ["a_dst", "b_dst"])).toEqual(["b_dst", "a_dst"]);
    const dual = cudaOf({ dual: true, tile: [128, 64, 64], stages: 4 });
    expect(order(dual, ["a_dst", "b2_dst", "b_dst"])).toEqual(["b_dst", "b2_dst", "a_dst"]);
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

  it("stacks B2's rows below B1's in every stage and multiplies both with one wgmma of N = 2 × tile N", () => {
    const p = planOf(dual);
    expect(p.dual).toBe(true);
    expect(p.products).toBe(2);
    // Stage s: B1's 128 rows at bOffset + s·bBytesPerStage, B2's 128 rows right below them.
    expect(p.smem.bBytesPerStage).toBe(2 * 128 * 64 * 2);
    expect(p.smem.bRowsPerAtom).toBe(256);
    expect(p.smem.b2Offset).toBe(p.smem.bOffset + 128 * 128);
    expect(p.smem.epilogueOffset).toBe(p.smem.bOffset + 4 * 2 * 128 * 64 * 2);
    expect(p.smem.b2Offset % 1024).toBe(0);
    expect(p.mma.instruction).toBe("wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16");
    expect(p.mma.accumulatorRegisters).toBe(2 * 64);
    expect(p.epilogue.kind).toBe("siluMul");
    const n64 = planOf({ ...dual, tile: [128, 64, 64], stages: 6 });
    expect(n64.mma.shape).toBe("m64n128k16");
    expect(n64.smem.b2Offset).toBe(n64.smem.bOffset + 64 * 128);
    const plain = planOf({ tile: [128, 128, 64] });
    expect([plain.dual, plain.products, plain.smem.bRowsPerAtom, plain.mma.shape]).toEqual([false, 1, 128, "m64n128k16"]);
    expect(plain.smem.b2Offset).toBe(plain.smem.bOffset);
  });

  it("loads A, B1 and B2, issues both products as one wgmma from one A descriptor, and gates in fp32", () => {
    const cu = cudaOf(dual);
    const helper = planOf(dual).mma.helperName;
    expect(cu).toContain(`${helper}(acc, desc_a, desc_b);`);
    expect(cu).not.toContain("acc2");
    expect(cu).toContain("smem_descriptor(b_stage + atom * kBAtomRows * kSwizzleRowBytes");
    expect(cu).toContain("kTxBytesPerStage = kABytesPerStage + kBBytesPerStage;");
    expect(cu).toContain("constexpr int kBAtomRows = 256;");
    expect(cu).toMatch(/cp_async_bulk_tensor\([^;]*map_b2, b_coords/);
    expect(cu).toContain("uint8_t* b2_stage = smem + kSmemB2 + stage * kBBytesPerStage;");
    expect(cu).toContain("const CUtensorMap* map_b2 = &tmap_b2;");
    expect(cu).toContain("return __fdividef(g, 1.0f + __expf(-g)) * u;");
    expect(cu).toContain("acc[i] = silu_mul(acc[i], acc[kAccumulators + i]);");
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

describe("narrow tiles", () => {
  it("store a tile N below one 128-byte row as one unswizzled chunk, and encode D without swizzle", () => {
    const p = planOf({ tile: [128, 56, 64], stages: 8 });
    expect(p.epilogue).toMatchObject({ chunkColumns: 56, swizzled: false });
    const cu = emit(p);
    expect(cu).toContain("constexpr int kEpilogueColumns = 56;");
    expect(cu).toContain("constexpr CUtensorMapSwizzle kEpilogueSwizzle = CU_TENSOR_MAP_SWIZZLE_NONE;");
    expect(cu).toContain("buffer + (row * kEpilogueColumns + col) * static_cast<int>(sizeof(ElementD))");
    expect(cu).toContain("kMmaM, kEpilogueColumns, kEpilogueSwizzle)");
    expect(cu).not.toContain("swizzle128_offset(row, col");
  });

  it("keep swizzled 128-byte chunks for tiles of whole rows", () => {
    const p = planOf({ tile: [128, 192, 64], stages: 4 });
    expect(p.epilogue).toMatchObject({ chunkColumns: 64, swizzled: true });
    const cu = emit(p);
    expect(cu).toContain("constexpr CUtensorMapSwizzle kEpilogueSwizzle = CU_TENSOR_MAP_SWIZZLE_128B;");
    expect(cu).toContain("swizzle128_offset(row, col * static_cast<int>(sizeof(ElementD)))");
  });

  it("above one row and not whole rows, go out in the widest unswizzled chunks that divide the tile", () => {
    expect(sm90Budget(sm90Spec({ tile: [64, 112, 64] }))).toMatchObject({ epilogueChunkColumns: 56, epilogueSwizzled: false });
    expect(sm90Budget(sm90Spec({ tile: [128, 96, 64] }))).toMatchObject({ epilogueChunkColumns: 48, epilogueSwizzled: false });
    expect(sm90Budget(sm90Spec({ tile: [128, 24, 64], out: "fp32" }))).toMatchObject({ epilogueChunkColumns: 24, epilogueSwizzled: false });
    expect(sm90Budget(sm90Spec({ tile: [128, 40, 64], out: "fp32" }))).toMatchObject({ epilogueChunkColumns: 20, epilogueSwizzled: false });
    // 8 × 13: only 16-byte chunks divide it.
    expect(sm90Budget(sm90Spec({ tile: [128, 104, 64] }))).toMatchObject({ epilogueChunkColumns: 8, epilogueSwizzled: false });
    const p = planOf({ tile: [64, 112, 64], stages: 9 });
    expect(p.epilogue).toMatchObject({ chunkColumns: 56, swizzled: false });
    expect(emit(p)).toContain("constexpr int kEpilogueColumns = 56;");
  });

  it("unswizzled chunk widths: whole 16-byte units, at most one 128-byte row, dividing tile N", () => {
    for (const outBytes of [2, 4]) {
      for (let tileN = 8; tileN <= 256; tileN += 8) {
        if (tileN % (128 / outBytes) === 0) continue;
        const c = unswizzledChunkColumns(tileN, outBytes, 128);
        expect(tileN % c, `${tileN} by ${outBytes}`).toBe(0);
        expect((c * outBytes) % 16).toBe(0);
        expect(c * outBytes).toBeLessThanOrEqual(128);
        // the widest: no wider legal width divides tile N
        for (let w = c + 16 / outBytes; w * outBytes <= 128; w += 16 / outBytes) expect(tileN % w).not.toBe(0);
      }
    }
  });
});

describe("split-K reduced inside a cluster", () => {
  it("plans the pieces, the receive slots after the epilogue buffers and two more barriers", () => {
    const p = planOf({ tile: [128, 128, 64], stages: 4, splitK: 4, reduction: "cluster" });
    // Two warpgroups, four CTAs: each warpgroup's 64 rows are cut into two 64-column pieces.
    expect(p.reduction).toMatchObject({ splits: 4, piecesPerWarpgroup: 2, pieceColumns: 64, pieceBytes: 64 * 64 * 4, receiveBytes: 3 * 64 * 64 * 4 });
    if (!p.reduction) throw new Error("no reduction planned");
    expect(p.smem.receiveOffset).toBe(p.smem.epilogueOffset + 2 * 2 * 64 * 128);
    expect(p.reduction.receiveOffset).toBe(p.smem.receiveOffset);
    expect(p.smem.barrierOffset).toBe(p.smem.receiveOffset + p.reduction.receiveBytes);
    expect(p.smem.splitFlagOffset).toBe(p.smem.barrierOffset + 2 * 4 * 8 + 2 * 8);
    expect(p.smem.splitFlagOffset + 4 * p.consumerWarpgroups).toBeLessThanOrEqual(p.smem.totalBytes - p.smem.alignmentSlackBytes);
    // The launched cluster is the four splits; nothing is multicast and nothing goes through a workspace.
    expect(p.cluster).toMatchObject({ size: 1, multi: false, launchCtas: 4, launched: true });
    expect(p.scheduler).toMatchObject({ splitK: 4, clusterReduction: true, sharedTiles: false });
  });

  it("adds the slots to the budget (and a plain split-K does not)", () => {
    const base: SpecOptions = { tile: [128, 128, 64], stages: 4, splitK: 2 };
    const workspace = sm90Budget(sm90Spec(base));
    const cluster = sm90Budget(sm90Spec({ ...base, reduction: "cluster" }));
    expect(workspace.clusterReduction).toBeUndefined();
    expect(cluster.clusterReduction?.receiveBytes).toBe(64 * 128 * 4);
    expect(cluster.smemBytes - workspace.smemBytes).toBe(64 * 128 * 4 + (cluster.barrierBytes - workspace.barrierBytes));
  });

  it("cuts pieces only where they are whole", () => {
    expect(clusterReductionShape(2, 2, 128)).toMatchObject({ piecesPerWarpgroup: 1, pieceColumns: 128 });
    expect(clusterReductionShape(4, 1, 128)).toMatchObject({ piecesPerWarpgroup: 4, pieceColumns: 32 });
    expect(clusterReductionShape(2, 4, 128)).toBeUndefined(); // fewer splits than warpgroups
    expect(clusterReductionShape(8, 1, 96)).toBeUndefined(); // 12-column pieces are not whole groups of 8
  });

  it("launches the splits as one cluster and reduces through distributed shared memory", () => {
    const cu = cudaOf({ tile: [128, 64, 64], stages: 7, splitK: 2, reduction: "cluster" });
    expect(cu).toContain("constexpr int kClusterCtas = 2;");
    expect(cu).toContain("attributes[0].val.clusterDim.x = kClusterCtas;");
    expect(cu).toContain("schedule.at(unit, cta_rank, split_rank)");
    expect(cu).toContain("send_pieces(acc, consumer, split_rank, lane_in_wg, smem, receive_full);");
    expect(cu).toContain("free_slots(split_rank, slots_free);");
    expect(cu).toContain("add_received_piece(acc, own_piece, lane_in_wg, smem);");
    expect(cu).toContain("mbarrier.arrive.release.cluster.shared::cluster.b64");
    expect(cu).toContain("if (chunk / kPieceChunks != own_piece) continue;");
    // No workspace: no fp32 partials in global memory, no arrival counters.
    expect(cu).toContain("constexpr bool kSharedTiles = false;");
    expect(cu).not.toContain("atomicAdd");
    // The multicast helpers stay out: the cluster's CTAs share no tiles.
    expect(cu).not.toContain("a_mask");
    expect(cu).not.toContain("b_mask");
    expect(cu).not.toMatch(/\{\{|\}\}/);
  });

  it("leaves kernels without it unchanged in shape: no cluster code for a plain split-K", () => {
    const cu = cudaOf({ tile: [128, 64, 64], stages: 8, splitK: 2 });
    expect(cu).toContain("constexpr int kClusterCtas = 1;");
    expect(cu).not.toContain("send_pieces");
    expect(cu).not.toContain("barrier_cluster_arrive");
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
