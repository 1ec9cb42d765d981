/** How each DSL dtype is spelled in the generated CUDA and in the runner ABI. */
import type { DType } from "../dsl/facts.js";
import { DTYPES } from "../dsl/facts.js";

export interface CudaType {
  readonly name: DType;
  readonly cuda: string;
  readonly abi: string;
  readonly tma: string;
  /** Two adjacent outputs packed for one store, and how to make them from floats v0, v1. */
  readonly pairType: string;
  readonly pack2: string;
  /** The intrinsic that widens a pair (pairType) to float2; "" where the pair is a float2 already. */
  readonly pairToFloat2: string;
}

const ABI: Record<DType, string> = {
  bf16: "GK_BF16",
  fp16: "GK_FP16",
  fp32: "GK_FP32",
  e4m3: "GK_E4M3",
  e5m2: "GK_E5M2",
  e2m1: "GK_E2M1",
  ue4m3: "GK_UE4M3",
  ue8m0: "GK_UE8M0",
};
const TMA: Record<DType, string> = {
  bf16: "CU_TENSOR_MAP_DATA_TYPE_BFLOAT16",
  fp16: "CU_TENSOR_MAP_DATA_TYPE_FLOAT16",
  fp32: "CU_TENSOR_MAP_DATA_TYPE_FLOAT32",
  // fp8 has no tensor-map type of its own: TMA moves bytes.
  e4m3: "CU_TENSOR_MAP_DATA_TYPE_UINT8",
  e5m2: "CU_TENSOR_MAP_DATA_TYPE_UINT8",
  // e2m1 is moved as packed bytes (two values each); the scales as bytes.
  e2m1: "CU_TENSOR_MAP_DATA_TYPE_UINT8",
  ue4m3: "CU_TENSOR_MAP_DATA_TYPE_UINT8",
  ue8m0: "CU_TENSOR_MAP_DATA_TYPE_UINT8",
};
const PAIR: Record<DType, { pairType: string; pack2: string; pairToFloat2: string }> = {
  bf16: { pairType: "__nv_bfloat162", pack2: "__floats2bfloat162_rn(v0, v1)", pairToFloat2: "__bfloat1622float2" },
  fp16: { pairType: "__half2", pack2: "__floats2half2_rn(v0, v1)", pairToFloat2: "__half22float2" },
  fp32: { pairType: "float2", pack2: "make_float2(v0, v1)", pairToFloat2: "" },
  e4m3: { pairType: "__nv_fp8x2_e4m3", pack2: "__nv_fp8x2_e4m3(make_float2(v0, v1))", pairToFloat2: "static_cast<float2>" },
  e5m2: { pairType: "__nv_fp8x2_e5m2", pack2: "__nv_fp8x2_e5m2(make_float2(v0, v1))", pairToFloat2: "static_cast<float2>" },
  // Never an output (GEMM-DTYPE-OUT): no pair type.
  e2m1: { pairType: "", pack2: "", pairToFloat2: "" },
  ue4m3: { pairType: "", pack2: "", pairToFloat2: "" },
  ue8m0: { pairType: "", pack2: "", pairToFloat2: "" },
};

export function cudaType(t: DType): CudaType {
  return { name: t, cuda: DTYPES[t].cuda, abi: ABI[t], tma: TMA[t], ...PAIR[t] };
}
