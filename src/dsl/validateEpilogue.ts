/**
 * The validator's rules for an epilogue's options (alpha, bias, activation), shared by the GEMM-family
 * validator (validate.ts) and the GEMV validator (validateGemv.ts): the type checker refuses the same
 * in kernels/*.ts (check.ts, CheckEpilogueOptions), but a spec built from JavaScript reaches only these.
 */
import { EPILOGUE_ACTIVATIONS, EPILOGUE_BIAS_DTYPES, EPILOGUE_OPTIONS, type RuleCode } from "./rules.js";

type Report = (code: RuleCode, path: string, message: string, value: string, legal: string) => void;

const show = (v: unknown): string => (v === undefined ? "undefined" : JSON.stringify(v) ?? String(v));
const quoted = (values: readonly string[]): string =>
  `${values.slice(0, -1).map(show).join(", ")} or ${show(values[values.length - 1])}`;

/** Reports each option of `epilogue` (a record with a known kind) that breaks a rule, at "epilogue.<option>". */
export function checkEpilogueOptions(report: Report, epilogue: Readonly<Record<string, unknown>>): void {
  const alpha = epilogue["alpha"];
  if (alpha !== undefined && alpha !== true) {
    report(
      "EPILOGUE-ALPHA",
      "epilogue.alpha",
      `alpha ${show(alpha)}: alpha: true multiplies the op's fp32 result by the run-time GkGemmArgs::alpha`,
      show(alpha),
      "alpha: true, or leave alpha out",
    );
  }
  const bias = epilogue["bias"];
  if (bias !== undefined && !(EPILOGUE_BIAS_DTYPES as readonly unknown[]).includes(bias)) {
    report(
      "EPILOGUE-BIAS",
      "epilogue.bias",
      `bias dtype ${show(bias)} is not one the epilogue reads (it widens the bias to fp32 before adding it)`,
      show(bias),
      `bias: ${quoted(EPILOGUE_BIAS_DTYPES)}, or leave bias out`,
    );
  }
  const activation = epilogue["activation"];
  if (activation !== undefined && !(EPILOGUE_ACTIVATIONS as readonly unknown[]).includes(activation)) {
    report(
      "EPILOGUE-ACTIVATION",
      "epilogue.activation",
      `activation ${show(activation)} is not one the epilogue applies`,
      show(activation),
      `activation: ${quoted(EPILOGUE_ACTIVATIONS)}, or leave activation out`,
    );
  }
  for (const key of Object.keys(epilogue)) {
    if (key === "kind" || (EPILOGUE_OPTIONS as readonly string[]).includes(key)) continue;
    report(
      "EPILOGUE-OPTION",
      `epilogue.${key}`,
      `${show(key)} is not an epilogue option`,
      show(epilogue[key]),
      `the options ${quoted(EPILOGUE_OPTIONS)} only`,
    );
  }
}
