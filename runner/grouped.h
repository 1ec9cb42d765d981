// Grouped GEMM problems (GK_OP_GROUPED_GEMM): the command-line syntax, the text forms, and the
// kernel-level rules. The run itself is ProblemRunner::run_grouped_checked, defined in grouped.cu.
#pragma once
#include <string>

#include "gemmkit_abi.h"
#include "results.h"

namespace gkr {

// "M1,M2,...xN1,...xK1,..." (x or X): comma-separated lists in the M, N and K positions, each of
// the same length G or of length 1 (repeated for every group); no L. Fills out->groups and sets
// m = the sum of the M values, n and k those of group 0. Values may be zero or negative so that
// refusals can be tested. On failure returns false and says why in *why.
bool parse_grouped_shape(const std::string& text, Shape* out, std::string* why);

// A grouped kernel reads every problem as groups: a plain MxNxK becomes one group.
void as_grouped(Shape* s);

// The largest K over the groups (K itself for a plain problem): the tolerance grows with K.
int tolerance_k(const Shape& s);

// "4096x4096x4096x1" for a plain problem (the runner's log lines), "80,176x4096x7168" for groups
// (lists collapsed to one value when all groups share it).
std::string problem_text(const Shape& s);

// "8 groups m=80,176,128,72,64,248,96,160 n=4096 k=7168" for the table; long lists are cut with "…".
std::string group_summary(const Shape& s);

// Why the runner cannot run this grouped kernel at all, or "" (called by kernel_device_mismatch).
std::string grouped_kernel_mismatch(const GkKernelInfo& info);

// The refusal of a grouped problem given to a kernel that is not a grouped GEMM.
std::string grouped_problem_refusal(const Shape& s, const GkKernelInfo& info);

}  // namespace gkr
