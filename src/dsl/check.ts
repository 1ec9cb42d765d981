/**
 * Type-level rules: an illegal discrete choice becomes a type error at the user's property.
 * (Placeholder: filled in with the rules of facts.ts.)
 */
import type { DType } from "./facts.js";
import type { KernelConfig } from "./types.js";

export type CheckKernel<T extends KernelConfig> = unknown;
export type CheckGemmDTypes<A extends DType, B extends DType, Out extends DType> = unknown;
