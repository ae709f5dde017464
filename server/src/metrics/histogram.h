// A Prometheus-style histogram with fixed bucket bounds and lock-free
// observation. Safe to Observe() from any thread while another renders it.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace sidestream::metrics {

class Histogram {
 public:
  // `bounds` are the upper bounds of the buckets, ascending; +Inf is implied.
  explicit Histogram(std::vector<double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  void Observe(double value);
  // Appends `<name>_bucket{<labels>,le="…"} n` lines, `_sum` and `_count`.
  // `labels` is `key="value",…` without braces (may be empty).
  void Render(const std::string& name, const std::string& labels, std::string* out) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::atomic<uint64_t>> counts_;  // one per bound, plus +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micro_{0};  // sum in millionths, to stay integral
};

// Bucket bounds for milliseconds (0.1 ms … 10 s) and for batch sizes.
std::vector<double> LatencyMsBuckets();
std::vector<double> BatchSizeBuckets();

}  // namespace sidestream::metrics
