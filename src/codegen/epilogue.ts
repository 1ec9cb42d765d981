/**
 * The epilogue math every op shares (alpha, bias, activation after the op's fp32 result), planned
 * once here: which steps templates/common/epilogue_math.hbs emits, how the bias is read, what
 * gk_kernel_info reports, and the header comment's description. The per-target plans embed it.
 */
import type { Activation, Epilogue } from "../dsl/types.js";
import { cudaType, type CudaType } from "./cudaTypes.js";

/** What one step of the bias is indexed by: the output column (GEMM family) or the output row (GEMV). */
export type BiasIndex = "column" | "row";

export interface EpilogueBiasPlan {
  readonly type: CudaType;
  /** Read in pairs of adjacent columns (load_bias_pair): the GEMM family; a GEMV reads one entry per row. */
  readonly pairs: boolean;
  /** What gk_check's GK-BIAS message says the bias is. */
  readonly description: string;
}

export interface EpilogueActivationPlan {
  readonly name: Activation;
  /** Exactly one is true: which device function epilogue_math.hbs emits. */
  readonly relu: boolean;
  readonly gelu: boolean;
  readonly silu: boolean;
  /** The GkActivation value gk_kernel_info reports. */
  readonly abi: string;
  readonly formula: string;
}

export interface EpilogueMathPlan {
  /** Anything after the op's result (alpha, a bias or an activation): the math partial is emitted. */
  readonly extra: boolean;
  readonly alpha: boolean;
  readonly bias: EpilogueBiasPlan | false;
  readonly activation: EpilogueActivationPlan | false;
  /** D in terms of x: "gelu(alpha·x + bias[n])". */
  readonly formula: string;
  /** The header comment's lines, one per step, x first and the conversion last. */
  readonly steps: readonly string[];
  /** The GkKernelInfo fields: alpha, bias_type, bias, activation. */
  readonly abi: { readonly alpha: 0 | 1; readonly biasType: string; readonly bias: 0 | 1; readonly activation: string };
}

const ACTIVATIONS: Record<Activation, { readonly abi: string; readonly formula: string }> = {
  relu: { abi: "GK_ACT_RELU", formula: "relu(y) = max(y, 0)" },
  gelu: { abi: "GK_ACT_GELU", formula: "gelu(y) = 0.5·y·(1 + erf(y/√2)), the exact erf form" },
  silu: { abi: "GK_ACT_SILU", formula: "silu(y) = y / (1 + e^-y)" },
};

/**
 * The epilogue math of a kernel: `epilogue` its options, `x` what the op's fp32 result is (for the
 * header comment), `index` what the bias follows, `out` the output dtype.
 */
export function planEpilogueMath(epilogue: Epilogue, x: string, index: BiasIndex, out: CudaType): EpilogueMathPlan {
  const alpha = epilogue.alpha === true;
  const i = index === "column" ? "n" : "m";
  const bias: EpilogueBiasPlan | false =
    epilogue.bias === undefined
      ? false
      : {
          type: cudaType(epilogue.bias),
          pairs: index === "column",
          description:
            index === "column"
              ? `${epilogue.bias}, N entries, one per column of D`
              : `${epilogue.bias}, M entries, one per row of D, the same for every batch`,
        };
  const activation: EpilogueActivationPlan | false =
    epilogue.activation === undefined
      ? false
      : {
          name: epilogue.activation,
          relu: epilogue.activation === "relu",
          gelu: epilogue.activation === "gelu",
          silu: epilogue.activation === "silu",
          ...ACTIVATIONS[epilogue.activation],
        };

  // D in terms of x for the comments, and the header's steps, each reading the previous value.
  let formula = "x";
  let value = "x";
  const steps = [`x = ${x}`];
  const step = (apply: (v: string) => string, note: string): void => {
    steps.push(`y = ${apply(value)}${note}`);
    formula = apply(formula);
    value = "y";
  };
  if (alpha) step((v) => `alpha·${v}`, " (alpha: GkGemmArgs::alpha, a run-time float)");
  if (bias) step((v) => `${v} + bias[${i}]`, ` (bias: GkGemmArgs::bias, ${bias.description}, widened to fp32)`);
  if (activation) step((v) => `${activation.name}(${v})`, `, ${activation.formula}`);
  steps.push(`D = ${value} converted once to ${out.name}`);

  return {
    extra: alpha || bias !== false || activation !== false,
    alpha,
    bias,
    activation,
    formula,
    steps,
    abi: {
      alpha: alpha ? 1 : 0,
      biasType: bias ? bias.type.abi : "GkDType{}",
      bias: bias ? 1 : 0,
      activation: activation ? activation.abi : "GK_ACT_NONE",
    },
  };
}
