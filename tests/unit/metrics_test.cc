// Prometheus text helpers and histograms.
#include <gtest/gtest.h>

#include "metrics/histogram.h"
#include "metrics/text_format.h"

namespace sidestream::metrics {
namespace {

// Regression: consumer group names went into label values unescaped, so a
// quote in a group name broke the whole exposition.
TEST(TextFormat, LabelValuesAreEscaped) {
  EXPECT_EQ(EscapeLabelValue("plain-group"), "plain-group");
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(Histogram, BucketsAreCumulativeWithSumAndCount) {
  Histogram h({1, 10});
  h.Observe(0.5);
  h.Observe(5);
  h.Observe(50);
  std::string out;
  h.Render("x", "p=\"g\"", &out);
  EXPECT_NE(out.find("x_bucket{p=\"g\",le=\"1\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_bucket{p=\"g\",le=\"10\"} 2\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_bucket{p=\"g\",le=\"+Inf\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("x_sum{p=\"g\"} 55.5"), std::string::npos) << out;
  EXPECT_NE(out.find("x_count{p=\"g\"} 3\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace sidestream::metrics
