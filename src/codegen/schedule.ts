/**
 * The persistent tile schedule, planned once for every target: walk order, swizzle band, and how
 * K is shared between work units (split-K or stream-K, reduced in fp32 by the last unit, or split-K
 * reduced inside a cluster through distributed shared memory).
 */
import type { KernelSpec } from "../dsl/types.js";

export interface SchedulePlan {
  readonly swizzle: number;
  readonly rasterAlongN: boolean;
  readonly splitK: number;
  /**
   * Several work units may share an output tile (split-K or stream-K) and meet in a global fp32
   * workspace: emit that reduction. False for a cluster reduction, which needs no workspace.
   */
  readonly sharedTiles: boolean;
  /**
   * Split-K inside a cluster: a work unit is one output tile, computed by the splitK CTAs of one
   * cluster over their own K ranges (split = rank in the cluster) and reduced through distributed
   * shared memory.
   */
  readonly clusterReduction: boolean;
  readonly streamK: boolean;
  readonly description: string;
}

/** `unit` names what one step of the walk covers, e.g. "cluster tiles" or "CTA-pair tiles". */
export function planSchedule(scheduler: KernelSpec["scheduler"], unit: string): SchedulePlan {
  const { raster, swizzle, splitK, streamK } = scheduler;
  const clusterReduction = scheduler.reduction === "cluster" && splitK > 1;
  const order =
    raster === "n"
      ? `bands of ${swizzle} row(s) of ${unit} along M; inside a band down the rows, then along N`
      : `bands of ${swizzle} column(s) of ${unit} along N; inside a band along the columns, then down M`;
  return {
    swizzle,
    rasterAlongN: raster === "n",
    splitK,
    sharedTiles: (splitK > 1 || streamK) && !clusterReduction,
    clusterReduction,
    streamK,
    description: streamK
      ? `stream-K: tiles in ${order}, their k-blocks cut into one equal range per CTA; shared tiles reduced in fp32 by the last CTA`
      : clusterReduction
        ? `${order}; K split ${splitK} ways over the CTAs of a ${splitK}-CTA cluster, reduced in fp32 through distributed shared memory`
        : splitK > 1
        ? `${order}; K split ${splitK} ways, reduced in fp32 by the last split`
        : order,
  };
}
