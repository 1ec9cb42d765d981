// Stub baseline for builds without cuBLAS headers/libraries.
#include "baseline.h"

namespace gkr {

std::unique_ptr<Baseline> make_baseline(const BaselineProblem&, cudaStream_t, std::string* why) {
  if (why) *why = "baseline unavailable: built without cuBLAS";
  return nullptr;
}

std::unique_ptr<Baseline> make_grouped_baseline(const std::vector<BaselineProblem>&, cudaStream_t, std::string* why) {
  if (why) *why = "baseline unavailable: built without cuBLAS";
  return nullptr;
}

std::string baseline_library() { return "none"; }

}  // namespace gkr
